"""Ask a TA: a student hands a question the book did not answer to the course's staff channel."""

from __future__ import annotations

from dataclasses import replace

from core.app import App
from tests.bot.harness import CHANNEL_ID, GUILD_ID, INSTRUCTOR, OTHER_STUDENT, STUDENT, BotHarness, Channel
from tests.bot.test_ask import answer_calls, answer_id

STAFF_CHANNEL = "740000000000000001"
SOURDOUGH = "How do I bake sourdough bread?"


def button_ids(message: dict) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


async def declined(bot: BotHarness, person=STUDENT) -> tuple[dict, str]:
    calls = await bot.send(bot.slash("ask", question=SOURDOUGH, person=person))
    reply = answer_calls(calls)[-1]
    return bot.message(reply), f"sh:ask:ta:{answer_id(reply)}"


async def test_without_a_staff_channel_it_says_so(discord_bot: BotHarness) -> None:
    shown, ask_ta = await declined(discord_bot)
    assert ask_ta in button_ids(shown)
    said = await discord_bot.send(discord_bot.click(shown, ask_ta))
    assert said[-1].ephemeral and "no staff channel yet" in said[-1].content
    assert "/course config staff_channel:" in said[-1].content


async def test_only_under_a_decline(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("ask", question="What is the zero moment point?"))
    assert not any(
        i.startswith("sh:ask:ta:") for i in button_ids(discord_bot.message(answer_calls(calls)[-1]))
    )


async def test_a_student_hands_the_question_to_staff_once(discord_bot: BotHarness, book_app: App) -> None:
    configured = await discord_bot.send(
        discord_bot.slash(
            "course", sub="config", person=INSTRUCTOR, staff_channel=Channel(STAFF_CHANNEL, "staff")
        )
    )
    assert "Saved 1 setting" in configured[-1].content
    assert any("Ask a TA" in m["content"] for m in discord_bot.http.in_channel(STAFF_CHANNEL))
    ada = replace(STUDENT, nick="Ada L.")
    shown, ask_ta = await declined(discord_bot, ada)
    before = len(discord_bot.http.in_channel(STAFF_CHANNEL))

    refused = await discord_bot.send(discord_bot.click(shown, ask_ta, person=OTHER_STUDENT))
    assert "Only the person who asked" in refused[-1].content
    assert len(discord_bot.http.in_channel(STAFF_CHANNEL)) == before  # nothing sent for a classmate

    sent = await discord_bot.send(discord_bot.click(shown, ask_ta, person=ada))
    assert sent[-1].ephemeral and f"<#{STAFF_CHANNEL}>" in sent[-1].content
    [post] = discord_bot.http.in_channel(STAFF_CHANNEL)[before:]
    embed = post["embeds"][0]
    assert embed["description"] == SOURDOUGH
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Student"] == "Ada L."  # the name this server knows her by
    link = f"https://discord.com/channels/{GUILD_ID}/{CHANNEL_ID}/{shown['id']}"
    assert link in fields["Asked in"]
    [thread] = discord_bot.http.threads.values()
    assert (
        thread["parent"] == STAFF_CHANNEL and thread["message"] == post["id"] and thread["name"] == SOURDOUGH
    )

    # a second press (even after a restart) hands nothing over again
    restarted = await discord_bot.restarted()
    try:
        again = await restarted.send(restarted.click(shown, ask_ta, person=ada))
        assert "already handed this question to staff" in again[-1].content
        assert len(restarted.http.in_channel(STAFF_CHANNEL)) == before + 1
        assert len(restarted.http.threads) == 1
    finally:
        await restarted.bot.close()

    # staff see it was handed over in /class unanswered
    report = await discord_bot.send(discord_bot.slash("class", sub="unanswered", person=INSTRUCTOR))
    assert "sent to staff" in report[-1].text()


async def test_a_staff_channel_the_bot_cannot_post_in_is_refused(
    discord_bot: BotHarness, book_app: App
) -> None:
    discord_bot.http.hidden_channels.add(STAFF_CHANNEL)
    said = await discord_bot.send(
        discord_bot.slash("course", sub="config", person=INSTRUCTOR, staff_channel=Channel(STAFF_CHANNEL))
    )
    assert said[-1].ephemeral and "I can't post in" in said[-1].content
    assert (await book_app.courses.binding(GUILD_ID)).staff_channel_id is None


async def test_a_failed_post_hands_nothing_over(discord_bot: BotHarness, book_app: App) -> None:
    await book_app.courses.set_staff_channel(GUILD_ID, STAFF_CHANNEL)
    shown, ask_ta = await declined(discord_bot)
    discord_bot.http.hidden_channels.add(STAFF_CHANNEL)  # the bot was shut out since
    failed = await discord_bot.send(discord_bot.click(shown, ask_ta))
    assert "couldn't post in the staff channel" in failed[-1].content
    discord_bot.http.hidden_channels.clear()
    sent = await discord_bot.send(discord_bot.click(shown, ask_ta))
    assert "Sent to the course staff" in sent[-1].content


async def test_a_private_answer_is_handed_over_without_a_dead_link(
    discord_bot: BotHarness, book_app: App
) -> None:
    await book_app.courses.set_staff_channel(GUILD_ID, STAFF_CHANNEL)
    calls = await discord_bot.send(discord_bot.slash("ask", question=SOURDOUGH, private=True))
    reply = answer_calls(calls)[-1]
    shown = discord_bot.message(reply)
    await discord_bot.send(discord_bot.click(shown, f"sh:ask:ta:{answer_id(reply)}"))
    [post] = discord_bot.http.in_channel(STAFF_CHANNEL)
    asked_in = next(f["value"] for f in post["embeds"][0]["fields"] if f["name"] == "Asked in")
    assert "privately" in asked_in and "discord.com/channels" not in asked_in
