"""Fixed-window counters shared by every process through the database."""

from __future__ import annotations

from datetime import datetime

from core.store.database import Connection
from core.store.ids import new_id


class QuotasRepository:
    def __init__(self, conn: Connection):
        self._conn = conn

    async def take(
        self, user_id: str, course_id: str, bucket: str, window_start: datetime, limit: int
    ) -> int | None:
        """Count one use in the window; the new count, or None when the limit is already reached.

        One statement: the row lock of ON CONFLICT DO UPDATE makes it safe across processes.
        """
        row = await self._conn.fetchrow(
            "INSERT INTO rate_limit_windows (id, user_id, course_id, bucket, window_start, count)"
            " VALUES ($1, $2, $3, $4, $5, 1)"
            " ON CONFLICT (user_id, course_id, bucket, window_start) DO UPDATE"
            " SET count = rate_limit_windows.count + 1 WHERE rate_limit_windows.count < $6"
            " RETURNING count",
            new_id(),
            user_id,
            course_id,
            bucket,
            window_start,
            limit,
        )
        return None if row is None else int(row["count"])

    async def give_back(self, user_id: str, course_id: str, bucket: str, window_start: datetime) -> None:
        """Undo one use in the window (the work it paid for failed)."""
        await self._conn.execute(
            "UPDATE rate_limit_windows SET count = count - 1 WHERE user_id = $1 AND course_id = $2"
            " AND bucket = $3 AND window_start = $4 AND count > 0",
            user_id,
            course_id,
            bucket,
            window_start,
        )

    async def used(self, user_id: str, course_id: str, bucket: str, window_start: datetime) -> int:
        value = await self._conn.fetchval(
            "SELECT count FROM rate_limit_windows WHERE user_id = $1 AND course_id = $2"
            " AND bucket = $3 AND window_start = $4",
            user_id,
            course_id,
            bucket,
            window_start,
        )
        return int(value or 0)

    async def purge_before(self, before: datetime) -> int:
        return await self._conn.execute("DELETE FROM rate_limit_windows WHERE window_start < $1", before)
