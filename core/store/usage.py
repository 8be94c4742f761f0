"""Usage counters for instructors."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from core.store.database import Connection
from core.store.ids import new_id


class UsageRepository:
    def __init__(self, conn: Connection):
        self._conn = conn

    async def record(
        self,
        course_id: str,
        user_id: str | None,
        now: datetime,
        events: Iterable[tuple[str, int, str | None]],
        metadata: dict[str, Any] | None = None,
    ) -> None:
        """Record (metric, value, subject) events in one go."""
        meta = json.dumps(metadata or {})
        await self._conn.executemany(
            "INSERT INTO usage_events (id, course_id, user_id, metric, subject, value, metadata,"
            " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            [
                (new_id(), course_id, user_id, metric, subject, value, meta, now)
                for metric, value, subject in events
            ],
        )

    async def totals(self, course_id: str, since: datetime) -> dict[str, int]:
        rows = await self._conn.fetch(
            "SELECT metric, SUM(value) AS total FROM usage_events WHERE course_id = $1"
            " AND created_at >= $2 GROUP BY metric",
            course_id,
            since,
        )
        return {r["metric"]: int(r["total"]) for r in rows}

    async def by_subject(
        self, course_id: str, metric: str, since: datetime, limit: int
    ) -> list[tuple[str, int]]:
        rows = await self._conn.fetch(
            "SELECT subject, SUM(value) AS total FROM usage_events WHERE course_id = $1"
            " AND metric = $2 AND created_at >= $3 AND subject IS NOT NULL GROUP BY subject"
            " ORDER BY total DESC, subject LIMIT $4",
            course_id,
            metric,
            since,
            limit,
        )
        return [(r["subject"], int(r["total"])) for r in rows]

    async def purge_before(self, before: datetime) -> int:
        return await self._conn.execute("DELETE FROM usage_events WHERE created_at < $1", before)
