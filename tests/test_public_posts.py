"""Where public answers were posted: each student gets back only their own, and a deleted
conversation or a forgotten student leaves the post waiting, nobody's, for the bot."""

from __future__ import annotations

from core.app import App


async def test_posts_are_handed_back_to_their_owner_only(book_app: App, course) -> None:
    ada = await book_app.accounts.resolve("discord", "800000000000000001", "Ada")
    bob = await book_app.accounts.resolve("discord", "800000000000000002", "Bob")
    await book_app.accounts.enroll(ada.id, course.id)
    first = await book_app.answers.ask(course, ada, "What is the zero moment point?", surface="discord")
    second = await book_app.answers.ask(course, ada, "What is a humanoid robot?", surface="discord")
    for n, answer in enumerate((first, second, first)):
        await book_app.public_posts.remember(
            ada.id, answer.conversation_id, guild_id=None, channel_id="71", message_id=f"9{n}"
        )
    # the same message twice is one post
    await book_app.public_posts.remember(
        ada.id, first.conversation_id, guild_id=None, channel_id="71", message_id="90"
    )

    assert [p.message_id for p in await book_app.public_posts.of_user(ada.id)] == ["90", "91", "92"]
    own = await book_app.public_posts.of_conversation(ada.id, first.conversation_id)
    assert [p.message_id for p in own] == ["90", "92"]
    assert own[0].link == "https://discord.com/channels/@me/71/90"
    assert await book_app.public_posts.of_conversation(bob.id, first.conversation_id) == []
    assert await book_app.public_posts.orphaned() == []

    await book_app.conversations.delete(ada.id, first.conversation_id)
    waiting = await book_app.public_posts.orphaned()
    assert [p.message_id for p in waiting] == ["90", "92"]
    await book_app.public_posts.taken_down(waiting)
    assert await book_app.public_posts.orphaned() == []
    assert [p.message_id for p in await book_app.public_posts.of_user(ada.id)] == ["91"]
