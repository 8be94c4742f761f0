"""Reading the book: a section with its subsections, the table of contents, module names."""

from __future__ import annotations

import difflib
import json
from typing import Any

from core.books import audience
from core.books.short_keys import chapter_key, section_key
from core.errors import NotFound
from core.models.accounts import Course
from core.models.books import SectionView, StoredDocument, TocChapter, TocModule, TocSection
from core.store.session import Store

TOC_MAX_LEVEL = 3
SECTIONS_LISTED = 40  # anchors named when one asked for is not in the chapter
BOOK_CHANGED = "The book has changed since that page was opened: open the chapter again."
NOT_INGESTED = "It has not been loaded yet. An instructor can load it with /book ingest."


class BookReader:
    """Every method takes `staff`: whether the viewer is staff of the course (decided by
    core.staff.sees_staff_material). Without it a staff-only page does not exist: it is not listed,
    not suggested, not readable, and asking for it by path answers as for a path that never was."""

    def __init__(self, store: Store):
        self._store = store

    async def documents(self, course: Course, staff: bool = False) -> list[StoredDocument]:
        async with self._store.read() as s:
            return _seen(await s.books.documents(course.id), staff)

    async def require_book(self, course: Course) -> None:
        """Refuse, in words, to search or answer from a course whose book was never loaded."""
        if not any(d.status == "ready" for d in await self.documents(course)):
            raise NotFound("book", course.slug, NOT_INGESTED)

    async def get_section(
        self, course: Course, path: str, anchor: str = "", staff: bool = False
    ) -> SectionView:
        """The section at `path#anchor` with its subsections; the whole chapter for no anchor."""
        path = path.strip().lstrip("/")
        anchor = anchor.strip().lstrip("#")
        async with self._store.read() as s:
            document = await s.books.document_by_path(course.id, path)
            if document is None or document.status != "ready" or not _visible(document, staff):
                # Not a path: what a student types by hand, a chapter's title or a section's heading.
                document, heading_anchor = await self._by_title(s, course, path, staff)
                anchor = anchor or heading_anchor
            sections = await s.books.sections(document.id)
        return _compose(document, sections, _anchor_of(sections, anchor))

    async def _by_title(self, s: Any, course: Course, typed: str, staff: bool) -> tuple[StoredDocument, str]:
        """(chapter, anchor) whose title, or else whose one section heading, is what was typed
        (ignoring case and punctuation); NotFound, with the titles and paths like it, otherwise.
        Only the documents this viewer may see are compared, so a staff-only title stays unknown."""
        documents = [d for d in _seen(await s.books.documents(course.id), staff) if d.status == "ready"]
        wanted = _folded(typed)
        titled = [d for d in documents if wanted and _folded(d.title) == wanted]
        if len(titled) == 1:
            return titled[0], ""
        by_id = {d.id: d for d in documents}
        outline = [r for r in await s.books.section_outline(course.id, 6) if r["document_id"] in by_id]
        headed = [r for r in outline if wanted and r["anchor"] and _folded(r["heading"]) == wanted]
        if len(headed) == 1 and not titled:
            return by_id[headed[0]["document_id"]], headed[0]["anchor"]
        names = [d.path for d in documents] + [d.title for d in documents]
        raise NotFound("chapter", typed, _suggest(typed, list(dict.fromkeys(names)), "Chapters like it"))

    async def find_by_keys(
        self, course: Course, chapter: str, section: str = "", staff: bool = False
    ) -> tuple[str, str]:
        """(path, anchor) from short keys (core.books.short_keys); a section that is gone gives the
        whole chapter, a chapter that is gone is NotFound."""
        async with self._store.read() as s:
            documents = [d for d in _seen(await s.books.documents(course.id), staff) if d.status == "ready"]
            document = next((d for d in documents if chapter_key(d.path) == chapter), None)
            if document is None:
                raise NotFound("chapter", chapter, BOOK_CHANGED)
            if not section:
                return document.path, ""
            anchors = [r["anchor"] for r in await s.books.sections(document.id) if r["anchor"]]
        return document.path, next((a for a in anchors if section_key(a) == section), "")

    async def adjacent_chapters(
        self, course: Course, path: str, staff: bool = False
    ) -> tuple[str | None, str | None]:
        """The chapters before and after `path` in reading order (None at either end)."""
        paths = [d.path for d in await self.documents(course, staff) if d.status == "ready"]
        if path not in paths:
            return None, None
        at = paths.index(path)
        return (paths[at - 1] if at > 0 else None), (paths[at + 1] if at + 1 < len(paths) else None)

    async def percent_reached(
        self, course: Course, view: SectionView, chars_read: int, staff: bool = False
    ) -> int:
        """How far into its chapter (0–100) someone is who has read `chars_read` characters of `view`."""
        chapter, start = view.markdown, 0
        if view.anchor:
            chapter = (await self.get_section(course, view.path, "", staff)).markdown
            start = max(0, chapter.find(view.markdown))
        end = start + min(max(chars_read, 0), len(view.markdown))
        return min(100, round(100 * end / max(1, len(chapter))))

    async def chapter_span(
        self, course: Course, view: SectionView, start: int, end: int, staff: bool = False
    ) -> tuple[int, int, int]:
        """Characters [start, end) of `view` as (start, end, length) in its whole chapter's text."""
        chapter, offset = view.markdown, 0
        if view.anchor:
            chapter = (await self.get_section(course, view.path, "", staff)).markdown
            offset = max(0, chapter.find(view.markdown))
        length = max(1, len(chapter))
        low = min(length, offset + max(0, start))
        return low, min(length, max(low, offset + end)), length

    async def passages(self, course: Course, path: str, staff: bool = False) -> list[tuple[str, str]]:
        """(anchor, Markdown) of each section of a chapter that has text of its own."""
        async with self._store.read() as s:
            document = await s.books.document_by_path(course.id, path)
            if document is None or not _visible(document, staff):
                raise NotFound("chapter", path)
            sections = await s.books.sections(document.id)
        return [(r["anchor"], r["markdown"]) for r in sections if len(r["markdown"].split()) > 12]

    async def table_of_contents(
        self, course: Course, max_level: int = TOC_MAX_LEVEL, staff: bool = False
    ) -> list[TocModule]:
        async with self._store.read() as s:
            documents = _seen(await s.books.documents(course.id), staff)
            outline = await s.books.section_outline(course.id, max_level)
        by_document: dict[str, list[TocSection]] = {}
        for row in outline:
            by_document.setdefault(row["document_id"], []).append(
                TocSection(heading=row["heading"], anchor=row["anchor"], level=row["level"])
            )
        modules: dict[str | None, TocModule] = {}
        for d in documents:
            module = modules.get(d.module)
            if module is None:
                label = d.module_label or _humanise(d.module) if d.module else "Introduction"
                module = modules[d.module] = TocModule(module=d.module, label=label, chapters=[])
            module.chapters.append(
                TocChapter(
                    path=d.path,
                    title=d.title,
                    week=d.week,
                    difficulty=d.difficulty,
                    status=d.status,
                    sections=by_document.get(d.id, []),
                    staff_only=d.staff_only,
                )
            )
        return list(modules.values())

    async def module_label(self, course: Course, folder: str, staff: bool = False) -> str:
        """How a module is named to students ("Module 2: ROS 2 Essentials"), from its folder."""
        documents = await self.documents(course, staff)
        label = next((d.module_label for d in documents if d.module == folder and d.module_label), None)
        return label or _humanise(folder)

    async def resolve_module(
        self, course: Course, name: str | int, staff: bool = False, partial: bool = False
    ) -> str:
        """A module's folder name from what was typed: folder, label or number (any case). With
        `partial` (an assistant typing, not a student picking from a list) also a part of one
        module's folder or label, e.g. 'foundations' or 'ros'."""
        wanted = str(name).strip().lower()
        documents = await self.documents(course, staff)
        modules = {d.module: d.module_label for d in documents if d.module}
        for folder, label in modules.items():
            if wanted in (folder.lower(), (label or "").lower()):
                return folder
        if wanted.isdigit():
            numbered = [f for f in modules if _numbers(f)[:1] == [int(wanted)]]  # "02-ros2" is 2
            if len(numbered) != 1:
                numbered = [f for f in modules if int(wanted) in _numbers(f)]
            if len(numbered) != 1:  # "Module 2: ROS 2"
                numbered = [f for f, label in modules.items() if _numbers(label or "")[:1] == [int(wanted)]]
            if len(numbered) == 1:
                return numbered[0]
        every = ", ".join(f"{f} ({label})" if label else f for f, label in list(modules.items())[:30])
        if partial and wanted and not wanted.isdigit():
            parts = [
                f for f, label in modules.items() if wanted in f.lower() or wanted in (label or "").lower()
            ]
            if len(parts) == 1:
                return parts[0]
            if parts:
                raise NotFound(
                    "module", str(name), f"That is part of several ({', '.join(parts)}): name one."
                )
        raise NotFound("module", str(name), f"Modules: {every}." if modules else "This book has no modules.")


def _numbers(text: str) -> list[int]:
    return [int(n) for n in "".join(ch if ch.isdigit() else " " for ch in text).split()]


def _visible(document: StoredDocument, staff: bool) -> bool:
    return audience.visible(document.audience, staff)


def _seen(documents: list[StoredDocument], staff: bool) -> list[StoredDocument]:
    """The documents this viewer may know exist."""
    return [d for d in documents if _visible(d, staff)]


def _compose(document: StoredDocument, sections: list[dict[str, Any]], anchor: str) -> SectionView:
    if not sections:
        raise NotFound("section", f"{document.path}#{anchor}")
    if anchor:
        start = next((i for i, s in enumerate(sections) if s["anchor"] == anchor), None)
        if start is None:
            anchors = [s["anchor"] for s in sections if s["anchor"]]
            named = anchors + [s["heading"] for s in sections if s["anchor"] and s["level"] > 1]
            close = _suggest(anchor, list(dict.fromkeys(named)), "Sections like it")
            every = f"Its sections: {', '.join(anchors[:SECTIONS_LISTED])}" + (
                ", …." if len(anchors) > SECTIONS_LISTED else "."
            )
            raise NotFound("section", f"{document.path}#{anchor}", f"{close} {every}" if close else every)
        level = sections[start]["level"]
        end = next(
            (i for i in range(start + 1, len(sections)) if sections[i]["level"] <= level), len(sections)
        )
    else:
        start, end = 0, len(sections)
    top = sections[start]
    headings = json.loads(top["headings"]) if isinstance(top["headings"], str) else top["headings"]
    previous = (
        next(
            (s["anchor"] for s in reversed(sections[:start]) if s["level"] <= top["level"] and s["anchor"]),
            None,
        )
        if anchor
        else None
    )
    following = sections[end]["anchor"] if anchor and end < len(sections) else None
    return SectionView(
        path=document.path,
        title=document.title,
        heading=top["heading"],
        headings=headings,
        anchor=top["anchor"],
        level=top["level"],
        markdown="\n\n".join(s["markdown"].strip() for s in sections[start:end]),
        previous_anchor=previous,
        next_anchor=following,
        staff_only=document.staff_only,
    )


def _folded(text: str) -> str:
    """What was typed, compared as a student means it: case, punctuation and spacing ignored."""
    kept = "".join(ch if ch.isalnum() else " " for ch in text.casefold())
    return " ".join(kept.split())


def _anchor_of(sections: list[dict[str, Any]], typed: str) -> str:
    """The anchor typed, or the anchor of the one section whose heading was typed instead."""
    if not typed or any(s["anchor"] == typed for s in sections):
        return typed
    wanted = _folded(typed)
    headed = [s["anchor"] for s in sections if s["anchor"] and _folded(s["heading"]) == wanted]
    return headed[0] if len(headed) == 1 else typed


def _suggest(wanted: str, options: list[str], label: str) -> str | None:
    close = difflib.get_close_matches(wanted, options, n=3, cutoff=0.4)
    return f"{label}: {', '.join(close)}." if close else None


def _humanise(folder: str) -> str:
    return folder.replace("-", " ").replace("_", " ").strip().capitalize()
