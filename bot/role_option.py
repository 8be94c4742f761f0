"""Discord roles named in an option, and the roles a member carries: only this server's count."""

from __future__ import annotations

import discord

from core.errors import InvalidInput


async def require_this_servers_role(interaction: discord.Interaction, role_id: int) -> None:
    """Refuse a role of another server: Discord resolves a role option with the interaction's guild
    whatever the id is, so the server itself is asked (its cache, else Discord's API)."""
    guild_id = interaction.guild_id
    guild = interaction.client.get_guild(guild_id) if guild_id else None
    found = guild is not None and guild.get_role(role_id) is not None
    if not found and guild_id is not None:
        try:
            await interaction.client.http.get_role(guild_id, role_id)
            found = True
        except (discord.NotFound, discord.Forbidden):
            found = False
    if not found:
        raise InvalidInput(
            "Discord role", f"<@&{role_id}> is not a role of this server: pick one of this server's roles."
        )


def carried_role_ids(interaction: discord.Interaction) -> list[str] | None:
    """The ids of the Discord roles the member carries, from the interaction itself (Member.roles
    would drop the roles missing from the guild cache); None outside a server."""
    person = interaction.user
    if interaction.guild_id is None or not isinstance(person, discord.Member):
        return None
    return [str(role_id) for role_id in person._roles]  # the payload's member.roles
