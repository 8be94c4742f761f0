"""/course setup and /course config, through the real command tree down to the database."""

from __future__ import annotations

import discord

from bot.client import command_payloads
from tests.bot.harness import CHANNEL_ID, GUILD_ID, INSTRUCTOR, STUDENT, BotHarness, Channel

NEW_GUILD = "700000000000000002"


def _registered(bot: BotHarness, name: str) -> dict:
    return next(c for c in command_payloads(bot.bot.tree) if c["name"] == name)


async def test_staff_groups_are_hidden_from_members_and_guild_only(discord_bot: BotHarness) -> None:
    for name in ("course", "book", "class"):
        payload = _registered(discord_bot, name)
        assert str(payload["default_member_permissions"]) == "32"  # manage_guild
        assert payload["dm_permission"] is False  # servers only
        for sub in payload["options"]:
            assert 1 <= len(sub["description"]) <= 100
            assert len(sub.get("options", [])) <= 25
            for option in sub.get("options", []):
                assert len(option.get("choices", [])) <= 25


async def test_setup_binds_a_new_server_to_a_new_course(discord_bot: BotHarness, book_app) -> None:
    payload = discord_bot.slash(
        "course", sub="setup", person=INSTRUCTOR, guild=NEW_GUILD, slug="robotics-101"
    )
    # The option is called "name", like slash()'s own first parameter: added by hand.
    payload["data"]["options"][0]["options"].append({"name": "name", "type": 3, "value": "Robotics 101"})
    calls = await discord_bot.send(payload)
    assert calls[-1].ephemeral and "Robotics 101" in calls[-1].content
    course = await book_app.courses.for_guild(NEW_GUILD)
    assert (course.slug, course.name) == ("robotics-101", "Robotics 101")
    teacher = await book_app.accounts.find("discord", INSTRUCTOR.id)
    assert (await book_app.accounts.enrollment(teacher.id, course.id)).role == "instructor"


async def test_setup_refuses_someone_who_cannot_manage_the_server(discord_bot: BotHarness, book_app) -> None:
    calls = await discord_bot.send(
        discord_bot.slash("course", sub="setup", person=STUDENT, guild=NEW_GUILD, slug="sneaky")
    )
    assert calls[-1].ephemeral and calls[-1].content.startswith("🔒")
    assert "manage this server" in calls[-1].content
    assert "sneaky" not in [c.slug for c in await book_app.courses.list()]


async def test_setup_refuses_a_bad_slug_in_words(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(
        discord_bot.slash("course", sub="setup", person=INSTRUCTOR, guild=NEW_GUILD, slug="Not A Slug!")
    )
    assert calls[-1].ephemeral and calls[-1].content.startswith("⚠️")


async def test_config_without_options_shows_the_settings(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("course", sub="config", person=INSTRUCTOR))
    assert calls[-1].ephemeral
    text = calls[-1].text()
    assert "Sample Book" in text and "Hourly question quota" in text and "Monday" in text


async def test_config_changes_settings_and_the_leaderboard_channel(discord_bot: BotHarness, book_app) -> None:
    (book_app.settings.books_folder() / "robots").mkdir()  # book folders are named under the books root
    calls = await discord_bot.send(
        discord_bot.slash(
            "course",
            sub="config",
            person=INSTRUCTOR,
            quota=7,
            answer_style="detailed",
            answer_mode="extractive",
            book_url="https://book.example/robots",
            book_folder="robots",
            welcome="Hello @everyone",
            leaderboard_channel=Channel("730000000000000001"),
            leaderboard_day=4,
        )
    )
    assert calls[-1].ephemeral and "Saved 8 setting(s)" in calls[-1].content
    assert calls[-1].json["data"]["allowed_mentions"] == {"parse": []}
    course = await book_app.courses.get("sample")
    assert course.hourly_question_quota == 7
    assert (course.answer_style, course.answer_mode) == ("detailed", "extractive")
    assert course.book_url == "https://book.example/robots"
    assert course.book_path == str(book_app.settings.books_folder() / "robots")
    assert course.welcome_text == "Hello @everyone"
    assert course.leaderboard_day == 4
    assert (await book_app.courses.binding(GUILD_ID)).leaderboard_channel_id == "730000000000000001"
    assert "Friday" in calls[-1].text() and "<#730000000000000001>" in calls[-1].text()


async def test_config_bad_values_are_worded(discord_bot: BotHarness, book_app) -> None:
    bad_url = await discord_bot.send(
        discord_bot.slash("course", sub="config", person=INSTRUCTOR, book_url="ftp:x")
    )
    assert bad_url[-1].ephemeral and "web address" in bad_url[-1].content
    missing = await discord_bot.send(
        discord_bot.slash("course", sub="config", person=INSTRUCTOR, book_folder="/no/such/folder")
    )
    assert missing[-1].content.startswith("⚠️") and "There is no book folder" in missing[-1].content
    too_many = await discord_bot.send(
        discord_bot.slash("course", sub="config", person=INSTRUCTOR, quota=200_000)
    )
    assert too_many[-1].content.startswith("⚠️") and "hourly quota" in too_many[-1].content
    course = await book_app.courses.get("sample")
    assert course.book_url is None and course.book_path is None and course.hourly_question_quota != 200_000


async def test_a_student_cannot_configure_the_course(discord_bot: BotHarness, book_app) -> None:
    calls = await discord_bot.send(discord_bot.slash("course", sub="config", person=STUDENT, quota=1))
    assert calls[-1].ephemeral and calls[-1].content.startswith("🔒")
    assert (await book_app.courses.get("sample")).hourly_question_quota != 1


async def test_config_in_an_unbound_server_says_how_to_bind_it(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(
        discord_bot.slash("course", sub="config", person=INSTRUCTOR, guild=NEW_GUILD)
    )
    assert "/course setup" in calls[-1].content


async def test_a_leaderboard_channel_the_bot_cannot_post_in_is_refused(
    discord_bot: BotHarness, book_app
) -> None:
    board, closed = "730000000000000001", "730000000000000002"
    discord_bot.cache_guild(
        [CHANNEL_ID, board, closed], bot_denied={closed: discord.Permissions(send_messages=True)}
    )
    refused = await discord_bot.send(
        discord_bot.slash("course", sub="config", person=INSTRUCTOR, leaderboard_channel=Channel(closed))
    )
    shown = discord_bot.message(refused[-1])
    assert shown["flags"] & 64 and f"<#{closed}>" in shown["content"] and "Send Messages" in shown["content"]
    assert (await book_app.courses.binding(GUILD_ID)).leaderboard_channel_id is None  # nothing saved
    saved = await discord_bot.send(
        discord_bot.slash("course", sub="config", person=INSTRUCTOR, leaderboard_channel=Channel(board))
    )
    assert "Saved 1 setting" in discord_bot.message(saved[-1])["content"]
    assert (await book_app.courses.binding(GUILD_ID)).leaderboard_channel_id == board
