"""One-time binding codes: only their SHA-256 is kept; a use is a single conditional UPDATE."""

from __future__ import annotations

from datetime import datetime

from core.store.database import Connection
from core.store.ids import new_id


class BindCodesRepository:
    def __init__(self, conn: Connection):
        self._conn = conn

    async def insert(self, course_id: str, code_hash: str, expires_at: datetime, now: datetime) -> str:
        code_id = new_id()
        await self._conn.execute(
            "INSERT INTO bind_codes (id, course_id, code_hash, created_at, expires_at)"
            " VALUES ($1, $2, $3, $4, $5)",
            code_id,
            course_id,
            code_hash,
            now,
            expires_at,
        )
        return code_id

    async def usable(self, course_id: str, code_hash: str, now: datetime) -> str | None:
        """The code's id when it is this course's, unused and unexpired (nothing is changed)."""
        return await self._conn.fetchval(
            "SELECT id FROM bind_codes WHERE code_hash = $1 AND course_id = $2"
            " AND used_at IS NULL AND expires_at > $3",
            code_hash,
            course_id,
            now,
        )

    async def use(self, course_id: str, code_hash: str, guild_id: str, now: datetime) -> str | None:
        """Spend the code; its id, or None when it is wrong, expired or already spent.

        One statement: of two concurrent uses, the second finds used_at set (PostgreSQL re-checks
        the row after the first commits; SQLite has one writer) and changes nothing.
        """
        row = await self._conn.fetchrow(
            "UPDATE bind_codes SET used_at = $4, used_guild_id = $3"
            " WHERE code_hash = $1 AND course_id = $2 AND used_at IS NULL AND expires_at > $4"
            " RETURNING id",
            code_hash,
            course_id,
            guild_id,
            now,
        )
        return row["id"] if row else None

    async def purge_before(self, before: datetime) -> int:
        """Codes that expired before `before` (used or not): nothing can be done with them."""
        return await self._conn.execute("DELETE FROM bind_codes WHERE expires_at < $1", before)
