"""/history: the student's own conversations with the book, to reread or delete."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot import respond
from bot.cogs.base import FeatureCog
from bot.views.history_items import ITEMS, history_page

log = logging.getLogger(__name__)


class HistoryCog(FeatureCog, name="History"):
    dynamic_items = ITEMS

    @app_commands.command(name="history")
    async def history(self, interaction: discord.Interaction) -> None:
        """Your conversations with the book: reread or delete them (only you see them)."""
        content, embed, view = await history_page(interaction, 0)
        await respond.reply(interaction, content, embed=embed, view=view, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(HistoryCog(bot))
