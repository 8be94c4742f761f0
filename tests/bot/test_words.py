"""Words a student understands: titles typed by hand, language names, stale commands, and error
replies that name things as the student knows them (no ids, keys or environment variables)."""

from __future__ import annotations

import logging
import re

from tests.bot.discord_fake import Call
from tests.bot.harness import BotHarness, Person

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


# D15: error replies name things as the student knows them ---------------------------------------

UUID_LIKE = r"[0-9a-f]{8}-[0-9a-f]{4}-"


async def test_an_unbound_server_is_not_named_by_its_id(discord_bot: BotHarness) -> None:
    elsewhere = "700000000000000077"
    calls = await discord_bot.send(discord_bot.slash("progress", guild=elsewhere))
    text = shown(discord_bot, calls)["content"]
    assert elsewhere not in text and "/course setup" in text


async def test_a_dm_from_a_stranger_is_not_told_no_course_for_you(discord_bot: BotHarness) -> None:
    stranger = Person("800000000000000055", "Lurker")
    calls = await discord_bot.send(discord_bot.slash("progress", dm=True, person=stranger))
    text = shown(discord_bot, calls)["content"]
    assert "for you'" not in text and "I don't know your course yet" in text


async def test_students_are_told_there_is_no_ai_model_not_an_env_var(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("explain", section=ZMP))
    text = shown(discord_bot, calls)["content"]
    assert "ANTHROPIC_API_KEY" not in text and "API key" not in text and "no AI model" in text


async def test_an_old_reader_button_does_not_show_a_short_key(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("read", chapter="01-foundations/sensors.md"))
    page = shown(discord_bot, calls)
    button = next(i for row in page["components"] for i in row["components"] if ":n:" in i["custom_id"])
    parts = button["custom_id"].split(":")
    parts[4] = "zzzzzzzz"  # a chapter the instructor has since removed from the book
    button["custom_id"] = ":".join(parts)
    pressed = await discord_bot.send(discord_bot.click(page, button["custom_id"]))
    text = shown(discord_bot, pressed)["content"]
    assert "zzzzzzzz" not in text and "open the chapter again" in text


async def test_a_deleted_conversation_is_not_named_by_its_uuid(
    discord_bot: BotHarness, book_app, course
) -> None:
    await discord_bot.send(discord_bot.slash("ask", question="What is the zero moment point?"))
    listed = await discord_bot.send(discord_bot.slash("history"))
    message = shown(discord_bot, listed)
    menu = next(
        i for row in message["components"] for i in row["components"] if i["custom_id"] == "sh:hist:open"
    )
    conversation_id = menu["options"][0]["value"]
    user = await book_app.accounts.find("discord", "800000000000000001")
    await book_app.conversations.delete(user.id, conversation_id)
    opened = await discord_bot.send(discord_bot.click(message, "sh:hist:open", values=[conversation_id]))
    text = words_of(shown(discord_bot, opened))
    assert conversation_id not in text and not re.search(UUID_LIKE, text) and "isn't in your history" in text


async def test_the_asker_of_a_deleted_answer_is_not_told_only_the_asker_can_rate(
    discord_bot: BotHarness, book_app
) -> None:
    asked = await discord_bot.send(discord_bot.slash("ask", question="What is the zero moment point?"))
    answer = shown(discord_bot, asked)
    up = next(
        i for row in answer["components"] for i in row["components"] if ":rate:up:" in i.get("custom_id", "")
    )
    user = await book_app.accounts.find("discord", "800000000000000001")
    for conversation in await book_app.conversations.list(user.id):
        await book_app.conversations.delete(user.id, conversation.id)
    pressed = await discord_bot.send(discord_bot.click(answer, up["custom_id"]))
    text = shown(discord_bot, pressed)["content"]
    assert "Only the person who asked" not in text and "no longer stored" in text
    for kind in ("follow", "sources"):  # the other buttons on it say the same, with no raw id
        button = up["custom_id"].replace("rate:up", kind)
        other = shown(discord_bot, await discord_bot.send(discord_bot.click(answer, button)))
        assert "no longer stored" in other["content"] and not re.search(UUID_LIKE, other["content"])


async def test_the_recommend_dismiss_note_names_the_chapter_by_its_title(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("recommend"))
    message = shown(discord_bot, calls)
    menu = next(
        i for row in message["components"] for i in row["components"] if i["custom_id"] == "sh:rec:dismiss"
    )
    first = menu["options"][0]
    done = await discord_bot.send(discord_bot.click(message, "sh:rec:dismiss", values=[first["value"]]))
    note = shown(discord_bot, done)["content"].splitlines()[0]
    assert note == f"Dismissed **{first['label']}**; it won't be recommended again."
    assert first["value"] not in note


async def test_someone_who_took_no_quiz_is_not_told_quiz_average_0(discord_bot: BotHarness) -> None:
    await discord_bot.send(discord_bot.slash("complete", unit="week-1"))  # on the board, no quiz
    calls = await discord_bot.send(discord_bot.slash("leaderboard"))
    notes = [
        m["content"] for m in discord_bot.http.messages.values() if "You are **#" in (m["content"] or "")
    ]
    assert calls and notes, "the viewer's own standing is shown"
    assert "quiz average 0%" not in notes[-1] and "no quiz taken yet" in notes[-1]


async def test_the_profile_form_takes_a_language_name(discord_bot: BotHarness, book_app) -> None:
    opened = await discord_bot.send(discord_bot.slash("profile", sub="set"))
    await discord_bot.send(discord_bot.click(discord_bot.message(opened[0]), "sh:profile:about"))
    saved = await discord_bot.send(
        discord_bot.submit("sh:profile:about-form", {"interests": "", "language": "Spanish"})
    )
    assert "Saved your interests" in shown(discord_bot, saved)["content"]
    user = await book_app.accounts.find("discord", "800000000000000001")
    assert (await book_app.accounts.profile(user.id)).preferred_language == "es"
