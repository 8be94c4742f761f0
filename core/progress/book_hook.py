"""What a course's progress takes from its book at each ingest: its units and its quizzes."""

from __future__ import annotations

import logging
from pathlib import Path

from core.books.ingest import IngestReport
from core.models.accounts import Course
from core.progress.quiz_files import load_quizzes
from core.progress.quizzes import Quizzes
from core.progress.syllabus import SyllabusError, load_syllabus
from core.progress.tracking import Tracking
from core.progress.units import derive_units
from core.store.session import Store

log = logging.getLogger(__name__)


class ProgressFromBook:
    def __init__(self, store: Store, quizzes: Quizzes, tracking: Tracking):
        self._store = store
        self._quizzes = quizzes
        self._tracking = tracking

    async def refresh(self, course: Course) -> IngestReport:
        """Units and quizzes again from the stored book and its folder (after pages changed audience),
        as the last ingest would have made them; problems are logged."""
        async with self._store.read() as s:
            state = await s.books.state(course.id)
        report = IngestReport(course=course.slug)
        root = Path(state.book_path) if state and state.book_path else None
        if root is not None and root.is_dir():
            await self(course, root, report)
        else:  # the folder is gone: keep the units and quizzes, less what students may no longer see
            await self._without_staff_pages(course)
        for _, error in report.failed:
            log.warning("course %s: %s", course.slug, error)
        return report

    async def _without_staff_pages(self, course: Course) -> None:
        async with self._store.transaction() as s:
            hidden = {d.path for d in await s.books.documents(course.id) if d.staff_only}
            before = await s.progress.units(course.id)
            units = [
                u.model_copy(update={"chapters": [c for c in u.chapters if c not in hidden]})
                for u in before
                if not u.chapters or any(c not in hidden for c in u.chapters)
            ]
            if units != before:
                await s.progress.replace_units(course.id, units)
        if units != before:
            await self._tracking.recompute_standings(course)

    async def __call__(self, course: Course, root: Path, report: IngestReport) -> None:
        """Derive the units, load the quiz files; problems join the report's failures (file:line: …)."""
        async with self._store.read() as s:
            documents = await s.books.documents(course.id)
            sections = {d.path: [r["anchor"] for r in await s.books.sections(d.id)] for d in documents}
        # A quiz may point students only to pages they can read: a staff-only section is no reference.
        readable = {d.path for d in documents if not d.staff_only}
        refs = {p for p in sections if p in readable} | {
            f"{path}#{anchor}" for path, anchors in sections.items() if path in readable for anchor in anchors
        }
        syllabus = None
        try:
            syllabus = load_syllabus(root, known=sections.__contains__)
        except SyllabusError as err:  # reported; the units then come from the book itself
            report.failed.append((err.path, str(err)))
        units = derive_units(documents, syllabus)
        async with self._store.transaction() as s:
            before = await s.progress.units(course.id)
            await s.progress.replace_units(course.id, units)
        if before != units:  # completion percentages depend on the units
            await self._tracking.recompute_standings(course)
        known_units = {u.id for u in units}
        quizzes, errors = load_quizzes(root, known=refs.__contains__)
        for error in errors:
            report.failed.append((getattr(error, "path", "quizzes"), str(error)))
        usable = []
        for quiz in quizzes:
            if quiz.unit_id in known_units:
                usable.append(quiz)
            else:
                report.failed.append(
                    (
                        quiz.source,
                        f"{quiz.source}: no unit {quiz.unit_id!r} in this book "
                        f"(units: {', '.join(sorted(known_units))})",
                    )
                )
        await self._quizzes.load_from_book(course, usable)
