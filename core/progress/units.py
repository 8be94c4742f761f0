"""The units of a course, from its book: weeks (a syllabus file, or `week:` in front matter),
else the book's modules (top-level folders in sidebar order), each with its chapters."""

from __future__ import annotations

from collections.abc import Sequence

from core.models.books import StoredDocument
from core.models.progress import Unit

INTRODUCTION = "introduction"  # the unit of a module-less book's root pages


def derive_units(documents: Sequence[StoredDocument], syllabus: Sequence | None = None) -> list[Unit]:
    """`syllabus`: weeks with `week`, `title` and `chapters` (core.progress.syllabus), or None.

    Staff-only pages belong to no unit: no student's unit or completion counts them, whatever the
    syllabus lists (a week of staff pages alone is no unit)."""
    ordered = sorted(documents, key=lambda d: (d.position, d.path))
    ready = [d for d in ordered if d.status != "error" and not d.staff_only]
    if syllabus:
        hidden = {d.path for d in documents if d.staff_only}
        in_order = sorted(syllabus, key=lambda w: w.week)
        listed = [(w, [c for c in w.chapters if c not in hidden]) for w in in_order]
        kept = [(w, chapters) for w, chapters in listed if chapters]  # a week of staff pages alone: gone
        return [
            Unit(
                id=f"week-{w.week}",
                title=w.title or f"Week {w.week}",
                kind="week",
                position=i,
                chapters=chapters,
            )
            for i, (w, chapters) in enumerate(kept)
        ]
    weeks: dict[int, list[StoredDocument]] = {}
    for d in ready:
        if d.week is not None:
            weeks.setdefault(d.week, []).append(d)
    if weeks:
        return [
            Unit(
                id=f"week-{week}",
                title=_week_title(week, docs),
                kind="week",
                position=i,
                chapters=[d.path for d in docs],
            )
            for i, (week, docs) in enumerate(sorted(weeks.items()))
        ]
    modules: dict[str, list[StoredDocument]] = {}
    labels: dict[str, str] = {}
    for d in ready:
        key = d.module or INTRODUCTION
        modules.setdefault(key, []).append(d)
        labels.setdefault(key, d.module_label or _humanise(key))
    return [
        Unit(id=_unit_id(key), title=labels[key], kind="module", position=i, chapters=[d.path for d in docs])
        for i, (key, docs) in enumerate(modules.items())
    ]


def _week_title(week: int, documents: list[StoredDocument]) -> str:
    titles = ", ".join(d.title for d in documents[:2]) + (" …" if len(documents) > 2 else "")
    return f"Week {week}: {titles}"[:255]


def _unit_id(folder: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in folder.lower()).strip("-_")
    return (cleaned or "unit")[:64]


def _humanise(folder: str) -> str:
    if folder == INTRODUCTION:
        return "Introduction and guides"
    return folder.replace("-", " ").replace("_", " ").strip().capitalize()
