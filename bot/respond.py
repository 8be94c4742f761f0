"""Answering an interaction: first response or follow-up, never a ping, and a word when it is slow."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import discord
from discord.utils import MISSING

from bot import course_line, token_life
from bot.limits import split_message

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
SLOW_AFTER = 8.0  # seconds before a deferred reply says it is still working
SLOW_TEXT = "⏳ Still working on it — this is taking longer than usual…"
PENDING = "studyhall.pending"  # Interaction.extras key: a deferral of ours still waiting for its reply


@dataclass
class _Pending:
    """A deferred reply (the "thinking…" message, or the slow notice in its place) that the real
    reply has not replaced yet."""

    ephemeral: bool
    notice: asyncio.Task | None = None
    noticed: bool = False  # the slow notice was (or may have been) put in place of "thinking…"

    async def quiet(self) -> None:
        """No slow notice from now on (and none half-sent: wait for the cancelled task to end)."""
        if self.notice is not None and not self.notice.done():
            self.notice.cancel()
            await asyncio.wait([self.notice])


async def quiet(interaction: discord.Interaction) -> None:
    """Something real is being shown in the pending reply (the first words of a streamed answer):
    the slow notice must not replace it."""
    pending = interaction.extras.get(PENDING)
    if pending is not None:
        await pending.quiet()


async def settled(interaction: discord.Interaction) -> _Pending | None:
    """The pending reply is being replaced by the real one; what it was (None: nothing pending)."""
    pending = interaction.extras.pop(PENDING, None)
    if pending is not None:
        await pending.quiet()
    return pending


async def reply(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    embeds: Sequence[discord.Embed] = (),
    view: discord.ui.View | None = None,
    files: Sequence[discord.File] = (),
    ephemeral: bool = False,
    late_in_channel: bool | None = None,
) -> None:
    """Send the response, or a follow-up when the interaction was already answered or deferred.
    Text longer than one message goes out as several; the view rides on the last one.

    After a deferral of ours the first piece fills the pending reply: a follow-up does that while it
    still shows "thinking…", but once the slow notice has replaced that, a follow-up would be a
    second message under the notice, so the pending reply is edited instead. A private reply to a
    public deferral can't go there (Discord shows it with the deferral's visibility, to the whole
    channel), so the public "thinking…" message is deleted and the reply follows privately.

    Once the interaction's token is dead (or about to die) the reply goes elsewhere: a public one to
    the channel as a normal message (`late_in_channel` overrides), a private one by DM."""
    content = course_line.labelled(interaction, content)
    pending = await settled(interaction)
    all_embeds = [embed] if embed is not None else list(embeds)
    where = (not ephemeral) if late_in_channel is None else late_in_channel
    if interaction.response.is_done() and not token_life.usable(interaction):
        await token_life.deliver_elsewhere(
            interaction, content, embeds=all_embeds, view=view, files=files, in_channel=where
        )
        return
    try:
        await _reply(interaction, content, all_embeds, view, files, ephemeral, pending)
    except discord.HTTPException as error:
        if not token_life.is_dead(error):
            raise
        await token_life.deliver_elsewhere(
            interaction, content, embeds=all_embeds, view=view, files=files, in_channel=where
        )


async def _reply(
    interaction: discord.Interaction,
    content: str | None,
    all_embeds: list[discord.Embed],
    view: discord.ui.View | None,
    files: Sequence[discord.File],
    ephemeral: bool,
    pending: _Pending | None,
) -> None:
    pieces = split_message(content) if content else [None]
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
        if i == 0 and pending is not None and ephemeral and not pending.ephemeral:
            await _withdraw(interaction)
            await interaction.followup.send(**kwargs)
        elif i == 0 and pending is not None and pending.noticed:
            await interaction.edit_original_response(
                content=piece,
                embeds=kwargs["embeds"],
                view=kwargs["view"],
                attachments=kwargs["files"],
                allowed_mentions=NO_MENTIONS,
            )
        elif interaction.response.is_done():
            await interaction.followup.send(**kwargs)
        else:
            await interaction.response.send_message(**kwargs)


async def _withdraw(interaction: discord.Interaction) -> None:
    """Take down the public pending reply (a private message goes out in its place)."""
    try:
        await interaction.delete_original_response()
    except discord.HTTPException:
        log.warning("could not delete a public pending reply", exc_info=True)


async def edit(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    files: Sequence[discord.File] | None = None,
    late_in_channel: bool | None = None,
) -> None:
    """Replace the message a component lives on (or the deferred original response). Once the
    token is dead (or about to die), the new content is sent elsewhere instead, as reply() does:
    to the channel when the pending reply was public (or `late_in_channel`), else by DM."""
    kwargs = {
        "content": course_line.labelled(interaction, content),
        "embed": embed,
        "view": view,
        "allowed_mentions": NO_MENTIONS,
    }
    if files is not None:
        kwargs["attachments"] = list(files)
    pending = await settled(interaction)
    if not interaction.response.is_done():
        await interaction.response.edit_message(**kwargs)
        return
    where = (pending is not None and not pending.ephemeral) if late_in_channel is None else late_in_channel
    try:
        if not token_life.usable(interaction):
            raise _TooLate
        await interaction.edit_original_response(**kwargs)
    except (discord.HTTPException, _TooLate) as error:
        if not (isinstance(error, _TooLate) or token_life.is_dead(error)):
            raise
        await token_life.deliver_elsewhere(
            interaction,
            content,
            embeds=[embed] if embed is not None else [],
            view=view,
            files=files or (),
            in_channel=where,
        )


class _TooLate(Exception):
    """The token is about to die: not worth a webhook call."""


def png(data: bytes, name: str) -> discord.File:
    return discord.File(io.BytesIO(data), filename=name)


@asynccontextmanager
async def working(
    interaction: discord.Interaction, *, ephemeral: bool = False, slow_after: float | None = None
) -> AsyncIterator[None]:
    """Defer now (Discord wants an answer within 3 s), and if the work inside runs long, say so
    in the pending reply instead of leaving the student looking at a silent spinner.

    The reply then replaces the pending one (reply(), edit(), or answer_flow.deliver())."""
    if interaction.response.is_done():  # someone else's deferral or reply: nothing pending of ours
        yield
        return
    await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    delay = SLOW_AFTER if slow_after is None else slow_after
    pending = _Pending(ephemeral)
    pending.notice = asyncio.create_task(_say_slow(interaction, pending, delay), name="studyhall-slow-notice")
    interaction.extras[PENDING] = pending
    try:
        yield
    finally:
        await pending.quiet()


async def _say_slow(interaction: discord.Interaction, pending: _Pending, delay: float) -> None:
    await asyncio.sleep(delay)
    pending.noticed = True  # before sending: editing the pending reply is right either way
    try:
        await interaction.edit_original_response(content=SLOW_TEXT, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException:
        log.debug("could not post the slow notice", exc_info=True)
