"""Failed bearer-token attempts per client and minute: one upserted row, never a row per request."""

from __future__ import annotations

from datetime import datetime

from core.store.database import Connection


class AuthFailuresRepository:
    def __init__(self, conn: Connection):
        self._conn = conn

    async def add(self, client: str, window_start: datetime, reason: str) -> None:
        await self._conn.execute(
            "INSERT INTO auth_failures (client, window_start, count, last_reason) VALUES ($1, $2, 1, $3)"
            " ON CONFLICT (client, window_start) DO UPDATE"
            " SET count = auth_failures.count + 1, last_reason = $3",
            client,
            window_start,
            reason,
        )

    async def since(self, client: str, start: datetime) -> list[tuple[datetime, int]]:
        """(minute, failures) for the client from `start` on, oldest first."""
        rows = await self._conn.fetch(
            "SELECT window_start, count FROM auth_failures WHERE client = $1 AND window_start >= $2"
            " ORDER BY window_start",
            client,
            start,
        )
        return [(_moment(r["window_start"]), int(r["count"])) for r in rows]

    async def purge_before(self, before: datetime) -> int:
        return await self._conn.execute("DELETE FROM auth_failures WHERE window_start < $1", before)


def _moment(value: datetime | str) -> datetime:
    """SQLite hands timestamps back as ISO text, PostgreSQL as datetimes."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value
