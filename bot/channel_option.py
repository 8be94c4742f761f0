"""A channel option offering only channels a board can be posted in (text and announcement)."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from core.errors import InvalidInput


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


async def require_this_servers(interaction: discord.Interaction, channel_id: int | str) -> None:
    """Refuse a channel of another server (or one the bot cannot see): Discord resolves an option's
    channel with the interaction's guild id whatever it is, so ask the channel itself."""
    client = interaction.client
    channel = client.get_channel(int(channel_id))
    if channel is None:
        try:
            channel = await client.fetch_channel(int(channel_id))
        except (discord.NotFound, discord.Forbidden):
            channel = None
    guild = getattr(channel, "guild", None)
    if guild is None or guild.id != interaction.guild_id:
        raise InvalidInput(
            "channel", f"<#{channel_id}> is not a channel of this server: pick one of this server's channels."
        )
