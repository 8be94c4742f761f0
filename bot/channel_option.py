"""A channel option offering only channels a board can be posted in (text and announcement)."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands


class PostableChannel(app_commands.Transformer):
    """Discord resolves the option; the value stays an AppCommandChannel (no guild cache needed)."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return [discord.ChannelType.text, discord.ChannelType.news]

    async def transform(self, interaction: discord.Interaction, value: Any) -> Any:
        return value


ChannelOption = app_commands.Transform[app_commands.AppCommandChannel, PostableChannel]
