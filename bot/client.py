"""The bot: discord.py's AutoShardedBot with Studyhall's cogs, one error handler and the core injected."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs import EXTENSIONS
from bot.command_contexts import EVERYWHERE
from bot.errors import report
from bot.respond import NO_MENTIONS
from bot.views import forms
from bot.views.keep import KeepIt
from core.app import App

log = logging.getLogger(__name__)


class StudyhallTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await report(interaction, error)


def intents() -> discord.Intents:
    """Only what slash commands need: no privileged intents (no message content, no members)."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    return wanted


class StudyhallBot(commands.AutoShardedBot):
    """`app` is the wired core; None only for printing or syncing the commands. `clock` is Discord's
    time (tests drive it), against which an interaction token's age is read. `greet`: welcome each
    member on their first command in a course (bot/welcome.py)."""

    def __init__(
        self,
        app: App | None,
        *,
        clock: Callable[[], datetime] = discord.utils.utcnow,
        greet: bool = True,
        **options: Any,
    ):
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            tree_cls=StudyhallTree,
            allowed_contexts=EVERYWHERE,
            allowed_mentions=NO_MENTIONS,
            help_command=None,
            **options,
        )
        self.app = app
        self.clock = clock
        self.greets_newcomers = greet

    async def setup_hook(self) -> None:
        from bot.views.course_picker import PickCourse  # here: the picker needs this module

        self.add_dynamic_items(KeepIt)  # shared by every delete confirmation
        self.add_dynamic_items(PickCourse)  # asked by the error handler, from any command in a DM
        for name in EXTENSIONS:
            await self.load_extension(name)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Modal submits of persistent forms (discord.py only answers modals it holds in memory)."""
        await forms.dispatch(self, interaction)

    async def on_ready(self) -> None:
        log.info("connected as %s to %d server(s)", self.user, len(self.guilds))


def command_payloads(tree: app_commands.CommandTree) -> list[dict[str, Any]]:
    """Every application command exactly as it is registered with Discord."""
    return [command.to_dict(tree) for command in tree.get_commands()]
