"""LLM output worth keeping, keyed so that a changed source invalidates it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from core.store.database import Connection, Row
from core.store.ids import new_id


class GeneratedRepository:
    def __init__(self, conn: Connection):
        self._conn = conn

    async def get(self, course_id: str, kind: str, cache_key: str) -> Row | None:
        return await self._conn.fetchrow(
            "SELECT * FROM generated_content WHERE course_id = $1 AND kind = $2 AND cache_key = $3",
            course_id,
            kind,
            cache_key,
        )

    async def put(
        self,
        course_id: str,
        user_id: str | None,
        kind: str,
        cache_key: str,
        source_hash: str,
        content: str,
        metadata: dict[str, Any],
        now: datetime,
        expires_at: datetime | None,
    ) -> None:
        await self._conn.execute(
            "INSERT INTO generated_content (id, course_id, user_id, kind, cache_key, source_hash,"
            " content, metadata, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            " ON CONFLICT (course_id, kind, cache_key) DO UPDATE SET source_hash = excluded.source_hash,"
            " content = excluded.content, metadata = excluded.metadata,"
            " created_at = excluded.created_at, expires_at = excluded.expires_at",
            new_id(),
            course_id,
            user_id,
            kind,
            cache_key,
            source_hash,
            content,
            json.dumps(metadata),
            now,
            expires_at,
        )

    async def purge_expired(self, now: datetime) -> int:
        return await self._conn.execute(
            "DELETE FROM generated_content WHERE expires_at IS NOT NULL AND expires_at < $1", now
        )
