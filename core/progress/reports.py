"""Instructor reports as CSV: progress per student per unit, quiz results, questions asked."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta

from core.clock import Clock, utcnow
from core.errors import InvalidInput
from core.models.accounts import Course
from core.store.session import Store

KINDS = ("progress", "quizzes", "questions")


class Reports:
    def __init__(self, store: Store, clock: Clock = utcnow):
        self._store = store
        self._clock = clock

    async def csv(self, course: Course, kind: str, days: int = 3650) -> str:
        if kind not in KINDS:
            raise InvalidInput("report", f"{kind!r} is not a report; choose one of: {', '.join(KINDS)}.")
        return await getattr(self, f"_{kind}")(course, days)

    async def _progress(self, course: Course, days: int) -> str:
        async with self._store.read() as s:
            units = await s.progress.units(course.id)
            rows = await s.progress.course_rows(course.id)
            students = await s.leaderboards.page(course.id, 1_000_000, 0)
        by_student: dict[str, dict[str, dict]] = {}
        for row in rows:
            by_student.setdefault(row["user_id"], {})[row["unit_key"]] = row
        out = _Csv(
            [
                "student",
                "discord_id",
                "unit",
                "unit_title",
                "completed",
                "completed_at",
                "completion_pct",
                "time_spent_s",
                "best_quiz_score",
                "last_quiz_score",
            ]
        )
        for student in sorted(students, key=lambda r: (r["display_name"].lower(), r["user_id"])):
            mine = by_student.get(student["user_id"], {})
            for unit in units:
                row = mine.get(unit.id, {})
                out.writer.writerow(
                    [
                        student["display_name"],
                        student["discord_id"] or "",
                        unit.id,
                        unit.title,
                        "yes" if row.get("completed") else "no",
                        _when(row.get("completed_at")),
                        row.get("completion_pct", 0),
                        row.get("time_spent_s", 0),
                        _score(row.get("best_quiz_score")),
                        _score(row.get("last_quiz_score")),
                    ]
                )
        return out.text()

    async def _quizzes(self, course: Course, days: int) -> str:
        async with self._store.read() as s:
            attempts = await s.progress.attempts(course.id)
        out = _Csv(["student", "discord_id", "unit", "quiz", "score", "answers", "submitted_at"])
        for a in attempts:
            answers = json.loads(a["answers"]) if isinstance(a["answers"], str) else a["answers"]
            out.writer.writerow(
                [
                    a["display_name"],
                    a["discord_id"] or "",
                    a["unit_key"],
                    a["quiz_source"],
                    _score(a["score"]),
                    " ".join(str(x) for x in answers),
                    _when(a["created_at"]),
                ]
            )
        return out.text()

    async def _questions(self, course: Course, days: int) -> str:
        since = self._clock() - timedelta(days=days)
        async with self._store.read() as s:
            rows = await s.conversations.questions(course.id, since)
        out = _Csv(["asked_at", "question", "covered", "answer_mode", "scope", "unit"])
        for r in rows:
            out.writer.writerow(
                [
                    _when(r["created_at"]),
                    r["question"],
                    "yes" if r["covered"] else "no",
                    r["answer_mode"] or "",
                    r["mode"],
                    r["unit"] or "",
                ]
            )
        return out.text()


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(…) leaks data).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: object) -> object:
    """The cell as text a spreadsheet shows, never runs: a leading ' before a formula start."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


class _SafeWriter:
    """csv.writer whose every cell is neutralised: students' words reach instructors' spreadsheets."""

    def __init__(self, buffer: io.StringIO):
        self._writer = csv.writer(buffer)

    def writerow(self, row: list[object]) -> None:
        self._writer.writerow([neutralised(cell) for cell in row])


class _Csv:
    def __init__(self, header: list[str]):
        self._buffer = io.StringIO()
        self.writer = _SafeWriter(self._buffer)
        self.writer.writerow(header)

    def text(self) -> str:
        return self._buffer.getvalue()


def _when(value: object) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _score(value: object) -> str:
    return "" if value is None else f"{float(value):.1f}"
