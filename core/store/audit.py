"""The audit log: security events, kept 90 days; a forgotten user's rows lose the user."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from core.models.accounts import AuditEntry
from core.store.database import Connection
from core.store.ids import new_id


class AuditRepository:
    def __init__(self, conn: Connection):
        self._conn = conn

    async def record(
        self,
        event: str,
        surface: str,
        now: datetime,
        *,
        user_id: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        await self._conn.execute(
            "INSERT INTO audit_log (id, user_id, event, surface, details, created_at)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            new_id(),
            user_id,
            event,
            surface,
            json.dumps(details or {}),
            now,
        )

    async def for_user(self, user_id: str) -> list[AuditEntry]:
        rows = await self._conn.fetch(
            "SELECT * FROM audit_log WHERE user_id = $1 ORDER BY created_at", user_id
        )
        return [AuditEntry.model_validate(r) for r in rows]

    async def recent(self, limit: int = 100, event: str | None = None) -> list[AuditEntry]:
        rows = await self._conn.fetch(
            "SELECT * FROM audit_log WHERE (CAST($2 AS TEXT) IS NULL OR event = $2)"
            " ORDER BY created_at DESC LIMIT $1",
            limit,
            event,
        )
        return [AuditEntry.model_validate(r) for r in rows]

    async def purge_before(self, before: datetime) -> int:
        return await self._conn.execute("DELETE FROM audit_log WHERE created_at < $1", before)
