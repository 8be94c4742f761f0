"""Views and modals whose errors go through the one error handler."""

from __future__ import annotations

from typing import Any

import discord

from bot.errors import report


class View(discord.ui.View):
    async def on_error(self, interaction: discord.Interaction, error: Exception, item: Any) -> None:
        await report(interaction, error)


class Modal(discord.ui.Modal):
    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await report(interaction, error)
