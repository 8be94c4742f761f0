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


# What a weekly board post needs in its channel, and how Discord's settings name each permission.
POST_NEEDS = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
    "attach_files": "Attach Files",
}


def require_bot_can_post(interaction: discord.Interaction, channel_id: int | str) -> None:
    """Refuse a channel the bot itself can't post a board in. Its permissions there are computed from
    the server as the gateway gave it (roles, the channel's overwrites, the bot's own member); the
    option's resolved `permissions` are the *invoking member's*, not the bot's, so they can't tell.
    When the server isn't cached nothing is refused here: a refused post is then reported to the
    instructors by DM and retried."""
    guild = interaction.client.get_guild(interaction.guild_id) if interaction.guild_id else None
    me = guild.me if guild is not None else None
    channel = guild.get_channel(int(channel_id)) if guild is not None else None
    if me is None or channel is None:
        return
    allowed = channel.permissions_for(me)
    missing = [name for permission, name in POST_NEEDS.items() if not getattr(allowed, permission)]
    if missing:
        raise InvalidInput(
            "channel",
            f"I can't post the leaderboard in <#{channel_id}>: I'm missing {', '.join(missing)} there. "
            "Give the Studyhall bot (or its role) those permissions in the channel's settings, "
            "or pick another channel.",
        )
