"""/course config clear:…: every setting an instructor can set can be unset again from Discord
(Discord never sends an empty text option, and a channel option cannot be emptied)."""

from __future__ import annotations

import pytest

from tests.bot.harness import GUILD_ID, INSTRUCTOR, STUDENT, BotHarness, Channel


async def _config(bot: BotHarness, person=INSTRUCTOR, **options):
    calls = await bot.send(bot.slash("course", sub="config", person=person, **options))
    assert calls[-1].ephemeral
    return calls[-1]


@pytest.fixture
async def configured(discord_bot: BotHarness, book_app):
    """The course with every clearable setting set."""
    (book_app.settings.books_folder() / "robots").mkdir()
    model = book_app.courses.allowed_models()[0]
    said = await _config(
        discord_bot,
        model=model,
        book_url="https://book.example/robots",
        book_folder="robots",
        welcome="Welcome to robots!",
        leaderboard_channel=Channel("730000000000000001"),
        staff_only="solutions/**",
    )
    assert said.content.startswith("✅"), said.content
    return book_app


@pytest.mark.parametrize(
    ("clear", "shown"),
    [
        ("book_url", "not set (citations are not links)"),
        ("book_folder", "Book folder"),
        ("leaderboard_channel", "none (no weekly post)"),
        ("welcome", "Welcome text"),
        ("model", "the server's default"),
        ("staff_only", "only those the book marks"),
    ],
)
async def test_each_setting_can_be_cleared(
    discord_bot: BotHarness, configured, clear: str, shown: str
) -> None:
    said = await _config(discord_bot, clear=clear)
    assert "Saved 1 setting(s)" in said.content and shown in said.text()
    course = await configured.courses.get("sample")
    binding = await configured.courses.binding(GUILD_ID)
    now = {
        "book_url": course.book_url,
        "book_folder": course.book_path,
        "leaderboard_channel": binding.leaderboard_channel_id,
        "welcome": course.welcome_text or None,
        "model": course.llm_model,
        "staff_only": course.staff_only or None,
    }
    assert now.pop(clear) is None
    assert all(value is not None for value in now.values()), now  # only that one was cleared


async def test_clearing_and_setting_the_same_setting_is_refused(discord_bot: BotHarness, configured) -> None:
    said = await _config(discord_bot, clear="book_url", book_url="https://other.example")
    assert said.content.startswith("⚠️") and "book_url" in said.content
    assert (await configured.courses.get("sample")).book_url == "https://book.example/robots"


async def test_a_cleared_channel_stops_the_weekly_post(discord_bot: BotHarness, configured) -> None:
    await _config(discord_bot, clear="leaderboard_channel")
    assert (await configured.courses.binding(GUILD_ID)).leaderboard_channel_id is None


async def test_students_cannot_clear_anything(discord_bot: BotHarness, configured) -> None:
    said = await _config(discord_bot, person=STUDENT, clear="leaderboard_channel")
    assert said.content.startswith("🔒")
    assert (await configured.courses.binding(GUILD_ID)).leaderboard_channel_id == "730000000000000001"


async def test_the_model_option_says_how_to_return_to_the_default(discord_bot: BotHarness) -> None:
    from bot.client import command_payloads

    course = next(c for c in command_payloads(discord_bot.bot.tree) if c["name"] == "course")
    config = next(s for s in course["options"] if s["name"] == "config")
    options = {o["name"]: o for o in config["options"]}
    assert "clear:model" in options["model"]["description"]
    assert {c["value"] for c in options["clear"]["choices"]} >= {
        "book_url",
        "book_folder",
        "leaderboard_channel",
        "welcome",
        "model",
        "staff_only",
    }
