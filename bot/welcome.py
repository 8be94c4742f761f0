"""The first-use welcome: the first time a member's command in a course succeeds, an ephemeral
follow-up carries the course's welcome text and a pointer to /help — once per member and course
(the core claims it, so restarts, retries and shards never repeat it; a failed command keeps it)."""

from __future__ import annotations

import logging

import discord

from bot.limits import clip
from core.models.accounts import Course, User

log = logging.getLogger(__name__)

DUE = "studyhall.welcome"  # Interaction.extras: (user, course) not welcomed yet
POINTER = (
    "Type `/help` to see what you can do here. You can also ask me in DMs: "
    "`/courses` shows your classes and picks the one DMs are for."
)


def due(interaction: discord.Interaction, user: User, course: Course) -> None:
    interaction.extras[DUE] = (user, course)


def embed(course: Course) -> discord.Embed:
    text = (course.welcome_text or "").strip()
    body = f"{text}\n\n{POINTER}" if text else POINTER
    return discord.Embed(title=clip(f"👋 Welcome to {course.name}", 256), description=body)


async def greet(interaction: discord.Interaction) -> None:
    """After a command succeeded: the welcome, if this member of this course never had it."""
    pending = interaction.extras.pop(DUE, None)
    if pending is None or not getattr(interaction.client, "greets_newcomers", False):
        return
    user, course = pending
    app = interaction.client.app  # type: ignore[attr-defined]
    if not await app.onboarding.welcome_once(user.id, course.id):
        return
    try:
        if interaction.response.is_done():
            await interaction.followup.send(embed=embed(course), ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed(course), ephemeral=True)
    except discord.HTTPException:  # the welcome is a courtesy: the command itself was answered
        log.warning("could not send the first-use welcome", exc_info=True)
