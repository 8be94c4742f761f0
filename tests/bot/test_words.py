"""Words a student understands: titles typed by hand, language names, stale commands, and error
replies that name things as the student knows them (no ids, keys or environment variables)."""

from __future__ import annotations

import logging

from tests.bot.discord_fake import Call
from tests.bot.harness import BotHarness

ZMP = "01-foundations/balance-and-zmp.md#zmp"


def shown(bot: BotHarness, calls: list[Call]) -> dict:
    """The message Discord now holds for the last reply made (after any deferral was filled in)."""
    last = calls[-1].response
    message = last["resource"]["message"] if "resource" in last else last
    return bot.http.messages[message["id"]]


def words_of(message: dict) -> str:
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
    return "\n".join(parts)


# D19: a command Discord still lists but the bot no longer has ------------------------------------


async def test_a_stale_command_is_logged_for_the_operator_and_explained(
    discord_bot: BotHarness, caplog
) -> None:
    with caplog.at_level(logging.INFO):
        calls = await discord_bot.send(discord_bot.slash("glossary", term="zmp"))
    message = shown(discord_bot, calls)
    assert message["flags"] & 64
    assert "out of date" in message["content"] and "Sorry — something went wrong" not in message["content"]
    stale = [r for r in caplog.records if r.levelno == logging.WARNING and "--sync" in r.getMessage()]
    assert stale and "glossary" in stale[0].getMessage()


async def test_a_command_whose_options_changed_is_logged_and_explained(
    discord_bot: BotHarness, caplog
) -> None:
    with caplog.at_level(logging.INFO):
        calls = await discord_bot.send(discord_bot.slash("read"))  # the old registration had no chapter
    message = shown(discord_bot, calls)
    assert "out of date" in message["content"]
    assert any(r.levelno == logging.WARNING and "--sync" in r.getMessage() for r in caplog.records)


# D17: language names -----------------------------------------------------------------------------


async def test_translate_understands_a_language_name(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("translate", section=ZMP, language="Spanish"))
    text = shown(discord_bot, calls)["content"]
    assert "two-letter" not in text and "not a" not in text
    klingon = await discord_bot.send(discord_bot.slash("translate", section=ZMP, language="Klingon"))
    assert "isn't a language I know" in shown(discord_bot, klingon)["content"]


# D8: titles and headings typed by hand -----------------------------------------------------------


async def test_read_takes_a_chapter_title_typed_by_hand(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("read", chapter="bipedal balance!"))
    page = shown(discord_bot, calls)
    assert page["flags"] & 64
    assert page["embeds"][0]["title"] == "Bipedal Balance"
    assert page["embeds"][0]["footer"]["text"].startswith("page 1/2")


async def test_read_takes_a_section_heading_typed_by_hand(discord_bot: BotHarness) -> None:
    by_title = await discord_bot.send(
        discord_bot.slash("read", chapter="Bipedal Balance", section="Zero Moment Point")
    )
    assert shown(discord_bot, by_title)["embeds"][0]["title"] == "Bipedal Balance › Zero Moment Point"
    alone = await discord_bot.send(discord_bot.slash("read", chapter="zero moment point"))
    assert shown(discord_bot, alone)["embeds"][0]["title"] == "Bipedal Balance › Zero Moment Point"


async def test_explain_takes_a_section_heading_typed_by_hand(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("explain", section="Zero Moment Point"))
    text = shown(discord_bot, calls)["content"]
    assert "No chapter" not in text and "Explaining or translating a section" in text


async def test_a_title_nearly_right_is_suggested_by_its_title(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("read", chapter="Bipedal Balanse"))
    text = shown(discord_bot, calls)["content"]
    assert text.startswith("⚠️ No chapter 'Bipedal Balanse'.") and "Bipedal Balance" in text.split(".", 1)[1]
    heading = await discord_bot.send(
        discord_bot.slash("read", chapter="Bipedal Balance", section="Zero Moment Pont")
    )
    assert "Zero Moment Point" in shown(discord_bot, heading)["content"]
