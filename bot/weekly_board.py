"""The weekly leaderboard post: when a course's week ends, its frozen board goes to the server's
leaderboard channel exactly once, however many shards or restarts see it."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import discord

from bot import render_board
from bot.respond import NO_MENTIONS
from core.app import App
from core.errors import NotFound

log = logging.getLogger(__name__)


async def post_due_boards(bot: discord.Client, guild_ids: Iterable[int | str]) -> int:
    """One pass over these servers: freeze boards whose week ended and post each once. Returns how
    many boards were posted. One server's failure does not stop the others."""
    posted = 0
    for guild_id in guild_ids:
        try:
            posted += await _post_for(bot, str(guild_id))
        except Exception:
            log.exception("weekly leaderboard post failed for guild %s", guild_id)
    return posted


async def _post_for(bot: discord.Client, guild_id: str) -> int:
    app: App = bot.app  # type: ignore[attr-defined]
    try:
        binding = await app.courses.binding(guild_id)
    except NotFound:
        return 0  # a server not bound to a course
    if not binding.leaderboard_channel_id:
        return 0
    course = await app.courses.get_by_id(binding.course_id)
    board = await app.leaderboards.last_week(course)
    if board is None or board.week_start is None:
        return 0
    # Claimed before posting: a post lost to an outage is better than the same board twice.
    if not await app.courses.claim_weekly_post(guild_id, board.week_start):
        return 0
    channel = bot.get_partial_messageable(int(binding.leaderboard_channel_id), guild_id=int(guild_id))
    await channel.send(
        content="📅 A new week begins — here is how last week ended:",
        embed=render_board.board_embed(board, course),
        file=await render_board.chart_file(board, course),
        allowed_mentions=NO_MENTIONS,
    )
    log.info("posted the board of week %s for %s in guild %s", board.week_start, course.slug, guild_id)
    return 1
