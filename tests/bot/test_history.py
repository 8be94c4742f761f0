"""/history: one's own conversations, paged; opening one shows its transcript (split when long);
deleting asks first; nobody opens or deletes someone else's."""

from __future__ import annotations

import pytest

from core.errors import NotFound
from tests.bot.harness import OTHER_STUDENT, STUDENT, BotHarness, Person


async def talk(book_app, course, person: Person, question: str, answer: str = "An answer.") -> str:
    user = await book_app.accounts.resolve("discord", person.id, person.name)
    await book_app.accounts.enter_course(user.id, course.id)
    conversation_id, _ = await book_app.conversations.record(
        course_id=course.id,
        user_id=user.id,
        surface="discord",
        question=question,
        answer=answer,
        conversation_id=None,
        question_fields={},
        answer_fields={"answer_mode": "extractive", "covered": True},
        usage=[],
    )
    return conversation_id


def menu(call) -> dict:
    return next(i for row in call.components for i in row["components"] if i["custom_id"] == "sh:hist:open")


async def test_empty_history_says_what_to_do(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("history"))
    assert calls[0].ephemeral and "/ask" in calls[0].content and not calls[0].components


async def test_a_real_answer_appears_and_opens(discord_bot: BotHarness, book_app, course) -> None:
    user = await book_app.accounts.resolve("discord", STUDENT.id, STUDENT.name)
    await book_app.accounts.enter_course(user.id, course.id)  # a student of the class
    answer = await book_app.answers.ask(
        course, user, "What keeps a walking robot balanced?", surface="discord"
    )
    listed = await discord_bot.send(discord_bot.slash("history"))
    assert listed[0].ephemeral and "What keeps a walking robot balanced?" in listed[0].text()
    options = menu(listed[0])["options"]
    assert [o["value"] for o in options] == [answer.conversation_id]
    opened = await discord_bot.send(
        discord_bot.click(discord_bot.message(listed[0]), "sh:hist:open", values=[answer.conversation_id])
    )
    assert opened[0].ephemeral and "**❓ You:** What keeps a walking robot balanced?" in opened[0].content
    assert "**📖 Studyhall:**" in opened[-1].content
    assert opened[-1].custom_ids() == [f"sh:hist:del:{answer.conversation_id}"]


async def test_pages_of_ten_and_at_most_25_options(discord_bot: BotHarness, book_app, course) -> None:
    for n in range(12):
        await talk(book_app, course, STUDENT, f"question number {n}")
    first = await discord_bot.send(discord_bot.slash("history"))
    assert len(menu(first[0])["options"]) == 10 <= 25
    assert "sh:hist:page:10" in first[0].custom_ids()
    older = await discord_bot.send(discord_bot.click(discord_bot.message(first[0]), "sh:hist:page:10"))
    assert older[0].kind == 7 and len(menu(older[0])["options"]) == 2
    assert "11." in older[0].text() and "question number" in older[0].text()
    buttons = {
        i["custom_id"]: i.get("disabled", False) for row in older[0].components for i in row["components"]
    }
    assert buttons["sh:hist:page:0"] is False and buttons["sh:hist:page:20"] is True


async def test_a_long_conversation_is_split_without_breaking_code(
    discord_bot: BotHarness, book_app, course
) -> None:
    code = "```python\n" + "\n".join(f"x_{n} = {n}  # step" for n in range(60)) + "\n```"
    long_answer = ("word " * 250 + "\n\n" + code + "\n\n") * 4
    conversation_id = await talk(book_app, course, STUDENT, "@everyone how?", long_answer)
    listed = await discord_bot.send(discord_bot.slash("history"))
    opened = await discord_bot.send(
        discord_bot.click(discord_bot.message(listed[0]), "sh:hist:open", values=[conversation_id])
    )
    assert all(len(c.content) <= 2000 for c in opened)
    assert all(c.content.count("```") % 2 == 0 for c in opened)
    assert all(
        c.json.get("allowed_mentions", c.body.get("allowed_mentions")) == {"parse": []} for c in opened
    )
    assert "…" in "".join(c.content for c in opened)  # clipped


async def test_delete_asks_first_and_survives_a_restart(discord_bot: BotHarness, book_app, course) -> None:
    conversation_id = await talk(book_app, course, STUDENT, "Delete me later")
    user = await book_app.accounts.find("discord", STUDENT.id)
    listed = await discord_bot.send(discord_bot.slash("history"))
    opened = await discord_bot.send(
        discord_bot.click(discord_bot.message(listed[0]), "sh:hist:open", values=[conversation_id])
    )
    asked = await discord_bot.send(
        discord_bot.click(discord_bot.message(opened[-1]), f"sh:hist:del:{conversation_id}")
    )
    assert asked[0].ephemeral and "cannot be undone" in asked[0].content
    confirm = discord_bot.message(asked[0])
    kept = await discord_bot.send(discord_bot.click(confirm, "sh:hist:keep"))
    assert "nothing was deleted" in kept[0].content
    await book_app.conversations.get(user.id, conversation_id)

    fresh = await discord_bot.restarted()
    try:
        done = await fresh.send(fresh.click(confirm, f"sh:hist:sure:{conversation_id}"))
    finally:
        await fresh.bot.close()
    assert done[0].kind == 7 and "Deleted" in done[0].content
    with pytest.raises(NotFound):
        await book_app.conversations.get(user.id, conversation_id)


async def test_nobody_opens_or_deletes_someone_elses(discord_bot: BotHarness, book_app, course) -> None:
    adas = await talk(book_app, course, STUDENT, "Ada's private question")
    await talk(book_app, course, OTHER_STUDENT, "Grace's question")
    graces_list = await discord_bot.send(discord_bot.slash("history", person=OTHER_STUDENT))
    assert "Ada's private question" not in graces_list[0].text()
    message = discord_bot.message(graces_list[0])
    peek = await discord_bot.send(
        discord_bot.click(message, "sh:hist:open", values=[adas], person=OTHER_STUDENT)
    )
    assert peek[-1].ephemeral and "isn't in your history" in peek[-1].content
    assert "Ada's private question" not in peek[-1].content

    adas_list = await discord_bot.send(discord_bot.slash("history"))
    opened = await discord_bot.send(
        discord_bot.click(discord_bot.message(adas_list[0]), "sh:hist:open", values=[adas])
    )
    delete = await discord_bot.send(
        discord_bot.click(discord_bot.message(opened[-1]), f"sh:hist:del:{adas}", person=OTHER_STUDENT)
    )
    assert "isn't in your history" in delete[-1].content
    asked = await discord_bot.send(discord_bot.click(discord_bot.message(opened[-1]), f"sh:hist:del:{adas}"))
    forced = await discord_bot.send(
        discord_bot.click(discord_bot.message(asked[0]), f"sh:hist:sure:{adas}", person=OTHER_STUDENT)
    )
    assert "isn't in your history" in forced[-1].content
    user = await book_app.accounts.find("discord", STUDENT.id)
    await book_app.conversations.get(user.id, adas)  # still there


async def test_a_transcript_lists_each_answers_sources_linked_to_the_book(
    discord_bot: BotHarness, book_app, course
) -> None:
    """The transcript's [n] markers point somewhere: the sources follow the answer, as in /ask."""
    await book_app.courses.configure("sample", book_url="https://book.example/docs/")
    user = await book_app.accounts.resolve("discord", STUDENT.id, STUDENT.name)
    await book_app.accounts.enter_course(user.id, course.id)
    course = await book_app.courses.get("sample")
    answer = await book_app.answers.ask(course, user, "What is the zero moment point?", surface="discord")
    assert answer.mode == "extractive" and "[1]" in answer.text
    listed = await discord_bot.send(discord_bot.slash("history"))
    opened = await discord_bot.send(
        discord_bot.click(discord_bot.message(listed[0]), "sh:hist:open", values=[answer.conversation_id])
    )
    shown = "\n".join(discord_bot.message(call)["content"] for call in opened)
    url = "https://book.example/docs/01-foundations/balance-and-zmp#zmp"
    # Linked without a preview card: <url> keeps a transcript from filling with link embeds.
    assert f"[1] [Bipedal Balance › Zero Moment Point](<{url}>)" in shown
    assert shown.index("**📖 Studyhall:**") < shown.index("Sources:") < shown.index("[1] [Bipedal")


async def test_without_a_book_url_the_sources_are_named_not_linked(
    discord_bot: BotHarness, book_app, course
) -> None:
    user = await book_app.accounts.resolve("discord", STUDENT.id, STUDENT.name)
    await book_app.accounts.enter_course(user.id, course.id)
    answer = await book_app.answers.ask(course, user, "What is the zero moment point?", surface="discord")
    listed = await discord_bot.send(discord_bot.slash("history"))
    opened = await discord_bot.send(
        discord_bot.click(discord_bot.message(listed[0]), "sh:hist:open", values=[answer.conversation_id])
    )
    shown = "\n".join(discord_bot.message(call)["content"] for call in opened)
    assert "[1] Bipedal Balance › Zero Moment Point" in shown and "](" not in shown
