"""The class standing: live board reads and frozen weekly snapshots."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from core.store.database import Connection, Row
from core.store.ids import new_id

_BOARD = (
    "SELECT e.user_id, e.completion, e.quiz_average, e.reached_at, e.leaderboard_visible,"
    # the name used in the course's server (a nickname) first, else the person's own
    " COALESCE(e.display_name, u.display_name) AS display_name,"
    " (SELECT i.subject FROM identities i WHERE i.user_id = e.user_id"
    " AND i.provider = 'discord' ORDER BY i.created_at LIMIT 1) AS discord_id,"
    # a quiz average of 0 is "no quiz yet" for a student who never took one
    " EXISTS (SELECT 1 FROM quiz_attempts q WHERE q.course_id = e.course_id"
    " AND q.user_id = e.user_id) AS took_a_quiz"
    " FROM enrollments e JOIN users u ON u.id = e.user_id"
    " WHERE e.course_id = $1 AND e.role = 'student'"
)
# Best first; among equals, who got there first (never-progressed students last).
_ORDER = " ORDER BY e.completion DESC, e.quiz_average DESC, e.reached_at ASC NULLS LAST, e.user_id"


class LeaderboardsRepository:
    def __init__(self, conn: Connection):
        self._conn = conn

    async def page(self, course_id: str, limit: int, offset: int) -> list[Row]:
        return await self._conn.fetch(_BOARD + _ORDER + " LIMIT $2 OFFSET $3", course_id, limit, offset)

    async def standings_at(self, course_id: str, moment: datetime) -> list[Row]:
        """Every student enrolled by `moment`, best first, each with `changed_since`: whether their
        standing has changed after `moment` (else it is still what it was then)."""
        return await self._conn.fetch(
            _BOARD.replace("SELECT ", "SELECT COALESCE(e.reached_at > $2, FALSE) AS changed_since, ", 1)
            + " AND e.joined_at <= $2"
            + _ORDER,
            course_id,
            moment,
        )

    async def standing(self, course_id: str, user_id: str) -> Row | None:
        return await self._conn.fetchrow(_BOARD + " AND e.user_id = $2", course_id, user_id)

    async def took_a_quiz(self, course_id: str, user_id: str) -> bool:
        """Whether a student has any quiz attempt in the course: a quiz average of 0 means "no
        quiz yet" for them, not a score of 0 %."""
        return bool(
            await self._conn.fetchval(
                "SELECT COUNT(*) FROM quiz_attempts WHERE course_id = $1 AND user_id = $2",
                course_id,
                user_id,
            )
        )

    async def better_than(self, course_id: str, completion: float, quiz_average: float) -> int:
        """How many students stand strictly ahead of this standing (a rank is that plus one)."""
        return await self._conn.fetchval(
            "SELECT COUNT(*) FROM enrollments WHERE course_id = $1 AND role = 'student'"
            " AND (completion > $2 OR (completion = $2 AND quiz_average > $3))",
            course_id,
            completion,
            quiz_average,
        )

    async def students(self, course_id: str) -> int:
        return await self._conn.fetchval(
            "SELECT COUNT(*) FROM enrollments WHERE course_id = $1 AND role = 'student'", course_id
        )

    async def snapshot(self, course_id: str, week_start: str) -> list[dict[str, Any]] | None:
        value = await self._conn.fetchval(
            "SELECT rows FROM leaderboard_snapshots WHERE course_id = $1 AND week_start = $2",
            course_id,
            week_start,
        )
        if value is None:
            return None
        return json.loads(value) if isinstance(value, str) else value

    async def save_snapshot(
        self, course_id: str, week_start: str, rows: list[dict[str, Any]], now: datetime
    ) -> bool:
        """Freeze a week once: a second process freezing the same week changes nothing."""
        return (
            await self._conn.execute(
                "INSERT INTO leaderboard_snapshots (id, course_id, week_start, rows, created_at)"
                " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (course_id, week_start) DO NOTHING",
                new_id(),
                course_id,
                week_start,
                json.dumps(rows, default=str),
                now,
            )
            == 1
        )

    async def snapshots_with(self, user_id: str) -> list[dict[str, Any]]:
        """Every frozen board the user is on: id, course slug, week and its rows."""
        rows = await self._conn.fetch(
            "SELECT s.id, c.slug AS course, s.week_start, s.rows FROM leaderboard_snapshots s"
            " JOIN courses c ON c.id = s.course_id"
            " WHERE CAST(s.rows AS TEXT) LIKE '%' || CAST($1 AS TEXT) || '%' ORDER BY s.week_start",
            user_id,
        )
        found = []
        for r in rows:
            board = json.loads(r["rows"]) if isinstance(r["rows"], str) else r["rows"]
            if any(row.get("user_id") == user_id for row in board):
                found.append({**r, "rows": board})
        return found

    async def rewrite_snapshot(self, snapshot_id: str, rows: list[dict[str, Any]]) -> None:
        await self._conn.execute(
            "UPDATE leaderboard_snapshots SET rows = $2 WHERE id = $1",
            snapshot_id,
            json.dumps(rows, default=str),
        )

    async def hidden_students(self, course_id: str) -> set[str]:
        """Who has hidden themselves in this course now (few, so read whole)."""
        rows = await self._conn.fetch(
            "SELECT user_id FROM enrollments WHERE course_id = $1 AND NOT leaderboard_visible", course_id
        )
        return {r["user_id"] for r in rows}

    async def weeks(self, course_id: str) -> list[str]:
        rows = await self._conn.fetch(
            "SELECT week_start FROM leaderboard_snapshots WHERE course_id = $1 ORDER BY week_start DESC",
            course_id,
        )
        return [r["week_start"] for r in rows]


class RecommendationsRepository:
    def __init__(self, conn: Connection):
        self._conn = conn

    async def save(
        self, user_id: str, course_id: str, items: list[tuple[str, float, str]], now: datetime, keep: int
    ) -> None:
        """Store new recommendations and keep only the latest `keep` of this user's in the course."""
        await self._conn.executemany(
            "INSERT INTO recommendations (id, user_id, course_id, chapter, score, reason, created_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [(new_id(), user_id, course_id, chapter, score, reason, now) for chapter, score, reason in items],
        )
        await self._conn.execute(
            "DELETE FROM recommendations WHERE user_id = $1 AND course_id = $2 AND id NOT IN"
            " (SELECT id FROM recommendations WHERE user_id = $1 AND course_id = $2"
            " ORDER BY created_at DESC, score DESC LIMIT $3)",
            user_id,
            course_id,
            keep,
        )

    async def latest(self, user_id: str, course_id: str) -> list[Row]:
        return await self._conn.fetch(
            "SELECT chapter, score, reason, dismissed, created_at FROM recommendations"
            " WHERE user_id = $1 AND course_id = $2 ORDER BY created_at DESC, score DESC",
            user_id,
            course_id,
        )

    async def dismissed(self, user_id: str, course_id: str) -> set[str]:
        rows = await self._conn.fetch(
            "SELECT DISTINCT chapter FROM recommendations"
            " WHERE user_id = $1 AND course_id = $2 AND dismissed",
            user_id,
            course_id,
        )
        return {r["chapter"] for r in rows}

    async def dismiss(self, user_id: str, course_id: str, chapter: str) -> int:
        return await self._conn.execute(
            "UPDATE recommendations SET dismissed = TRUE"
            " WHERE user_id = $1 AND course_id = $2 AND chapter = $3",
            user_id,
            course_id,
            chapter,
        )
