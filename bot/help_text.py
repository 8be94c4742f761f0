"""What /help lists: the commands of the real command tree (so a new command appears by itself),
kept to those the caller may use where they are — no staff commands for students, nothing
server-only in a DM — grouped by who may use them.

A command says who may use it by its group's `default_permissions` (staff-only groups, hidden by
Discord from members) and, for instructor-only ones, `extras={"role": "instructor"}`."""

from __future__ import annotations

from dataclasses import dataclass

import discord
from discord import app_commands

from bot.limits import EMBED_DESCRIPTION, EMBED_TOTAL, FIELD_VALUE, MAX_FIELDS, clip

STAFF_ROLES = ("ta", "instructor")
AUDIENCES = {
    "everyone": "What you can do",
    "staff": "For course staff (TAs and instructors)",
    "instructor": "For instructors",
}
DESCRIPTION_CHARS = 72  # one short line per command keeps /help short


@dataclass(frozen=True)
class Entry:
    audience: str  # "everyone", "staff" or "instructor"
    usage: str  # "/profile set", or "Apps → Ask the book about this"
    description: str


def _works_in_dm(command: app_commands.Command | app_commands.Group | app_commands.ContextMenu) -> bool:
    if getattr(command, "guild_only", False):
        return False
    contexts = getattr(command, "allowed_contexts", None)
    return contexts is None or bool(contexts.dm_channel)


def _audience(root: object, leaf: object) -> str:
    role = getattr(leaf, "extras", {}).get("role") or getattr(root, "extras", {}).get("role")
    if role == "instructor":
        return "instructor"
    permissions = getattr(root, "default_permissions", None)
    return "staff" if permissions is not None and permissions.value else "everyone"


def entries(tree: app_commands.CommandTree, *, in_dm: bool, role: str | None) -> list[Entry]:
    """The commands the caller may use here, in the tree's order."""
    found: list[Entry] = []
    for root in tree.get_commands():
        if in_dm and not _works_in_dm(root):
            continue
        if isinstance(root, app_commands.ContextMenu):
            leaves = [(root, f"Apps → {root.name}", "right-click (or long-press) any message, then Apps")]
        elif isinstance(root, app_commands.Group):
            leaves = [
                (c, f"/{c.qualified_name}", c.description)
                for c in root.walk_commands()
                if isinstance(c, app_commands.Command)
            ]
        else:
            leaves = [(root, f"/{root.name}", root.description)]
        for leaf, usage, description in leaves:
            audience = _audience(root, leaf)
            if audience == "staff" and role not in STAFF_ROLES:
                continue
            if audience == "instructor" and role != "instructor":
                continue
            found.append(Entry(audience, usage, description))
    return found


def embed(listed: list[Entry], *, title: str, intro: str, footer: str | None = None) -> discord.Embed:
    """/help as one embed: the intro (the course's welcome), then each audience's commands."""
    shown = discord.Embed(title=clip(title, 256), description=clip(intro, EMBED_DESCRIPTION // 2) or None)
    budget = EMBED_TOTAL - len(shown.title or "") - len(shown.description or "") - len(footer or "") - 200
    for short in (DESCRIPTION_CHARS, 0):  # drop descriptions when the commands alone barely fit
        fields = _fields(listed, short)
        if sum(len(name) + len(value) for name, value in fields) <= budget:
            break
    for name, value in fields[:MAX_FIELDS]:
        shown.add_field(name=name, value=value, inline=False)
    if footer:
        shown.set_footer(text=footer)
    return shown


def short(description: str, limit: int = DESCRIPTION_CHARS) -> str:
    """A command's description to its first clause: "Ask the book a question; the answer cites…"
    becomes "Ask the book a question"."""
    cut = len(description)
    for mark in ("; ", " (", ": ", ". "):
        found = description.find(mark)
        if 0 < found < cut:
            cut = found
    return clip(description[:cut].rstrip(" ."), limit)


def _fields(listed: list[Entry], description_chars: int) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    for audience, heading in AUDIENCES.items():
        lines = [
            f"`{e.usage}` — {short(e.description, description_chars)}"
            if description_chars
            else f"`{e.usage}`"
            for e in listed
            if e.audience == audience
        ]
        chunks: list[list[str]] = []
        for line in lines:
            if not chunks or len("\n".join([*chunks[-1], line])) > FIELD_VALUE:
                chunks.append([])
            chunks[-1].append(line)
        # The heading once; a continued list goes on under an empty-looking name.
        fields += [(heading if n == 0 else "\u200b", "\n".join(c)) for n, c in enumerate(chunks)]
    return fields
