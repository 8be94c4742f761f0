"""An interaction's token answers for 15 minutes; a reply that comes later (a long ingest, an error
found at the end of one) goes through the bot's own channel API instead, or to the person's DMs."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

import discord
from discord.utils import MISSING

from bot.limits import split_message

log = logging.getLogger(__name__)

LIFETIME = timedelta(minutes=15)
# Past this age the token is not worth a try: a webhook call that dies of it wastes the last minute.
NEAR_END = timedelta(minutes=14)
INVALID_TOKEN = 50027  # Discord's JSON code for a webhook call with a dead token


def is_dead(error: BaseException) -> bool:
    """Discord refused a webhook call because the interaction's token is no longer valid."""
    return isinstance(error, discord.HTTPException) and error.code == INVALID_TOKEN


def age(interaction: discord.Interaction) -> timedelta:
    """How long ago Discord created the interaction, on the bot's clock."""
    clock = getattr(interaction.client, "clock", discord.utils.utcnow)
    return clock() - interaction.created_at


def usable(interaction: discord.Interaction) -> bool:
    return age(interaction) < NEAR_END


def _intro(interaction: discord.Interaction) -> str:
    command = interaction.command.qualified_name if interaction.command else None
    what = f"your `/{command}`" if command else "what you asked for"
    return f"{interaction.user.mention}, {what} took longer than Discord lets a reply wait, so here it is:"


async def deliver_elsewhere(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embeds: Sequence[discord.Embed] = (),
    view: discord.ui.View | None = None,
    files: Sequence[discord.File] = (),
    in_channel: bool,
) -> bool:
    """Send what the token can no longer carry: as a normal bot message in the interaction's channel
    when `in_channel` (what everyone there may see), else, or when that channel refuses the bot, as a
    DM to the person. Only the person is mentioned. Returns whether it got through."""
    pieces = split_message("\n".join(part for part in (_intro(interaction), content) if part))
    mentions = discord.AllowedMentions(users=[interaction.user], everyone=False, roles=False)

    async def send_to(target: discord.abc.Messageable) -> None:
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            for file in files:
                file.reset()
            await target.send(
                content=piece,
                embeds=list(embeds) if last else [],
                files=list(files) if last else [],
                view=view if last and view is not None else MISSING,
                allowed_mentions=mentions,
            )

    if in_channel and interaction.channel_id is not None and interaction.guild_id is not None:
        channel = interaction.client.get_partial_messageable(
            interaction.channel_id, guild_id=interaction.guild_id
        )
        try:
            await send_to(channel)
            log.info("interaction token expired: reply posted in channel %s", interaction.channel_id)
            return True
        except discord.HTTPException:
            log.info("interaction token expired and channel %s refused the reply", interaction.channel_id)
    try:
        await send_to(interaction.user)
        log.info("interaction token expired: reply sent to %s by DM", interaction.user.id)
        return True
    except discord.HTTPException:
        log.warning("interaction token expired and %s can't be sent a DM", interaction.user.id, exc_info=True)
        return False
