"""The book reader: a section (or whole chapter) in pages, Prev/Next buttons that page through it
and on into the neighbouring section or chapter, and the reading progress each page records.

The buttons are persistent: each carries where it leads (short keys for the chapter and section,
the page) and who may press it, so an old reader keeps working after the bot restarts."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import discord

from bot import respond
from bot.context import Who, app_of, who
from bot.limits import EMBED_TITLE, clip, fit_embed, split_message
from bot.tables import render_tables
from bot.views.base import View, reported
from bot.views.personal import OWNER_PATTERN, owner_key, require_owner
from core.books.short_keys import KEY_ALPHABET, chapter_key, section_key

log = logging.getLogger(__name__)

PAGE_CHARS = 1800  # a page that reads comfortably on a phone, well inside an embed's 4096
LAST = -1  # page number meaning "the last page" (moving back into the previous section)


@dataclass(frozen=True)
class Place:
    path: str
    anchor: str = ""
    page: int = 0


@dataclass(frozen=True)
class Page:
    embed: discord.Embed
    view: View
    place: Place  # where the reader now is (page resolved)
    completion_pct: int  # the furthest the student has read into this chapter


async def open_page(interaction: discord.Interaction, place: Place, found: Who | None = None) -> Page:
    """Render `place` for the person interacting and record how far into the chapter they are."""
    found = found or await who(interaction)
    app = app_of(interaction)
    await app.quotas.take_read(found.course, found.user.id)
    reader = app.library.reader
    staff = found.sees_staff_material
    section = await reader.get_section(found.course, place.path, place.anchor, staff)
    shown = render_tables(section.markdown)  # Discord draws no tables
    pages = split_message(shown, PAGE_CHARS)
    number = len(pages) - 1 if place.page < 0 else min(place.page, len(pages) - 1)
    last = number == len(pages) - 1
    # Progress counts the book's own characters: the pages read, scaled back from what was shown.
    seen = sum(len(p) for p in pages[: number + 1])
    chars = len(section.markdown) if last else seen * len(section.markdown) // max(1, len(shown))
    reached = await reader.percent_reached(found.course, section, chars, staff)
    progress = await app.tracking.record_reading(found.user, found.course, section.path, reached)
    here = Place(section.path, section.anchor, number)

    earlier, later = await reader.adjacent_chapters(found.course, section.path, staff)
    if number > 0:
        previous: Place | None = Place(section.path, section.anchor, number - 1)
    elif section.previous_anchor:
        previous = Place(section.path, section.previous_anchor, LAST)
    else:
        previous = Place(earlier, "", LAST) if earlier else None
    if not last:
        following: Place | None = Place(section.path, section.anchor, number + 1)
    elif section.next_anchor:
        following = Place(section.path, section.next_anchor, 0)
    else:
        following = Place(later, "", 0) if later else None

    title = section.title if section.heading == section.title else f"{section.title} › {section.heading}"
    embed = discord.Embed(title=clip(title, EMBED_TITLE), description=pages[number])
    embed.set_footer(
        text=f"page {number + 1}/{len(pages)} · {progress.completion_pct}% of this chapter read"
        + (" ✓" if progress.read else "")
        + (" · 🔒 staff only" if section.staff_only else "")
    )
    view = reader_view(interaction.user.id, previous, following)
    return Page(fit_embed(embed), view, here, progress.completion_pct)


def reader_view(user_id: int, previous: Place | None, following: Place | None) -> View:
    """Only DynamicItems, never a plain button: discord.py times an ephemeral reader's view out
    after 15 minutes, and removing a view that holds a plain button also unregisters the
    DynamicItem classes in it, which would silence every reader of every student."""
    owner = owner_key(user_id)
    view = View(timeout=None)
    for direction, target, label in (("p", previous, "◀ Prev"), ("n", following, "Next ▶")):
        if target is None:  # the book's first or last page: a button that cannot be pressed
            view.add_item(BookEnd(direction, label))
        else:
            view.add_item(ReaderButton(direction, owner, target, label))
    return view


_KEY = f"[{KEY_ALPHABET}]"


class BookEnd(discord.ui.DynamicItem[discord.ui.Button], template=r"sh:read:(?P<dir>[pn]):end"):
    """Prev on the book's first page, Next on its last: disabled, and a DynamicItem only so that the
    reader's view holds nothing else (see reader_view). A stale client that presses it is told why."""

    def __init__(self, direction: str, label: str = ""):
        self.direction = direction
        super().__init__(
            discord.ui.Button(
                label=label or ("◀ Prev" if direction == "p" else "Next ▶"),
                style=discord.ButtonStyle.secondary,
                custom_id=f"sh:read:{direction}:end",
                disabled=True,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> BookEnd:
        return cls(match["dir"], item.label or "")

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        where = "first" if self.direction == "p" else "last"
        await respond.reply(interaction, f"📖 This is the {where} page of the book.", ephemeral=True)


class ReaderButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=re.compile(
        rf"sh:read:(?P<dir>[pn]):(?P<owner>{OWNER_PATTERN}):(?P<chapter>{_KEY}{{8}}):"
        rf"(?P<section>{_KEY}{{0,6}}):(?P<page>\d{{1,4}}|L)"
    ),
):
    """Prev or Next. The custom_id: sh:read:<p|n>:<owner>:<chapter key>:<section key>:<page|L>."""

    def __init__(self, direction: str, owner: str, target: Place | None, label: str, *, keys: Any = None):
        self.direction = direction
        self.owner = owner
        self.target = target
        self.keys = keys or (chapter_key(target.path), section_key(target.anchor), target.page)
        chapter, section, page = self.keys
        page_text = "L" if page == LAST else str(page)
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"sh:read:{direction}:{owner}:{chapter}:{section}:{page_text}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> ReaderButton:
        page = LAST if match["page"] == "L" else int(match["page"])
        return cls(
            match["dir"],
            match["owner"],
            None,
            item.label or "",
            keys=(match["chapter"], match["section"], page),
        )

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        require_owner(interaction, self.owner, "reader", "read")
        chapter, section, page = self.keys
        found = await who(interaction)
        path, anchor = await app_of(interaction).library.reader.find_by_keys(
            found.course, chapter, section, found.sees_staff_material
        )
        shown = await open_page(interaction, Place(path, anchor, page), found)
        await respond.edit(interaction, embed=shown.embed, view=shown.view)
