"""/leaderboard [week] for everyone, and the loop that posts each week's board on its own."""

from __future__ import annotations

import logging
from contextlib import AbstractAsyncContextManager, nullcontext

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import render_board, respond
from bot.autocomplete import weeks
from bot.context import Onlooker, app_of, onlooker
from bot.cooldowns import BOARD_EVERY, PostCooldown
from bot.weekly_board import post_due_boards

log = logging.getLogger(__name__)

POST_EVERY_MINUTES = 10


class LeaderboardCog(commands.Cog, name="Leaderboard"):
    def __init__(self, bot: commands.Bot):
        self.bot = bot
        self.boards = PostCooldown(BOARD_EVERY, "the leaderboard")

    async def cog_load(self) -> None:
        if getattr(self.bot, "app", None) is not None:
            self.weekly.start()

    async def cog_unload(self) -> None:
        self.weekly.cancel()

    @tasks.loop(minutes=POST_EVERY_MINUTES)
    async def weekly(self) -> None:
        posted = await post_due_boards(self.bot, [g.id for g in self.bot.guilds])
        if posted:
            log.info("posted %d weekly leaderboard(s)", posted)

    @weekly.before_loop
    async def _connected(self) -> None:
        await self.bot.wait_until_ready()

    async def _cooldown(
        self, interaction: discord.Interaction, found: Onlooker
    ) -> AbstractAsyncContextManager[None]:
        """The public chart's cooldown; none in a DM (nobody else sees it) nor for the course's
        staff, who post the board on purpose."""
        app = app_of(interaction)
        if interaction.guild is None or (found.user and await app.staff.is_staff(found.user, found.course)):
            return nullcontext()
        return self.boards.posting(interaction.user.id, interaction.channel_id or 0, app.clock())

    @app_commands.command(name="leaderboard")
    @app_commands.describe(week="A past week (its board as it was frozen); empty: this week so far")
    @app_commands.autocomplete(week=weeks)
    async def leaderboard(self, interaction: discord.Interaction, week: str | None = None) -> None:
        """The class leaderboard, with a chart; your own rank is shown only to you."""
        # Looking enrols nobody: someone who only looks is not on the board.
        found = await onlooker(interaction)
        app = app_of(interaction)
        viewer = found.user.id if found.user else None
        async with await self._cooldown(interaction, found):
            # Fetched before the (public) deferral: a bad week is then answered privately.
            board = await app.leaderboards.board(found.course, week=week, viewer_id=viewer)
            async with respond.working(interaction):
                await respond.reply(
                    interaction,
                    embed=render_board.board_embed(board, found.course),
                    files=[await render_board.chart_file(board, found.course)],
                )
        note = render_board.standing_note(board)
        if note:
            await respond.reply(interaction, note, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(LeaderboardCog(bot))
