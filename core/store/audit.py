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

    async def mentioning(self, user_id: str, texts: list[str]) -> list[dict[str, Any]]:
        """The user's own rows and every row whose details contain one of `texts` (a superset:
        LIKE's wildcards only widen it; the caller checks each value)."""
        sql = "SELECT id, user_id, details FROM audit_log WHERE user_id = $1"
        args: list[Any] = [user_id]
        for text in texts:
            args.append(text)
            sql += f" OR CAST(details AS TEXT) LIKE '%' || CAST(${len(args)} AS TEXT) || '%'"
        rows = await self._conn.fetch(sql, *args)
        return [
            {**r, "details": json.loads(r["details"]) if isinstance(r["details"], str) else r["details"]}
            for r in rows
        ]

    async def set_details(self, entry_id: str, details: dict[str, Any]) -> None:
        await self._conn.execute(
            "UPDATE audit_log SET details = $2 WHERE id = $1", entry_id, json.dumps(details)
        )

    async def purge_before(self, before: datetime) -> int:
        return await self._conn.execute("DELETE FROM audit_log WHERE created_at < $1", before)
