"""Asking the book from an interaction: defer, stream the core's answer (showing an AI answer as it is
written, at most one edit a second), then deliver it whole over as many messages as it needs."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import discord
from discord.utils import MISSING

from bot import course_line, respond
from bot.answer_render import answer_embeds, in_messages, progress
from bot.answer_threads import conversation_here, open_thread
from bot.context import app_of, who
from core.answers.links import confine_links
from core.models.conversations import Answer

log = logging.getLogger(__name__)

ViewFor = Callable[[Answer], discord.ui.View | None]


@dataclass
class Pace:
    """How often a streaming answer may edit its message (Discord rate-limits edits); injectable so
    tests can drive the clock."""

    interval: float = 1.0
    clock: Callable[[], float] = field(default=time.monotonic)


DEFAULT_PACE = Pace()


def pace_of(interaction: discord.Interaction) -> Pace:
    cog = interaction.client.get_cog("Ask") if hasattr(interaction.client, "get_cog") else None
    return getattr(cog, "pace", DEFAULT_PACE)


def channel_ref(interaction: discord.Interaction) -> str:
    """Where the question was asked, for the conversation's record."""
    return f"discord:{interaction.guild_id or 'dm'}:{interaction.channel_id}"


async def ask_and_answer(
    interaction: discord.Interaction,
    question: str,
    *,
    view_for: ViewFor,
    module: str | None = None,
    selected_text: str | None = None,
    conversation_id: str | None = None,
    private: bool = False,
) -> Answer:
    """The whole round trip for one question; errors propagate to the central handler."""
    # What can be checked quickly is checked before deferring, so a mistake is answered privately at
    # once; anything found later still reaches the asker alone (respond.reply withdraws the public
    # "thinking…" message for a private one).
    found = await who(interaction)
    app = app_of(interaction)
    await app.library.reader.require_book(found.course)
    if conversation_id is None and not private:  # asked in a question's thread: it carries that on
        conversation_id = await conversation_here(interaction, found.user.id)
    options = {
        "module": module,
        "selected_text": selected_text,
        "conversation_id": conversation_id,
        "surface": "discord",
        # the class reads a public answer: it may not quote staff-only pages, even a TA's
        "public": not private and interaction.guild_id is not None,
    }
    await app.answers.check(found.course, found.user, question, **options)
    async with respond.working(interaction, ephemeral=private):
        answer = await _streamed(
            interaction,
            app.answers.stream(
                found.course, found.user, question, channel_ref=channel_ref(interaction), **options
            ),
            pace_of(interaction),
            found.course.book_url,
        )
    # Delivered after `working` ends, so its "still working" note can't land on top of the answer.
    posted = await deliver(
        interaction, question, answer, found.course.book_url, view_for(answer), private=private
    )
    if not private and answer.conversation_id:
        await remember_posts(interaction, found.user.id, answer.conversation_id, posted)
        await open_thread(interaction, found.course, found.user.id, question, answer, posted)
    return answer


async def remember_posts(
    interaction: discord.Interaction, user_id: str, conversation_id: str, posted: list[discord.Message]
) -> None:
    """Public messages carry the question: note where, so forget and delete can take them down.
    The answer is already delivered: a failure here is logged, not shown to the student."""
    try:
        for message in posted:
            await app_of(interaction).public_posts.remember(
                user_id,
                conversation_id,
                guild_id=str(interaction.guild_id) if interaction.guild_id else None,
                channel_id=str(message.channel.id),
                message_id=str(message.id),
            )
    except Exception:
        log.exception("could not record where a public answer was posted")


async def _streamed(interaction: discord.Interaction, items, pace: Pace, book_url: str | None) -> Answer:
    written = ""
    last_edit: float | None = None
    answer: Answer | None = None
    async for item in items:
        if isinstance(item, Answer):
            answer = item
            continue
        if not written:
            await respond.quiet(interaction)  # the first words replace the slow notice for good
        written += item
        now = pace.clock()
        if last_edit is None or now - last_edit >= pace.interval:
            last_edit = now
            # The preview is public too: the core's link rule applies to it as to the answer.
            preview = confine_links(written, book_url)
            await interaction.edit_original_response(
                content=progress(preview), allowed_mentions=respond.NO_MENTIONS
            )
    if answer is None:
        raise RuntimeError("the answer stream ended without an answer")
    return answer


async def deliver(
    interaction: discord.Interaction,
    question: str,
    answer: Answer,
    book_url: str | None,
    view: discord.ui.View | None,
    *,
    private: bool,
) -> list[discord.Message]:
    """The first message replaces the pending reply; the rest follow; the buttons ride on the last.
    Returns the messages, as Discord holds them."""
    groups = in_messages(answer_embeds(question, answer, book_url))
    pending = await respond.settled(interaction)  # the answer replaces the pending reply
    posted: list[discord.Message] = []
    try:
        await _post_groups(interaction, groups, view, posted, private=private)
    except discord.HTTPException:
        # Discord kept refusing after discord.py's own retries (a 5xx outage): the answer is
        # stored, so the asker is told privately where to find it instead of facing a spinner.
        log.warning("Discord refused an answer's message; the asker is pointed to /history", exc_info=True)
        if pending is not None and not posted:
            interaction.extras[respond.PENDING] = pending  # so the note replaces "thinking…" right
        try:
            await respond.reply(interaction, NOT_DELIVERED, ephemeral=True)
        except discord.HTTPException:
            log.warning("could not tell the asker either", exc_info=True)
    return posted


NOT_DELIVERED = (
    "⚠️ Discord didn't take your answer just now (a problem on Discord's side). "
    "It is saved: open it with /history, or ask again in a moment."
)


async def _post_groups(
    interaction: discord.Interaction,
    groups: list[list[discord.Embed]],
    view: discord.ui.View | None,
    posted: list[discord.Message],
    *,
    private: bool,
) -> None:
    for i, group in enumerate(groups):
        last = i == len(groups) - 1
        label = course_line.labelled(interaction, None)  # in a DM, each message names its course
        if i == 0:
            sent = await interaction.edit_original_response(
                content=label, embeds=group, view=view if last else None, allowed_mentions=respond.NO_MENTIONS
            )
        else:
            sent = await interaction.followup.send(
                content=label if label is not None else MISSING,
                embeds=group,
                view=view if last and view is not None else MISSING,
                ephemeral=private,
                allowed_mentions=respond.NO_MENTIONS,
                wait=True,
            )
        posted.append(sent)
