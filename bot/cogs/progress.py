"""/progress (where you stand, with a chart) and /complete (mark a unit done)."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot import respond
from bot.autocomplete import units
from bot.client import StudyhallBot
from bot.cogs.base import FeatureCog
from bot.context import app_of, who
from bot.limits import clip
from bot.progress_report import CHART_NAME, progress_chart, progress_embed

log = logging.getLogger(__name__)


class ProgressCog(FeatureCog, name="Progress"):
    @app_commands.command(name="progress")
    async def progress(self, interaction: discord.Interaction) -> None:
        """Your progress in this course: units done, chapters read, quiz scores (only you see it)."""
        async with respond.working(interaction, ephemeral=True):
            found = await who(interaction)
            standing = await app_of(interaction).tracking.show(found.user, found.course)
            chart = await progress_chart(standing, f"{found.user.display_name} — {found.course.name}")
            await respond.reply(
                interaction,
                embed=progress_embed(standing, found.course.name),
                files=[respond.png(chart, CHART_NAME)],
                ephemeral=True,
            )

    @app_commands.command(name="complete")
    @app_commands.describe(unit="The week or module you have finished (start typing)")
    @app_commands.autocomplete(unit=units)
    async def complete(self, interaction: discord.Interaction, unit: str) -> None:
        """Mark a unit of the course as done."""
        found = await who(interaction)
        done = await app_of(interaction).tracking.mark(found.user, found.course, unit)
        quiz = "" if done.best_quiz_score is not None else " Check what stuck with `/quiz`."
        await respond.reply(
            interaction, f"✅ **{clip(done.title, 200)}** is marked as done.{quiz}", ephemeral=True
        )


async def setup(bot: StudyhallBot) -> None:
    await bot.add_cog(ProgressCog(bot))
