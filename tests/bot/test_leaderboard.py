"""/leaderboard [week] for students, and the weekly post that goes out once per server and week."""

from __future__ import annotations

import asyncio

import pytest

from bot.client import StudyhallBot
from bot.weekly_board import post_due_boards
from tests.bot.harness import (
    CHANNEL_ID,
    GUILD_ID,
    INSTRUCTOR,
    OTHER_STUDENT,
    STUDENT,
    BotHarness,
    start_bot,
)

BOARD_CHANNEL = "760000000000000001"


@pytest.fixture
async def course(book_app):
    """These tests rank students who mark units complete: the course lets self-marked units count."""
    return await book_app.courses.configure("sample", self_marked_counts=True)


async def _progress(book_app, course, person, units: int):
    user = await book_app.accounts.resolve("discord", person.id, person.name)
    await book_app.accounts.enroll(user.id, course.id)
    for unit in (await book_app.tracking.units(course))[:units]:
        await book_app.tracking.mark(user, course, unit.id)
    return user


def _posts(calls, channel: str = BOARD_CHANNEL):
    return [c for c in calls if c.path == f"/channels/{channel}/messages"]


async def test_the_board_is_public_and_your_rank_is_private(
    discord_bot: BotHarness, book_app, course
) -> None:
    await _progress(book_app, course, STUDENT, 1)
    await _progress(book_app, course, OTHER_STUDENT, 2)
    calls = await discord_bot.send(discord_bot.slash("leaderboard"))
    assert calls[0].kind == 5 and not calls[0].ephemeral
    board = next(c for c in calls if c.embeds)
    assert not board.ephemeral and [n for n, _ in board.files] == ["leaderboard.png"]
    assert board.files[0][1].startswith(b"\x89PNG")
    text = board.text()
    assert text.index("**#1** Grace") < text.index("**#2** Ada")
    assert board.embeds[0]["image"]["url"] == "attachment://leaderboard.png"
    note = calls[-1]
    assert note.ephemeral and "You are **#2** of 2" in note.content


async def test_a_hidden_student_is_off_the_board_but_sees_their_rank(
    discord_bot: BotHarness, book_app, course
) -> None:
    ada = await _progress(book_app, course, STUDENT, 1)
    await _progress(book_app, course, OTHER_STUDENT, 2)
    await book_app.accounts.set_leaderboard_visibility(ada.id, False, surface="cli", course_id=course.id)
    calls = await discord_bot.send(discord_bot.slash("leaderboard"))
    assert "Ada" not in next(c for c in calls if c.embeds).text()
    assert calls[-1].ephemeral and "hidden from the board" in calls[-1].content


async def test_past_weeks_autocomplete_and_show_their_frozen_board(
    discord_bot: BotHarness, book_app, course, clock
) -> None:
    await _progress(book_app, course, STUDENT, 1)
    for _ in range(
        30
    ):  # thirty weeks (the first ended before the course began): more than Discord may be offered
        clock.advance(days=7)
        await book_app.leaderboards.freeze_due(course)
    offered = await discord_bot.send(discord_bot.slash("leaderboard", focused="week", week=""))
    assert offered[0].kind == 8
    choices = offered[0].json["data"]["choices"]
    assert len(choices) == 25 and choices[0]["value"] > choices[-1]["value"]  # newest first
    narrowed = await discord_bot.send(discord_bot.slash("leaderboard", focused="week", week="2026-11-02"))
    assert [c["value"] for c in narrowed[0].json["data"]["choices"]] == ["2026-11-02"]  # the course's first
    calls = await discord_bot.send(discord_bot.slash("leaderboard", week="2026-11-02"))
    board = next(c for c in calls if c.embeds)
    assert "week of 2026-11-02" in board.text() and "**#1** Ada" in board.text()


async def test_a_bad_or_unknown_week_is_worded(discord_bot: BotHarness, book_app, course) -> None:
    await _progress(book_app, course, STUDENT, 1)
    bad = await discord_bot.send(discord_bot.slash("leaderboard", week="last tuesday"))
    assert len(bad) == 1 and bad[0].kind == 4  # answered at once, not after a public deferral
    assert bad[0].ephemeral and "is not a week" in bad[0].content
    unknown = await discord_bot.send(discord_bot.slash("leaderboard", week="2020-01-06"))
    assert unknown[-1].ephemeral and unknown[-1].content.startswith("⚠️")


async def test_the_board_in_a_dm_uses_the_last_course(discord_bot: BotHarness, book_app, course) -> None:
    await _progress(book_app, course, STUDENT, 1)
    await discord_bot.send(discord_bot.slash("leaderboard"))
    calls = await discord_bot.send(discord_bot.slash("leaderboard", dm=True))
    assert "Sample Book" in next(c for c in calls if c.embeds).text()


async def test_the_weekly_board_is_posted_once_per_week(
    discord_bot: BotHarness, book_app, course, clock
) -> None:
    await _progress(book_app, course, STUDENT, 1)
    assert await post_due_boards(discord_bot.bot, [GUILD_ID]) == 0  # no leaderboard channel yet
    await book_app.courses.set_leaderboard_channel(GUILD_ID, BOARD_CHANNEL)
    await book_app.courses.configure("sample", leaderboard_day=4)  # Friday
    clock.advance(days=4)  # Friday 6 November: the week of Friday 30 October has ended
    start = len(discord_bot.http.calls)
    assert await post_due_boards(discord_bot.bot, [GUILD_ID, "799999999999999999"]) == 1
    posted = _posts(discord_bot.http.calls[start:])
    assert len(posted) == 1
    assert "week of 2026-10-30" in posted[0].text() and "**#1** Ada" in posted[0].text()
    assert posted[0].json["allowed_mentions"] == {"parse": []}
    assert [n for n, _ in posted[0].files] == ["leaderboard.png"]
    assert await post_due_boards(discord_bot.bot, [GUILD_ID]) == 0  # never twice
    assert "2026-10-30" in await book_app.leaderboards.weeks(course)

    restarted = await start_bot(book_app)  # a restart (or another shard) does not post it again
    try:
        assert await post_due_boards(restarted.bot, [GUILD_ID]) == 0
        assert not _posts(restarted.http.calls)
    finally:
        await restarted.bot.close()

    clock.advance(days=7)  # the next week ends
    start = len(discord_bot.http.calls)
    assert await post_due_boards(discord_bot.bot, [GUILD_ID]) == 1
    assert "week of 2026-11-06" in _posts(discord_bot.http.calls[start:])[0].text()
    assert (await book_app.courses.binding(GUILD_ID)).last_posted_week == "2026-11-06"


async def test_no_weekly_post_for_an_empty_course(discord_bot: BotHarness, book_app, clock) -> None:
    await book_app.courses.set_leaderboard_channel(GUILD_ID, BOARD_CHANNEL)
    clock.advance(days=7)
    assert await post_due_boards(discord_bot.bot, [GUILD_ID]) == 0
    assert (await book_app.courses.binding(GUILD_ID)).last_posted_week is None


async def test_the_weekly_loop_runs_only_with_the_core(discord_bot: BotHarness) -> None:
    cog = discord_bot.bot.get_cog("Leaderboard")
    assert cog.weekly.is_running()
    await discord_bot.bot.remove_cog("Leaderboard")
    for _ in range(3):
        await asyncio.sleep(0)  # let the cancellation land
    assert not cog.weekly.is_running()


async def test_the_weekly_loop_is_not_started_without_the_core() -> None:
    bot = StudyhallBot(None)  # as when only printing or syncing the commands
    await bot.load_extension("bot.cogs.leaderboard")
    try:
        assert not bot.get_cog("Leaderboard").weekly.is_running()
    finally:
        await bot.unload_extension("bot.cogs.leaderboard")


async def test_a_weekly_post_lost_to_permissions_is_retried_and_staff_are_told(
    discord_bot: BotHarness, book_app, course, clock, caplog
) -> None:
    await _progress(book_app, course, STUDENT, 1)
    await book_app.courses.set_leaderboard_channel(GUILD_ID, BOARD_CHANNEL)
    await book_app.courses.configure("sample", leaderboard_day=4)
    clock.advance(days=4)
    discord_bot.http.hidden_channels.add(BOARD_CHANNEL)  # the bot was shut out of the channel
    assert await post_due_boards(discord_bot.bot, [GUILD_ID]) == 0
    told = discord_bot.http.in_channel(discord_bot.http.dms[INSTRUCTOR.id])
    assert len(told) == 1
    assert f"<#{BOARD_CHANNEL}>" in told[0]["content"] and "Send Messages" in told[0]["content"]
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert await post_due_boards(discord_bot.bot, [GUILD_ID]) == 0  # still shut out: told only once
    assert len(discord_bot.http.in_channel(discord_bot.http.dms[INSTRUCTOR.id])) == 1
    discord_bot.http.hidden_channels.clear()  # the instructor fixed the permissions
    assert await post_due_boards(discord_bot.bot, [GUILD_ID]) == 1
    [board] = discord_bot.http.in_channel(BOARD_CHANNEL)
    assert "A new week begins" in board["content"] and board["embeds"]
    assert await post_due_boards(discord_bot.bot, [GUILD_ID]) == 0  # and still never twice
    assert len(discord_bot.http.in_channel(BOARD_CHANNEL)) == 1


def _charts(bot: BotHarness) -> int:
    return sum(1 for m in bot.http.in_channel(CHANNEL_ID) if m.get("attachments"))


async def test_one_public_board_a_minute_per_student_and_channel(
    discord_bot: BotHarness, book_app, course, clock
) -> None:
    await _progress(book_app, course, STUDENT, 1)
    await discord_bot.send(discord_bot.slash("leaderboard"))
    assert _charts(discord_bot) == 1
    clock.advance(seconds=20)
    again = await discord_bot.send(discord_bot.slash("leaderboard"))
    assert len(again) == 1 and again[0].kind == 4  # refused at once, not after a public deferral
    told = discord_bot.message(again[0])
    assert told["flags"] & 64 and "40 seconds" in told["content"]
    assert _charts(discord_bot) == 1  # the channel saw one chart
    # Another student may post it; the same student once the minute has passed.
    await discord_bot.send(discord_bot.slash("leaderboard", person=OTHER_STUDENT))
    clock.advance(seconds=40)
    await discord_bot.send(discord_bot.slash("leaderboard"))
    assert _charts(discord_bot) == 3


async def test_a_refused_board_costs_nothing_and_staff_are_not_held_back(
    discord_bot: BotHarness, book_app, course
) -> None:
    await _progress(book_app, course, STUDENT, 1)
    bad = await discord_bot.send(discord_bot.slash("leaderboard", week="last tuesday"))
    assert "is not a week" in bad[0].content
    await discord_bot.send(discord_bot.slash("leaderboard"))
    assert _charts(discord_bot) == 1
    for _ in range(2):
        await discord_bot.send(discord_bot.slash("leaderboard", person=INSTRUCTOR))
    assert _charts(discord_bot) == 3
