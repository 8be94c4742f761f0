"""What a course's progress takes from its book at each ingest: its units and its quizzes."""

from __future__ import annotations

from pathlib import Path

from core.books.ingest import IngestReport
from core.models.accounts import Course
from core.progress.quiz_files import load_quizzes
from core.progress.quizzes import Quizzes
from core.progress.syllabus import SyllabusError, load_syllabus
from core.progress.tracking import Tracking
from core.progress.units import derive_units
from core.store.session import Store


class ProgressFromBook:
    def __init__(self, store: Store, quizzes: Quizzes, tracking: Tracking):
        self._store = store
        self._quizzes = quizzes
        self._tracking = tracking

    async def __call__(self, course: Course, root: Path, report: IngestReport) -> None:
        """Derive the units, load the quiz files; problems join the report's failures (file:line: …)."""
        async with self._store.read() as s:
            documents = await s.books.documents(course.id)
            sections = {d.path: [r["anchor"] for r in await s.books.sections(d.id)] for d in documents}
        refs = set(sections) | {
            f"{path}#{anchor}" for path, anchors in sections.items() for anchor in anchors
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
