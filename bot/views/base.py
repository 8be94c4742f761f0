"""Views and modals whose errors go through the one error handler."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.errors import report


class View(discord.ui.View):
    def add_item(self, item: discord.ui.Item[Any]) -> View:
        """Refuse to mix plain dispatchable items (buttons, selects with a custom_id) with DynamicItems:
        when discord.py removes such a view (its timeout: 15 minutes for any ephemeral reply, even
        with timeout=None), it also unregisters the view's DynamicItem classes, for every message."""
        if item.is_dispatchable():
            dynamic = isinstance(item, discord.ui.DynamicItem)
            for child in self.walk_children():
                if child.is_dispatchable() and isinstance(child, discord.ui.DynamicItem) != dynamic:
                    raise TypeError(
                        "a view holds either DynamicItems or plain items, never both: "
                        "removing it would unregister its DynamicItem classes"
                    )
        super().add_item(item)
        return self

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
