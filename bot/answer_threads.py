"""Answers in threads (a course setting): each public /ask is answered in the channel as usual, then
a thread is started from that answer, where Follow up and /ask carry the same conversation on.

Why not answer inside a new thread? An interaction's reply always lands in the channel the
interaction came from, so the bot could only post the answer there through its channel API, and then
a failure (no permission in the thread, a deleted thread) would lose the answer. Starting the thread
from the reply keeps the answer where the student asked, and a thread is a bonus on top of it."""

from __future__ import annotations

import logging

import discord

from bot import respond
from bot.context import app_of
from bot.limits import clip
from core.models.accounts import Course
from core.models.conversations import Answer

log = logging.getLogger(__name__)

THREAD_NAME_CHARS = 100  # Discord's limit on a thread's name
ARCHIVE_AFTER_MINUTES = 1440  # a day without messages
IN_THREAD = "💬 Follow-ups to this question go here: press **Follow up** below, or use `/ask` in this thread."
NO_THREADS = (
    "ℹ️ This course answers each question in a thread, but I can't start threads in this channel, so "
    "the answer is right here. An instructor can give me **Create Public Threads** and **Send "
    "Messages in Threads** here (or turn threads off with `/course config threads:false`)."
)


def is_thread(interaction: discord.Interaction) -> bool:
    return isinstance(interaction.channel, discord.Thread)


async def conversation_here(interaction: discord.Interaction, user_id: str) -> str | None:
    """In a thread opened for one of this user's questions, that conversation (asked there, a question
    carries it on); anywhere else, None."""
    if not is_thread(interaction) or interaction.channel_id is None:
        return None
    return await app_of(interaction).conversations.in_thread(user_id, str(interaction.channel_id))


async def open_thread(
    interaction: discord.Interaction,
    course: Course,
    user_id: str,
    question: str,
    answer: Answer,
    posted: list[discord.Message],
) -> None:
    """Start the answer's thread when the course wants one; the answer is already delivered, so a
    refusal costs only the thread (and is explained once)."""
    if not course.answer_threads or interaction.guild_id is None or is_thread(interaction):
        return
    if not posted or not answer.conversation_id:
        return
    allowed = interaction.app_permissions
    if not (allowed.create_public_threads and allowed.send_messages_in_threads):
        await _explain(interaction)
        return
    client = interaction.client
    channel_id = posted[0].channel.id
    name = clip(" ".join(question.split()), THREAD_NAME_CHARS)
    try:
        thread = await client.http.start_thread_with_message(
            channel_id, posted[0].id, name=name, auto_archive_duration=ARCHIVE_AFTER_MINUTES
        )
    except discord.HTTPException:
        log.warning("could not start a thread on an answer in %s", channel_id, exc_info=True)
        await _explain(interaction)
        return
    thread_id = str(thread["id"])
    from bot.views.answer_buttons import follow_up_view  # those buttons ask through this flow too

    follow_view = follow_up_view(answer)
    await app_of(interaction).conversations.link_thread(user_id, answer.conversation_id, thread_id)
    try:
        await client.get_partial_messageable(int(thread_id), guild_id=interaction.guild_id).send(
            IN_THREAD, view=follow_view or discord.utils.MISSING, allowed_mentions=respond.NO_MENTIONS
        )
    except discord.HTTPException:
        log.warning("could not post in the new thread %s", thread_id, exc_info=True)


async def _explain(interaction: discord.Interaction) -> None:
    """Once per server while the bot runs, not under every answer (the Ask cog keeps the tally)."""
    cog = interaction.client.get_cog("Ask") if hasattr(interaction.client, "get_cog") else None
    told: set[int] = getattr(cog, "told_no_threads", set())
    if interaction.guild_id in told:
        return
    told.add(interaction.guild_id or 0)
    try:
        await interaction.followup.send(NO_THREADS, ephemeral=True, allowed_mentions=respond.NO_MENTIONS)
    except discord.HTTPException:
        log.warning("could not say why an answer has no thread", exc_info=True)
