"""Autocomplete for the options that name something in the course: modules, chapters and sections
(from the table of contents), units and frozen leaderboard weeks. A chosen section's value is
"path#anchor"; what a student types by hand is matched the same way by the core."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.context import app_of, existing_account, onlooker
from bot.limits import MAX_CHOICES, clip
from core.errors import StudyhallError
from core.models.accounts import Course
from core.models.books import TocChapter, TocModule

CHOICE_NAME = 100  # Discord's limit on a choice's name and value


async def _course(interaction: discord.Interaction) -> Course | None:
    try:
        # Read-only: typing in an option creates no account and renames nobody.
        return (await onlooker(interaction)).course
    except StudyhallError:
        return None  # no course yet: nothing to suggest (the command itself will say why)


async def _sees_staff(interaction: discord.Interaction, course: Course) -> bool:
    """The core's decision, looked up without writing: suggestions never name a staff-only page
    to anyone but the course's staff."""
    return await app_of(interaction).staff.sees_staff_material(await existing_account(interaction), course)


async def _toc(interaction: discord.Interaction, course: Course) -> list[TocModule]:
    staff = await _sees_staff(interaction, course)
    return await app_of(interaction).library.reader.table_of_contents(course, staff=staff)


async def _chapters(interaction: discord.Interaction) -> list[TocChapter]:
    course = await _course(interaction)
    if course is None:
        return []
    modules = await _toc(interaction, course)
    return [chapter for module in modules for chapter in module.chapters]


async def modules(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Modules whose label or folder holds every word typed; the value is the folder the core resolves."""
    course = await _course(interaction)
    if course is None:
        return []
    found = [
        app_commands.Choice(name=clip(m.label, CHOICE_NAME), value=m.module)
        for m in await _toc(interaction, course)
        # the book's front matter is not a module to narrow to
        if m.module is not None and len(m.module) <= CHOICE_NAME and _matches(current, m.label, m.module)
    ]
    return found[:MAX_CHOICES]


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
    course = await _course(interaction)
    if course is None:
        return []
    found = [
        app_commands.Choice(name=clip(u.title, CHOICE_NAME), value=u.id[:CHOICE_NAME])
        for u in await app_of(interaction).tracking.units(course)
        if _matches(current, u.id, u.title)
    ]
    return found[:MAX_CHOICES]


async def weeks(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Frozen leaderboard weeks, newest first."""
    course = await _course(interaction)
    if course is None:
        return []
    found = [w for w in await app_of(interaction).leaderboards.weeks(course) if current.strip() in w]
    return [app_commands.Choice(name=f"week of {w}", value=w) for w in found[:MAX_CHOICES]]


async def book_folders(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Folders under the books root this course may use, its own first; staff only (names of
    folders are not for students)."""
    app = app_of(interaction)
    try:
        looking = await onlooker(interaction)  # read-only: typing creates no account
        if looking.user is None:
            return []
        course = looking.course
        await app.staff.require(looking.user, course)
        found = await app.courses.book_folders(course, current)
    except StudyhallError:
        return []
    return [app_commands.Choice(name=f, value=f) for f in found if len(f) <= CHOICE_NAME][:MAX_CHOICES]
