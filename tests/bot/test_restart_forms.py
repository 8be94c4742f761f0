"""Forms a student is typing in when the bot restarts: the submit still gets its answer, because
the forms are handled by their custom id, not by an object in the old process's memory."""

from __future__ import annotations

from bot.cogs.ask import DEFAULT_QUESTION, MENU_NAME
from core.app import App
from tests.bot.harness import CHANNEL_ID, DM_CHANNEL_ID, OTHER_STUDENT, BotHarness
from tests.bot.test_ask import ZMP, answer_calls, answer_id, conversations_of


def _fields(opened) -> dict[str, str]:
    """What the student sends back: every text input of the form, as shown (its default)."""
    form = opened[0].json["data"]
    return {
        row["components"][0]["custom_id"]: row["components"][0].get("value") or ""
        for row in form["components"]
    }


async def test_a_follow_up_typed_across_a_restart_is_answered(discord_bot: BotHarness, book_app: App) -> None:
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP, private=True))
    reply = answer_calls(calls)[0]
    message, message_id = discord_bot.message(reply), answer_id(reply)
    opened = await discord_bot.send(discord_bot.click(message, f"sh:ask:follow:{message_id}"))
    form_id = opened[0].json["data"]["custom_id"]
    discord_bot = await discord_bot.restart()  # the student is still typing
    answered = await discord_bot.send(discord_bot.submit(form_id, {"question": "Can you give an example?"}))
    replies = answer_calls(answered)
    assert len(replies) == 1 and replies[0].embeds[0]["title"] == "Can you give an example?"
    assert discord_bot.message(replies[0])["flags"] & 64  # a private answer's follow-up stays private
    user, [conversation] = await conversations_of(book_app)
    _, messages = await book_app.conversations.get(user.id, conversation.id)
    assert [m.role for m in messages] == ["user", "assistant", "user", "assistant"]


async def test_a_follow_up_without_a_restart_is_answered_once(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    reply = answer_calls(calls)[0]
    opened = await discord_bot.send(
        discord_bot.click(discord_bot.message(reply), f"sh:ask:follow:{answer_id(reply)}")
    )
    form_id = opened[0].json["data"]["custom_id"]
    answered = await discord_bot.send(discord_bot.submit(form_id, {"question": "And on slopes?"}))
    assert [c.kind for c in answered if c.kind] == [5]  # one deferral: handled once, not twice
    assert [e["title"] for m in discord_bot.http.in_channel(CHANNEL_ID) for e in m["embeds"][:1]] == [
        ZMP,
        "And on slopes?",
    ]


async def test_someone_elses_follow_up_form_is_refused_after_a_restart(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    reply = answer_calls(calls)[0]
    opened = await discord_bot.send(
        discord_bot.click(discord_bot.message(reply), f"sh:ask:follow:{answer_id(reply)}")
    )
    discord_bot = await discord_bot.restart()
    forged = await discord_bot.send(
        discord_bot.submit(opened[0].json["data"]["custom_id"], {"question": "Hi"}, person=OTHER_STUDENT)
    )
    assert "Only the person who asked can follow up" in forged[-1].content


async def test_ask_about_a_message_typed_across_a_restart_is_answered(
    discord_bot: BotHarness, book_app: App
) -> None:
    text = "The ZMP must stay strictly inside the support polygon, or the foot starts to roll."
    opened = await discord_bot.send(discord_bot.message_command(MENU_NAME, text))
    fields = _fields(opened)
    discord_bot = await discord_bot.restart()
    answered = await discord_bot.send(discord_bot.submit(opened[0].json["data"]["custom_id"], fields))
    [reply] = answer_calls(answered)
    assert reply.embeds[0]["title"] == DEFAULT_QUESTION and discord_bot.message(reply)["flags"] & 64
    user, [conversation] = await conversations_of(book_app)
    _, messages = await book_app.conversations.get(user.id, conversation.id)
    assert messages[0].selected_text == text and messages[0].mode == "selected"


async def test_the_dm_course_picker_works_after_a_restart(discord_bot: BotHarness, book_app: App) -> None:
    grace = await book_app.accounts.resolve("discord", OTHER_STUDENT.id, OTHER_STUDENT.name)
    other = await book_app.courses.create("other", "Other Course")
    await book_app.accounts.enroll(grace.id, other.id)
    await book_app.accounts.enroll(grace.id, (await book_app.courses.get("sample")).id)
    asked = await discord_bot.send(discord_bot.slash("progress", dm=True, person=OTHER_STUDENT))
    assert "Which course" in asked[-1].content
    select = asked[-1].components[0]["components"][0]
    discord_bot = await discord_bot.restart()
    picked = await discord_bot.send(
        discord_bot.click(
            discord_bot.message(asked[-1]),
            select["custom_id"],
            values=[other.id],
            person=OTHER_STUDENT,
            dm=True,
        )
    )
    assert "Other Course" in discord_bot.message(picked[0])["content"]
    assert DM_CHANNEL_ID
