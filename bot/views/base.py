"""Views and modals whose errors go through the one error handler."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.errors import report


class View(discord.ui.View):
    async def on_error(self, interaction: discord.Interaction, error: Exception, item: Any) -> None:
        await report(interaction, error)


class Modal(discord.ui.Modal):
    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await report(interaction, error)


def reported(callback: Callable[[Any, discord.Interaction], Awaitable[None]]):
    """For a DynamicItem's callback: discord.py only logs what such a callback raises, so send it
    through the one error handler instead, and the user hears about it."""

    @functools.wraps(callback)
    async def guarded(item: Any, interaction: discord.Interaction) -> None:
        try:
            await callback(item, interaction)
        except Exception as error:  # noqa: BLE001 - every error gets its words (or apology) there
            await report(interaction, error)

    return guarded
