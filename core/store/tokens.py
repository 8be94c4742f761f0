"""API tokens: only their SHA-256 is kept."""

from __future__ import annotations

import json
from datetime import datetime

from core.models.accounts import ApiToken
from core.store.database import Connection
from core.store.ids import new_id


class TokensRepository:
    def __init__(self, conn: Connection):
        self._conn = conn

    async def insert(
        self,
        user_id: str,
        name: str,
        token_hash: str,
        hint: str,
        scopes: list[str],
        expires_at: datetime | None,
        now: datetime,
        course_id: str | None = None,
    ) -> ApiToken:
        row = await self._conn.fetchrow(
            "INSERT INTO api_tokens (id, user_id, name, token_hash, hint, scopes, created_at,"
            " expires_at, course_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *",
            new_id(),
            user_id,
            name,
            token_hash,
            hint,
            json.dumps(scopes),
            now,
            expires_at,
            course_id,
        )
        return ApiToken.model_validate(row)

    async def get_by_hash(self, token_hash: str) -> tuple[ApiToken, str] | None:
        """The record and its stored hash (compared again in constant time by the caller)."""
        row = await self._conn.fetchrow("SELECT * FROM api_tokens WHERE token_hash = $1", token_hash)
        return (ApiToken.model_validate(row), row["token_hash"]) if row else None

    async def get(self, token_id: str) -> ApiToken | None:
        row = await self._conn.fetchrow("SELECT * FROM api_tokens WHERE id = $1", token_id)
        return ApiToken.model_validate(row) if row else None

    async def for_user(self, user_id: str) -> list[ApiToken]:
        rows = await self._conn.fetch(
            "SELECT * FROM api_tokens WHERE user_id = $1 ORDER BY created_at", user_id
        )
        return [ApiToken.model_validate(r) for r in rows]

    async def revoke(self, token_id: str, now: datetime) -> bool:
        changed = await self._conn.execute(
            "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            token_id,
            now,
        )
        return changed == 1

    async def touch(self, token_id: str, now: datetime, not_since: datetime) -> None:
        """Record use, at most once per interval (``not_since``), to keep reads cheap."""
        await self._conn.execute(
            "UPDATE api_tokens SET last_used_at = $2"
            " WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)",
            token_id,
            now,
            not_since,
        )

    async def delete_expired(self, before: datetime) -> int:
        return await self._conn.execute(
            "DELETE FROM api_tokens WHERE expires_at < $1 OR revoked_at < $1", before
        )
