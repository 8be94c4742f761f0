"""The weekly leaderboard post: when a course's week ends, its frozen board goes to the server's
leaderboard channel exactly once, however many shards or restarts see it."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import discord

from bot import render_board
from bot.channel_option import POST_NEEDS
from bot.respond import NO_MENTIONS
from core.app import App
from core.errors import NotFound
from core.models.accounts import Course

log = logging.getLogger(__name__)

TOLD = "studyhall_weekly_told"  # bot attribute: (guild, week) whose lost post staff were told about


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
    # Claimed before posting, so two shards never both post; released when Discord refuses the
    # post, so the next pass (every few minutes) tries again once the permissions are fixed.
    if not await app.courses.claim_weekly_post(guild_id, board.week_start):
        return 0
    channel = bot.get_partial_messageable(int(binding.leaderboard_channel_id), guild_id=int(guild_id))

    async def release() -> None:
        await app.courses.release_weekly_post(guild_id, board.week_start, previous=binding.last_posted_week)

    try:  # nothing is sent yet: a failure here leaves the week to the next pass
        embed, chart = render_board.board_embed(board, course), await render_board.chart_file(board, course)
    except Exception:
        await release()
        raise
    try:
        await channel.send(
            content="📅 A new week begins — here is how last week ended:",
            embed=embed,
            file=chart,
            allowed_mentions=NO_MENTIONS,
        )
    except discord.HTTPException as error:  # Discord answered with an error: nothing was posted
        await release()
        if not isinstance(error, discord.Forbidden | discord.NotFound):
            raise
        log.warning(
            "weekly leaderboard of %s refused in channel %s (guild %s): %s; retried on the next pass",
            course.slug,
            binding.leaderboard_channel_id,
            guild_id,
            error.text or error.status,
        )
        await _tell_instructors(bot, app, course, guild_id, binding.leaderboard_channel_id, board.week_start)
        return 0
    log.info("posted the board of week %s for %s in guild %s", board.week_start, course.slug, guild_id)
    return 1


async def _tell_instructors(
    bot: discord.Client, app: App, course: Course, guild_id: str, channel_id: str, week: str
) -> None:
    """A DM to each of the course's instructors, once per server and week (per process): the post
    happens with nobody watching, and waiting for the next staff command could take days."""
    told: set[tuple[str, str]] = bot.__dict__.setdefault(TOLD, set())
    if (guild_id, week) in told:
        return
    told.add((guild_id, week))
    text = (
        f"⚠️ The weekly leaderboard of **{discord.utils.escape_markdown(course.name)}** could not be "
        f"posted in <#{channel_id}>: the bot can't post there (or the channel is gone). "
        f"Give it (or its role) {', '.join(POST_NEEDS.values())} in that channel's permissions, "
        "and it will be posted within a few minutes — or pick another channel with "
        "`/course config leaderboard_channel:`."
    )
    for enrollment in await app.accounts.instructors(course.id):
        for identity in await app.accounts.identities(enrollment.user_id):
            if identity.provider != "discord":
                continue
            try:
                dm = await bot.create_dm(discord.Object(int(identity.subject)))
                await dm.send(text, allowed_mentions=NO_MENTIONS)
            except discord.HTTPException:
                log.warning("could not tell instructor %s about a lost weekly post", identity.subject)
