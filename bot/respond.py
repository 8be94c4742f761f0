"""Answering an interaction: first response or follow-up, never a ping, and a word when it is slow."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import discord
from discord.utils import MISSING

from bot.limits import split_message

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
SLOW_AFTER = 8.0  # seconds before a deferred reply says it is still working
SLOW_TEXT = "⏳ Still working on it — this is taking longer than usual…"


async def reply(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    embeds: Sequence[discord.Embed] = (),
    view: discord.ui.View | None = None,
    files: Sequence[discord.File] = (),
    ephemeral: bool = False,
) -> None:
    """Send the response, or a follow-up when the interaction was already answered or deferred.
    Text longer than one message goes out as several; the view rides on the last one."""
    pieces = split_message(content) if content else [None]
    all_embeds = [embed] if embed is not None else list(embeds)
    for i, piece in enumerate(pieces):
        last = i == len(pieces) - 1
        kwargs = {
            "content": piece if piece is not None else MISSING,
            "embeds": all_embeds if last and all_embeds else MISSING,
            "view": view if last and view is not None else MISSING,
            "files": list(files) if last and files else MISSING,
            "ephemeral": ephemeral,
            "allowed_mentions": NO_MENTIONS,
        }
        if interaction.response.is_done():
            await interaction.followup.send(**kwargs)
        else:
            await interaction.response.send_message(**kwargs)


async def edit(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    files: Sequence[discord.File] | None = None,
) -> None:
    """Replace the message a component lives on (or the deferred original response)."""
    kwargs = {
        "content": content,
        "embed": embed,
        "view": view,
        "allowed_mentions": NO_MENTIONS,
    }
    if files is not None:
        kwargs["attachments"] = list(files)
    if interaction.response.is_done():
        await interaction.edit_original_response(**kwargs)
    else:
        await interaction.response.edit_message(**kwargs)


def png(data: bytes, name: str) -> discord.File:
    return discord.File(io.BytesIO(data), filename=name)


@asynccontextmanager
async def working(
    interaction: discord.Interaction, *, ephemeral: bool = False, slow_after: float | None = None
) -> AsyncIterator[None]:
    """Defer now (Discord wants an answer within 3 s), and if the work inside runs long, say so
    in the pending reply instead of leaving the student looking at a silent spinner."""
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    delay = SLOW_AFTER if slow_after is None else slow_after
    notice = asyncio.create_task(_say_slow(interaction, delay), name="studyhall-slow-notice")
    try:
        yield
    finally:
        notice.cancel()


async def _say_slow(interaction: discord.Interaction, delay: float) -> None:
    await asyncio.sleep(delay)
    try:
        await interaction.edit_original_response(content=SLOW_TEXT, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException:
        log.debug("could not post the slow notice", exc_info=True)
