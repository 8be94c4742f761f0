"""What every feature cog shares: the bot, and the persistent buttons and forms it answers (registered while
the cog is loaded, so presses on old messages reach it after a restart)."""

from __future__ import annotations

from typing import Any

from discord.ext import commands

from bot.views import forms as persistent_forms


class FeatureCog(commands.Cog):
    dynamic_items: tuple[type[Any], ...] = ()
    forms: tuple[type[Any], ...] = ()  # bot.views.forms.Form classes, answered by custom id

    def __init__(self, bot: commands.Bot):
        self.bot = bot

    async def cog_load(self) -> None:
        if self.dynamic_items:
            self.bot.add_dynamic_items(*self.dynamic_items)
        persistent_forms.register(self.bot, *self.forms)

    async def cog_unload(self) -> None:
        if self.dynamic_items:
            self.bot.remove_dynamic_items(*self.dynamic_items)
        persistent_forms.unregister(self.bot, *self.forms)
