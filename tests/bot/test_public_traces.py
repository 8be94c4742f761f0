"""D20: a public /ask answer is titled with the student's question, so forget and /history → Delete
take it (and its public follow-ups) out of the channel where Discord allows, and say plainly what
could not be removed. What Discord holds afterwards is what is checked."""

from __future__ import annotations

import pytest

from core.errors import NotFound
from tests.bot.discord_fake import Call
from tests.bot.harness import CHANNEL_ID, OTHER_STUDENT, STUDENT, BotHarness, Person
from tests.traces import traces

QUESTION = "What is the zero moment point, asks zq9931?"
FOLLOW = "And how does zq9931 keep it inside the polygon?"


def channel_text(discord_bot: BotHarness) -> str:
    """Everything anyone in the class channel can read now."""
    return "\n".join(
        Call("GET", "", {"embeds": m["embeds"], "content": m["content"]}).text()
        for m in discord_bot.http.in_channel(CHANNEL_ID)
    )


def answer_id(call: Call) -> str:
    return next(i for i in call.custom_ids() if i.startswith("sh:ask:rate:up:")).rsplit(":", 1)[1]


async def ask_in_public(discord_bot: BotHarness, question: str, person: Person = STUDENT) -> Call:
    calls = await discord_bot.send(discord_bot.slash("ask", question=question, person=person))
    answer = [c for c in calls if c.path.startswith("/webhooks") and c.embeds][-1]
    assert not answer.ephemeral and question in channel_text(discord_bot)
    return answer


async def follow_up(discord_bot: BotHarness, answer: Call, question: str) -> None:
    message, asked = discord_bot.message(answer), answer_id(answer)
    opened = await discord_bot.send(discord_bot.click(message, f"sh:ask:follow:{asked}"))
    form = opened[0].json["data"]["custom_id"]
    await discord_bot.send(discord_bot.submit(form, {"question": question}))
    assert question in channel_text(discord_bot)


async def forget_me(discord_bot: BotHarness, person: Person = STUDENT) -> Call:
    asked = await discord_bot.send(discord_bot.slash("privacy", sub="forget", person=person))
    confirm = next(i for i in asked[0].custom_ids() if i.startswith("sh:privacy:forget:"))
    done = await discord_bot.send(discord_bot.click(discord_bot.message(asked[0]), confirm, person=person))
    return done[-1]


async def test_forget_deletes_her_public_answers_and_leaves_no_trace(
    discord_bot: BotHarness, book_app
) -> None:
    answer = await ask_in_public(discord_bot, QUESTION)
    await follow_up(discord_bot, answer, FOLLOW)
    other = await ask_in_public(discord_bot, "What is a humanoid robot?", person=OTHER_STUDENT)
    user = await book_app.accounts.find("discord", STUDENT.id)

    said = await forget_me(discord_bot)

    assert "deleted" in said.content and "2 public answers were removed" in said.content
    assert "could not" not in said.content
    assert "zq9931" not in channel_text(discord_bot)
    assert "What is a humanoid robot?" in channel_text(discord_bot)  # Grace's answer stays
    assert discord_bot.message(other)["embeds"]
    with pytest.raises(NotFound):
        await book_app.accounts.find("discord", STUDENT.id)
    needles = {"user id": user.id, "Discord id": STUDENT.id, "question": "zq9931"}
    assert await traces(book_app.db, needles) == []


async def test_forget_says_what_could_not_be_removed(discord_bot: BotHarness, book_app) -> None:
    await ask_in_public(discord_bot, QUESTION)
    discord_bot.http.hidden_channels.add(CHANNEL_ID)  # the bot was shut out of the channel since

    said = await forget_me(discord_bot)

    assert "deleted" in said.content
    assert "1 message could not be deleted: the bot no longer sees that channel" in said.content
    assert "https://discord.com/channels/" in said.content and CHANNEL_ID in said.content
    with pytest.raises(NotFound):  # the data is gone all the same
        await book_app.accounts.find("discord", STUDENT.id)


async def test_an_answer_a_moderator_already_deleted_is_not_a_failure(
    discord_bot: BotHarness, book_app
) -> None:
    answer = await ask_in_public(discord_bot, QUESTION)
    del discord_bot.http.messages[discord_bot.message(answer)["id"]]
    said = await forget_me(discord_bot)
    assert "deleted" in said.content and "could not" not in said.content


async def test_private_answers_need_no_deleting(discord_bot: BotHarness, book_app) -> None:
    await discord_bot.send(discord_bot.slash("ask", question=QUESTION, private=True))
    said = await forget_me(discord_bot)
    assert "deleted" in said.content and "public answer" not in said.content
    assert discord_bot.http.deleted == []


async def test_history_delete_takes_the_public_answer_down(discord_bot: BotHarness, book_app) -> None:
    answer = await ask_in_public(discord_bot, QUESTION)
    await follow_up(discord_bot, answer, FOLLOW)
    await ask_in_public(discord_bot, "What is a humanoid robot?")  # another conversation of hers
    user = await book_app.accounts.find("discord", STUDENT.id)
    conversation = next(c for c in await book_app.conversations.list(user.id) if "zq9931" in c.title)

    listed = await discord_bot.send(discord_bot.slash("history"))
    opened = await discord_bot.send(
        discord_bot.click(discord_bot.message(listed[0]), "sh:hist:open", values=[conversation.id])
    )
    asked = await discord_bot.send(
        discord_bot.click(discord_bot.message(opened[-1]), f"sh:hist:del:{conversation.id}")
    )
    done = await discord_bot.send(
        discord_bot.click(discord_bot.message(asked[0]), f"sh:hist:sure:{conversation.id}")
    )

    said = done[-1].content
    assert "Deleted" in said and "2 public answers were removed" in said
    assert "zq9931" not in channel_text(discord_bot)
    assert "What is a humanoid robot?" in channel_text(discord_bot)  # the other conversation stays
    assert await traces(book_app.db, {"question": "zq9931"}) == []


async def test_a_forget_from_the_cli_is_cleaned_up_by_the_bot(discord_bot: BotHarness, book_app) -> None:
    await ask_in_public(discord_bot, QUESTION)
    user = await book_app.accounts.find("discord", STUDENT.id)
    await book_app.privacy.forget(user.id, surface="cli")  # what `studyhall user forget` does
    assert "zq9931" in channel_text(discord_bot)

    cog = discord_bot.bot.get_cog("Privacy")
    assert await cog.take_down_waiting() == 1

    assert "zq9931" not in channel_text(discord_bot)
    assert await cog.take_down_waiting() == 0


async def test_a_frozen_week_shown_on_discord_leaves_out_the_hidden_and_the_forgotten(
    discord_bot: BotHarness, book_app, course, clock
) -> None:
    course = await book_app.courses.configure(course.slug, self_marked_counts=True)  # marks alone rank
    for person, units in ((STUDENT, ("week-1", "week-2")), (OTHER_STUDENT, ("week-1",))):
        user = await book_app.accounts.resolve("discord", person.id, person.name)
        await book_app.accounts.enroll(user.id, course.id)
        for unit in units:
            await book_app.tracking.mark(user, course, unit)
    clock.advance(days=7)
    await book_app.leaderboards.board(course)  # the week that ended is frozen with Ada on top
    [week] = await book_app.leaderboards.weeks(course)

    def shown() -> str:
        return board[0].text() if (board := [c for c in calls if c.embeds]) else ""

    calls = await discord_bot.send(discord_bot.slash("leaderboard", week=week, person=OTHER_STUDENT))
    assert "**#1** Ada" in shown() and "**#2** Grace" in shown()

    await discord_bot.send(discord_bot.slash("privacy", group="leaderboard", sub="hide"))
    clock.advance(minutes=1)  # Grace may post the public board once a minute
    calls = await discord_bot.send(discord_bot.slash("leaderboard", week=week, person=OTHER_STUDENT))
    assert "Ada" not in shown() and "**#2** Grace" in shown()

    await discord_bot.send(discord_bot.slash("privacy", group="leaderboard", sub="show"))
    await forget_me(discord_bot)
    clock.advance(minutes=1)
    calls = await discord_bot.send(discord_bot.slash("leaderboard", week=week, person=OTHER_STUDENT))
    assert "Ada" not in shown() and "**#2** Grace" in shown()


async def test_sources_on_an_answer_that_could_not_be_taken_down_say_it_was_deleted(
    discord_bot: BotHarness, book_app
) -> None:
    answer = await ask_in_public(discord_bot, "What is the zero moment point?")
    asked = answer_id(answer)
    assert f"sh:ask:sources:{asked}" in answer.custom_ids()
    discord_bot.http.hidden_channels.add(CHANNEL_ID)
    await forget_me(discord_bot)
    discord_bot.http.hidden_channels.clear()  # the message stayed; a classmate presses its button

    pressed = await discord_bot.send(
        discord_bot.click(discord_bot.message(answer), f"sh:ask:sources:{asked}", person=OTHER_STUDENT)
    )
    assert pressed[-1].ephemeral and "no longer stored" in pressed[-1].content
    assert asked not in pressed[-1].content
