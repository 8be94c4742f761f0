"""In a DM, every answer names its course on its first line (a student in several classes must
see which one answered), and the first DM after Studyhall picked that course says so, once."""

from __future__ import annotations

import discord

from core.models.accounts import Course

COURSE = "studyhall.dm_course"  # Interaction.extras: the course a DM interaction is about
PICKED = "studyhall.dm_picked"  # ... and that it was picked for the student just now
PICKED_NOTE = "DMs go to this course; pick another with `/courses use:`"


def remember(interaction: discord.Interaction, course: Course, *, just_picked: bool = False) -> None:
    if interaction.guild_id is None:
        interaction.extras[COURSE] = course
        if just_picked:
            interaction.extras[PICKED] = True


def line(interaction: discord.Interaction) -> str | None:
    """The first line of a DM answer ("📘 Course"), or None (in a server, or no course known)."""
    course = interaction.extras.get(COURSE)
    if course is None:
        return None
    name = f"📘 **{discord.utils.escape_markdown(course.name)}**"
    if interaction.extras.pop(PICKED, False):  # said once, on the first reply
        return f"{name} · {PICKED_NOTE}"
    return name


def labelled(interaction: discord.Interaction, content: str | None) -> str | None:
    """`content` under the DM's course line (unchanged in a server)."""
    first = line(interaction)
    if first is None:
        return content
    return f"{first}\n{content}" if content else first
