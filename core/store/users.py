"""Users, the identities they are known by, and their profiles (one aggregate)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from core.models.accounts import Identity, Profile, User
from core.store.database import Connection
from core.store.ids import new_id

PROFILE_FIELDS = (
    "experience_level",
    "programming_languages",
    "frameworks",
    "available_hardware",
    "robotics_hardware",
    "interests",
    "difficulty_preference",
    "learning_path",
    "preferred_language",
    "leaderboard_visible",
    "completed_at",
)
_JSON_FIELDS = {"programming_languages", "frameworks", "available_hardware", "robotics_hardware", "interests"}


class UsersRepository:
    def __init__(self, conn: Connection):
        self._conn = conn

    async def insert(self, display_name: str, now: datetime, email: str | None = None) -> User:
        row = await self._conn.fetchrow(
            "INSERT INTO users (id, display_name, email, created_at, updated_at)"
            " VALUES ($1, $2, $3, $4, $4) RETURNING *",
            new_id(),
            display_name,
            email,
            now,
        )
        return User.model_validate(row)

    async def get(self, user_id: str) -> User | None:
        row = await self._conn.fetchrow("SELECT * FROM users WHERE id = $1", user_id)
        return User.model_validate(row) if row else None

    async def get_by_email(self, email: str) -> User | None:
        row = await self._conn.fetchrow("SELECT * FROM users WHERE email = $1", email)
        return User.model_validate(row) if row else None

    async def update(
        self, user_id: str, now: datetime, *, display_name: str | None = None, email: str | None = None
    ) -> User | None:
        row = await self._conn.fetchrow(
            "UPDATE users SET display_name = COALESCE($2, display_name),"
            " email = COALESCE($3, email), updated_at = $4 WHERE id = $1 RETURNING *",
            user_id,
            display_name,
            email,
            now,
        )
        return User.model_validate(row) if row else None

    async def delete(self, user_id: str) -> bool:
        return await self._conn.execute("DELETE FROM users WHERE id = $1", user_id) == 1

    # identities

    async def get_by_identity(self, provider: str, subject: str) -> User | None:
        row = await self._conn.fetchrow(
            "SELECT u.* FROM users u JOIN identities i ON i.user_id = u.id"
            " WHERE i.provider = $1 AND i.subject = $2",
            provider,
            subject,
        )
        return User.model_validate(row) if row else None

    async def link_identity_if_absent(
        self, user_id: str, provider: str, subject: str, display_name: str | None, now: datetime
    ) -> bool:
        """Link; False when (provider, subject) already belongs to someone (first one wins)."""
        row = await self._conn.fetchrow(
            "INSERT INTO identities (id, user_id, provider, subject, display_name, created_at,"
            " last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $6)"
            " ON CONFLICT (provider, subject) DO NOTHING RETURNING id",
            new_id(),
            user_id,
            provider,
            subject,
            display_name,
            now,
        )
        return row is not None

    async def get_identity(self, provider: str, subject: str) -> Identity | None:
        row = await self._conn.fetchrow(
            "SELECT * FROM identities WHERE provider = $1 AND subject = $2", provider, subject
        )
        return Identity.model_validate(row) if row else None

    async def touch_identity(
        self, provider: str, subject: str, display_name: str | None, now: datetime
    ) -> None:
        await self._conn.execute(
            "UPDATE identities SET last_seen_at = $3, display_name = COALESCE($4, display_name)"
            " WHERE provider = $1 AND subject = $2",
            provider,
            subject,
            now,
            display_name,
        )

    async def identities(self, user_id: str) -> list[Identity]:
        rows = await self._conn.fetch(
            "SELECT * FROM identities WHERE user_id = $1 ORDER BY created_at", user_id
        )
        return [Identity.model_validate(r) for r in rows]

    # profile

    async def get_profile(self, user_id: str) -> Profile | None:
        row = await self._conn.fetchrow("SELECT * FROM user_profiles WHERE user_id = $1", user_id)
        return Profile.model_validate(row) if row else None

    async def save_profile(self, user_id: str, changes: dict[str, Any], now: datetime) -> Profile:
        """Insert or update the given profile fields in one statement (no read-then-write race)."""
        unknown = set(changes) - set(PROFILE_FIELDS)
        if unknown:
            raise ValueError(f"not profile fields: {sorted(unknown)}")
        values = [json.dumps(v) if k in _JSON_FIELDS else v for k, v in changes.items()]
        columns = ", ".join(changes)
        params = ", ".join(f"${i}" for i in range(4, 4 + len(changes)))
        updates = ", ".join(f"{col} = excluded.{col}" for col in changes)
        sql = (
            f"INSERT INTO user_profiles (id, user_id, created_at, updated_at"
            f"{', ' + columns if changes else ''}) VALUES ($1, $2, $3, $3"
            f"{', ' + params if changes else ''})"
            f" ON CONFLICT (user_id) DO UPDATE SET updated_at = excluded.updated_at"
            f"{', ' + updates if changes else ''} RETURNING *"
        )
        row = await self._conn.fetchrow(sql, new_id(), user_id, now, *values)
        return Profile.model_validate(row)
