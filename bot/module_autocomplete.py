"""Autocomplete for a `module` option: the book's modules from the course's table of contents."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.context import account, app_of, course_of
from bot.limits import MAX_CHOICES, clip
from core.errors import StudyhallError

CHOICE_CHARS = 100  # Discord's limit on a choice's name and value


async def modules(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Modules whose label or folder holds every word typed; the value is the folder the core resolves."""
    app = app_of(interaction)
    try:
        course = await course_of(interaction, await account(interaction))
    except StudyhallError:
        return []  # no course yet: the command itself will say why
    words = current.lower().split()
    found = []
    for module in await app.library.reader.table_of_contents(course):
        if module.module is None or len(module.module) > CHOICE_CHARS:
            continue  # the book's front matter is not a module to narrow to
        haystack = f"{module.label} {module.module}".lower()
        if all(w in haystack for w in words):
            found.append(app_commands.Choice(name=clip(module.label, CHOICE_CHARS), value=module.module))
    return found[:MAX_CHOICES]
