"""Units, quizzes, reading and unit progress, quiz attempts, and each enrollment's standing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from core.models.progress import StoredQuiz, Unit
from core.store.database import Connection, Row
from core.store.ids import new_id, new_ordered_id


class ProgressRepository:
    def __init__(self, conn: Connection):
        self._conn = conn

    # units and quizzes (replaced whole on each ingest)

    async def replace_units(self, course_id: str, units: Sequence[Unit]) -> None:
        await self._conn.execute("DELETE FROM units WHERE course_id = $1", course_id)
        await self._conn.executemany(
            "INSERT INTO units (id, course_id, unit_key, title, kind, position, chapters)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [(new_id(), course_id, u.id, u.title, u.kind, u.position, json.dumps(u.chapters)) for u in units],
        )

    async def units(self, course_id: str) -> list[Unit]:
        rows = await self._conn.fetch(
            "SELECT unit_key AS id, title, kind, position, chapters FROM units WHERE course_id = $1"
            " ORDER BY position",
            course_id,
        )
        return [Unit.model_validate(r) for r in rows]

    async def replace_file_quizzes(
        self, course_id: str, quizzes: Sequence[dict[str, Any]], now: datetime
    ) -> None:
        await self._conn.execute("DELETE FROM quizzes WHERE course_id = $1 AND source = 'file'", course_id)
        await self._conn.executemany(
            "INSERT INTO quizzes (id, course_id, unit_key, source, title, questions, source_hash, created_at)"
            " VALUES ($1, $2, $3, 'file', $4, $5, $6, $7)",
            [
                (
                    new_id(),
                    course_id,
                    q["unit_key"],
                    q["title"],
                    json.dumps(q["questions"]),
                    q["source_hash"],
                    now,
                )
                for q in quizzes
            ],
        )

    async def save_generated_quiz(
        self,
        course_id: str,
        unit_key: str,
        title: str,
        questions: list[dict],
        source_hash: str,
        now: datetime,
        *,
        published: bool = False,
    ) -> None:
        """Store the unit's generated quiz (one per unit), a draft unless said otherwise."""
        await self._conn.execute(
            "INSERT INTO quizzes (id, course_id, unit_key, source, title, questions, source_hash, created_at,"
            " published) VALUES ($1, $2, $3, 'generated', $4, $5, $6, $7, $8)"
            " ON CONFLICT (course_id, unit_key, source) DO UPDATE SET title = excluded.title,"
            " questions = excluded.questions, source_hash = excluded.source_hash,"
            " created_at = excluded.created_at, published = excluded.published",
            new_id(),
            course_id,
            unit_key,
            title,
            json.dumps(questions),
            source_hash,
            now,
            published,
        )

    async def publish_generated_quiz(self, course_id: str, unit_key: str) -> int:
        return await self._conn.execute(
            "UPDATE quizzes SET published = TRUE"
            " WHERE course_id = $1 AND unit_key = $2 AND source = 'generated'",
            course_id,
            unit_key,
        )

    async def delete_generated_quiz(self, course_id: str, unit_key: str) -> int:
        return await self._conn.execute(
            "DELETE FROM quizzes WHERE course_id = $1 AND unit_key = $2 AND source = 'generated'",
            course_id,
            unit_key,
        )

    async def quizzes(self, course_id: str, unit_key: str) -> list[StoredQuiz]:
        rows = await self._conn.fetch(
            "SELECT unit_key, source, title, questions, source_hash, published FROM quizzes"
            " WHERE course_id = $1 AND unit_key = $2 ORDER BY source",
            course_id,
            unit_key,
        )
        return [StoredQuiz.model_validate(r) for r in rows]

    # reading and unit progress

    async def record_reading(
        self,
        user_id: str,
        course_id: str,
        chapter: str,
        pct: int,
        seconds: int,
        now: datetime,
        spans: list[list[int]] | None = None,
    ) -> Row:
        """Completion only rises and time only grows, in one statement (safe when concurrent).
        `spans`, when given, replaces the stretches read (the caller merged them with the old)."""
        return await self._conn.fetchrow(
            "INSERT INTO reading_progress (id, user_id, course_id, chapter, completion_pct, time_spent_s,"
            " updated_at, read_spans) VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8, '[]'))"
            " ON CONFLICT (user_id, course_id, chapter)"
            " DO UPDATE SET completion_pct = CASE"
            " WHEN excluded.completion_pct > reading_progress.completion_pct"
            " THEN excluded.completion_pct ELSE reading_progress.completion_pct END,"
            " time_spent_s = reading_progress.time_spent_s + excluded.time_spent_s,"
            " read_spans = COALESCE($8, reading_progress.read_spans),"
            " updated_at = excluded.updated_at RETURNING *",
            new_id(),
            user_id,
            course_id,
            chapter,
            pct,
            seconds,
            now,
            json.dumps(spans) if spans is not None else None,
        )

    async def read_spans(self, user_id: str, course_id: str, chapter: str) -> list[list[int]]:
        """The stretches of `chapter` read so far ([start, end] offsets); [] when none."""
        raw = await self._conn.fetchval(
            "SELECT read_spans FROM reading_progress WHERE user_id = $1 AND course_id = $2 AND chapter = $3",
            user_id,
            course_id,
            chapter,
        )
        return json.loads(raw) if raw else []

    async def reading(self, user_id: str, course_id: str) -> list[Row]:
        return await self._conn.fetch(
            "SELECT chapter, completion_pct, time_spent_s FROM reading_progress"
            " WHERE user_id = $1 AND course_id = $2 ORDER BY chapter",
            user_id,
            course_id,
        )

    async def unit_rows(self, user_id: str, course_id: str) -> list[Row]:
        return await self._conn.fetch(
            "SELECT * FROM progress WHERE user_id = $1 AND course_id = $2", user_id, course_id
        )

    async def save_unit(
        self,
        user_id: str,
        course_id: str,
        unit_key: str,
        now: datetime,
        *,
        completion_pct: int | None = None,
        completed: bool | None = None,
        add_seconds: int = 0,
        quiz_score: float | None = None,
    ) -> None:
        """Upsert one unit's progress. Completion never falls; completed_at is set once, on completion."""
        await self._conn.execute(
            "INSERT INTO progress (id, user_id, course_id, unit_key, completed, completed_at, completion_pct,"
            " time_spent_s, best_quiz_score, last_quiz_score, updated_at)"
            " VALUES ($1, $2, $3, $4, COALESCE($5, FALSE), $10, COALESCE($6, 0), $7, $8,"
            " $8, $9) ON CONFLICT (user_id, course_id, unit_key) DO UPDATE SET"
            " completed = COALESCE($5, progress.completed),"
            " completed_at = CASE WHEN $5 IS NULL THEN progress.completed_at WHEN $5 THEN"
            " COALESCE(progress.completed_at, $10) ELSE NULL END,"
            " completion_pct = CASE WHEN COALESCE($6, 0) > progress.completion_pct THEN $6"
            " ELSE progress.completion_pct END,"
            " time_spent_s = progress.time_spent_s + $7,"
            " best_quiz_score = CASE WHEN $8 IS NULL THEN progress.best_quiz_score"
            " WHEN progress.best_quiz_score IS NULL OR $8 > progress.best_quiz_score THEN $8"
            " ELSE progress.best_quiz_score END,"
            " last_quiz_score = COALESCE($8, progress.last_quiz_score), updated_at = $9",
            new_id(),
            user_id,
            course_id,
            unit_key,
            completed,
            completion_pct,
            add_seconds,
            quiz_score,
            now,
            now if completed else None,  # when it was completed, if this update completes it
        )

    async def add_attempt(
        self,
        user_id: str,
        course_id: str,
        unit_key: str,
        source: str,
        score: float,
        answers: list[int],
        now: datetime,
        *,
        revision: str | None = None,
        submission_key: str | None = None,
    ) -> bool:
        """Record an attempt; False (and nothing recorded) when this submission is already in. One
        statement against the unique index, so two identical submissions at once record one."""
        row = await self._conn.fetchrow(
            "INSERT INTO quiz_attempts (id, user_id, course_id, unit_key, quiz_source, score, answers,"
            " created_at, quiz_revision, submission_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            " ON CONFLICT (user_id, course_id, submission_key) DO NOTHING RETURNING id",
            new_ordered_id(),
            user_id,
            course_id,
            unit_key,
            source,
            score,
            json.dumps(answers),
            now,
            revision,
            submission_key,
        )
        return row is not None

    async def unit_attempts(self, course_id: str, unit_key: str) -> list[Row]:
        """A unit's attempts by the course's students (not its staff), with their names here."""
        return await self._conn.fetch(
            "SELECT a.user_id, a.score, a.answers, a.quiz_revision,"
            " COALESCE(e.display_name, u.display_name) AS display_name"
            " FROM quiz_attempts a JOIN enrollments e ON e.user_id = a.user_id AND e.course_id = a.course_id"
            " JOIN users u ON u.id = a.user_id"
            " WHERE a.course_id = $1 AND a.unit_key = $2 AND e.role = 'student' ORDER BY a.created_at, a.id",
            course_id,
            unit_key,
        )

    # standing (denormalised onto the enrollment for the leaderboard)

    async def set_standing(
        self, user_id: str, course_id: str, completion: float, quiz_average: float, now: datetime
    ) -> None:
        """Store the standing; `reached_at` moves only when the standing changes."""
        await self._conn.execute(
            "UPDATE enrollments SET reached_at = CASE WHEN completion <> $3 OR quiz_average <> $4"
            " THEN $5 ELSE reached_at END, completion = $3, quiz_average = $4"
            " WHERE user_id = $1 AND course_id = $2",
            user_id,
            course_id,
            completion,
            quiz_average,
            now,
        )

    async def import_unit_progress(self, course_id: str, rows: Sequence[tuple]) -> None:
        """Bulk-load unit progress: (user_id, unit_key, completed, completed_at, completion_pct,
        best_quiz_score, last_quiz_score, updated_at) — e.g. moved over from another system."""
        await self._conn.executemany(
            "INSERT INTO progress (id, user_id, course_id, unit_key, completed, completed_at, completion_pct,"
            " best_quiz_score, last_quiz_score, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            " ON CONFLICT (user_id, course_id, unit_key) DO NOTHING",
            [(new_id(), r[0], course_id, *r[1:]) for r in rows],
        )

    async def all_unit_rows(self, course_id: str) -> list[Row]:
        return await self._conn.fetch(
            "SELECT user_id, unit_key, completed, completion_pct, best_quiz_score, updated_at FROM progress"
            " WHERE course_id = $1",
            course_id,
        )

    async def unit_rows_until(self, course_id: str, moment: datetime) -> list[Row]:
        """The course's unit rows last changed by `moment` (so still as they were then)."""
        return await self._conn.fetch(
            "SELECT user_id, unit_key, completed, completion_pct, best_quiz_score, updated_at FROM progress"
            " WHERE course_id = $1 AND updated_at <= $2",
            course_id,
            moment,
        )

    async def set_standings(self, course_id: str, standings: Sequence[tuple[str, float, float, Any]]) -> None:
        """(user_id, completion, quiz_average, reached_at) for many students at once."""
        await self._conn.executemany(
            "UPDATE enrollments SET completion = $3, quiz_average = $4, reached_at = $5"
            " WHERE user_id = $1 AND course_id = $2",
            [
                (user_id, course_id, completion, quiz, reached)
                for user_id, completion, quiz, reached in standings
            ],
        )

    # reports

    async def course_rows(self, course_id: str) -> list[Row]:
        return await self._conn.fetch(
            "SELECT p.*, COALESCE(e.display_name, u.display_name) AS display_name,"
            " i.subject AS discord_id FROM progress p"
            " JOIN users u ON u.id = p.user_id"
            " LEFT JOIN enrollments e ON e.user_id = p.user_id AND e.course_id = p.course_id"
            " LEFT JOIN identities i ON i.user_id = p.user_id AND i.provider = 'discord'"
            " WHERE p.course_id = $1 ORDER BY u.display_name, p.user_id, p.unit_key",
            course_id,
        )

    async def attempts(self, course_id: str) -> list[Row]:
        return await self._conn.fetch(
            "SELECT a.unit_key, a.quiz_source, a.score, a.answers, a.created_at,"
            " COALESCE(e.display_name, u.display_name) AS display_name,"
            " i.subject AS discord_id FROM quiz_attempts a JOIN users u ON u.id = a.user_id"
            " LEFT JOIN enrollments e ON e.user_id = a.user_id AND e.course_id = a.course_id"
            " LEFT JOIN identities i ON i.user_id = a.user_id AND i.provider = 'discord'"
            " WHERE a.course_id = $1 ORDER BY a.created_at, a.id",
            course_id,
        )
