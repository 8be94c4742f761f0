"""/quiz: a unit's quiz, one question at a time, scored at the end with the explanations."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot import respond
from bot.autocomplete import units
from bot.client import StudyhallBot
from bot.cogs.base import FeatureCog
from bot.context import app_of, who
from bot.quiz_pages import QuizButton, start_page

log = logging.getLogger(__name__)


class QuizCog(FeatureCog, name="Quiz"):
    dynamic_items = (QuizButton,)

    @app_commands.command(name="quiz")
    @app_commands.describe(unit="The week or module to be quizzed on (start typing)")
    @app_commands.autocomplete(unit=units)
    async def quiz(self, interaction: discord.Interaction, unit: str) -> None:
        """Take a unit's quiz: one question at a time, your score and the explanations at the end."""
        found = await who(interaction)
        quiz = await app_of(interaction).quizzes.for_student(found.course, unit)
        embed, view = start_page(quiz, interaction.user.id)
        await respond.reply(interaction, embed=embed, view=view, ephemeral=True)


async def setup(bot: StudyhallBot) -> None:
    await bot.add_cog(QuizCog(bot))
