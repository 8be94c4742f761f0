"""Autocomplete for chapters and sections from the course's table of contents. A chosen section's
value is "path#anchor"; what a student types by hand is matched the same way by the core."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.context import account, app_of, course_of
from bot.limits import MAX_CHOICES, clip
from core.errors import StudyhallError
from core.models.books import TocChapter

CHOICE_NAME = 100  # Discord's limit on a choice's name and value


async def _chapters(interaction: discord.Interaction) -> list[TocChapter]:
    app = app_of(interaction)
    try:
        course = await course_of(interaction, await account(interaction))
    except StudyhallError:
        return []  # no course yet: nothing to suggest (the command itself will say why)
    modules = await app.library.reader.table_of_contents(course)
    return [chapter for module in modules for chapter in module.chapters]


def _matches(typed: str, *texts: str) -> bool:
    words = typed.lower().split()
    haystack = " ".join(texts).lower()
    return all(w in haystack for w in words)


async def chapters(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    found = [
        app_commands.Choice(name=clip(c.title, CHOICE_NAME), value=c.path[:CHOICE_NAME])
        for c in await _chapters(interaction)
        if _matches(current, c.title, c.path)
    ]
    return found[:MAX_CHOICES]


async def sections(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Sections (with their chapter) matching what was typed; a chapter's own entry reads it whole."""
    found: list[app_commands.Choice[str]] = []
    for chapter in await _chapters(interaction):
        for section in [None, *chapter.sections]:
            heading = section.heading if section else chapter.title
            anchor = section.anchor if section else ""
            value = f"{chapter.path}#{anchor}" if anchor else chapter.path
            if len(value) > CHOICE_NAME or not _matches(current, chapter.title, heading, value):
                continue
            label = chapter.title if section is None else f"{chapter.title} › {heading}"
            found.append(app_commands.Choice(name=clip(label, CHOICE_NAME), value=value))
            if len(found) == MAX_CHOICES:
                return found
    return found


def split_section(value: str) -> tuple[str, str]:
    """ "path#anchor" (or a bare path) → (path, anchor)."""
    path, _, anchor = (value or "").strip().partition("#")
    return path.strip().lstrip("/"), anchor.strip()


async def sections_of_chapter(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Sections of the chapter already chosen in the `chapter` option (value: the anchor); with no
    chapter chosen yet, sections of every chapter (value: "path#anchor")."""
    chosen, _ = split_section(str(getattr(interaction.namespace, "chapter", None) or ""))
    chapter = next((c for c in await _chapters(interaction) if c.path == chosen), None)
    if chapter is None:
        return await sections(interaction, current)
    found = [
        app_commands.Choice(name=clip(("↳ " if s.level > 2 else "") + s.heading, CHOICE_NAME), value=s.anchor)
        for s in chapter.sections
        if s.anchor and len(s.anchor) <= CHOICE_NAME and _matches(current, s.heading, s.anchor)
    ]
    return found[:MAX_CHOICES]


async def units(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """The course's units (weeks or modules) matching what was typed; the value is the unit id."""
    app = app_of(interaction)
    try:
        course = await course_of(interaction, await account(interaction))
    except StudyhallError:
        return []
    found = [
        app_commands.Choice(name=clip(u.title, CHOICE_NAME), value=u.id[:CHOICE_NAME])
        for u in await app.tracking.units(course)
        if _matches(current, u.id, u.title)
    ]
    return found[:MAX_CHOICES]
