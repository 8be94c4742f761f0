"""/explain and /translate: need an LLM (and say so without one); with one, the student's level goes
into the prompt, long output is split without breaking code, and language autocomplete stays ≤ 25."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from core import validation
from core.languages import NAMES
from tests.answers.messages_api import MockApi, raw_reply, stream_events
from tests.bot.explaining import bot_explaining_with
from tests.bot.harness import STUDENT, BotHarness

SECTION = "02-ros2/nodes-and-topics.md#topics"


def streamed(text: str):
    return raw_reply(200, b"".join(stream_events([text], [])), "text/event-stream")


@pytest.fixture
async def with_llm(book_app) -> AsyncIterator[tuple[BotHarness, MockApi]]:
    """The bot over an explainer whose LLM is a scripted Messages API."""
    api = MockApi(streamed("Topics are named channels.\n\n```python\nprint('hi')\n```"))
    async with bot_explaining_with(book_app, api) as harness:
        yield harness, api


def test_every_accepted_language_has_a_name() -> None:
    assert set(NAMES) == validation.LANGUAGE_CODES


async def test_without_a_key_it_says_what_is_needed(discord_bot: BotHarness) -> None:
    for payload in (
        discord_bot.slash("explain", section=SECTION),
        discord_bot.slash("translate", section=SECTION, language="es"),
    ):
        calls = await discord_bot.send(payload)
        assert calls[0].kind == 5 and calls[0].json["data"]["flags"] & 64
        assert "needs an AI model" in calls[-1].content and "ANTHROPIC_API_KEY" not in calls[-1].content


async def test_section_autocomplete_offers_real_sections(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("explain", section="topics", focused="section"))
    values = [c["value"] for c in calls[0].json["data"]["choices"]]
    assert SECTION in values and len(values) <= 25


async def test_language_autocomplete_filters_and_stays_within_25(discord_bot: BotHarness) -> None:
    empty = await discord_bot.send(
        discord_bot.slash("translate", section=SECTION, language="", focused="language")
    )
    choices = empty[0].json["data"]["choices"]
    assert 0 < len(choices) <= 25 and choices[0] == {"name": "English (en)", "value": "en"}
    typed = await discord_bot.send(
        discord_bot.slash("translate", section=SECTION, language="urd", focused="language")
    )
    assert typed[0].json["data"]["choices"][0] == {"name": "Urdu (ur)", "value": "ur"}
    broad = await discord_bot.send(
        discord_bot.slash("translate", section=SECTION, language="a", focused="language")
    )
    assert len(broad[0].json["data"]["choices"]) == 25


async def test_explain_uses_the_profile_level_and_caches(with_llm, book_app) -> None:
    bot, api = with_llm
    await bot.send(bot.slash("profile", sub="set"))  # an act: it makes the account
    user = await book_app.accounts.find("discord", STUDENT.id)
    await book_app.accounts.update_profile(user.id, experience_level="Advanced")
    calls = await bot.send(bot.slash("explain", section=SECTION))
    answer = calls[-1]
    assert answer.content.startswith(f"**`{SECTION}`**, explained at the advanced level:")
    assert "Topics are named channels." in answer.content and answer.json["allowed_mentions"] == {"parse": []}
    assert "The student's level is Advanced" in api.bodies[0]["system"]
    again = await bot.send(bot.slash("explain", section=SECTION))
    assert "Topics are named channels." in again[-1].content and len(api.requests) == 1  # cached


async def test_translate_keeps_code_and_splits_long_output(with_llm, book_app) -> None:
    bot, api = with_llm
    prose = "\n\n".join(f"Párrafo {n}: " + "palabra " * 60 for n in range(30))
    api.replies = [streamed(prose + "\n\n```python\n" + "\n".join(f"x = {n}" for n in range(200)) + "\n```")]
    calls = await bot.send(bot.slash("translate", section=SECTION, language="es"))
    sent = [c for c in calls if c.content]
    assert len(sent) >= 4 and all(len(c.content) <= 2000 for c in sent)
    assert all(c.content.count("```") % 2 == 0 for c in sent)
    assert sent[0].content.startswith(f"**`{SECTION}`** in Spanish:")
    assert "Spanish" in json.dumps(api.bodies[0]["system"])


async def test_bad_section_and_bad_language_are_worded(with_llm) -> None:
    bot, api = with_llm
    unknown = await bot.send(bot.slash("explain", section="no/such/chapter.md"))
    assert unknown[-1].ephemeral and "⚠️" in unknown[-1].content
    wrong = await bot.send(bot.slash("translate", section=SECTION, language="klingon"))
    assert "isn't a language I know" in wrong[-1].content
    assert api.requests == []
