"""Courses and the Discord guilds bound to them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from core.models.accounts import Course, GuildBinding
from core.store.database import Connection
from core.store.ids import new_id

# Settings an instructor may change; the names are columns of `courses`.
COURSE_SETTINGS = (
    "name",
    "welcome_text",
    "llm_model",
    "answer_style",
    "answer_mode",
    "hourly_question_quota",
    "is_active",
    "leaderboard_day",
    "book_url",
    "book_path",
    "staff_only",
    "book_path_by_operator",
    "self_marked_counts",
    "answer_threads",
)
# Settings stored as JSON.
_JSON_SETTINGS = frozenset({"staff_only"})


class CoursesRepository:
    def __init__(self, conn: Connection):
        self._conn = conn

    async def insert_if_absent(self, slug: str, name: str, now: datetime) -> Course | None:
        """Create the course; None when the slug is taken (decided by the UNIQUE constraint)."""
        row = await self._conn.fetchrow(
            "INSERT INTO courses (id, slug, name, created_at, updated_at)"
            " VALUES ($1, $2, $3, $4, $4) ON CONFLICT (slug) DO NOTHING RETURNING *",
            new_id(),
            slug,
            name,
            now,
        )
        return Course.model_validate(row) if row else None

    async def get(self, course_id: str) -> Course | None:
        row = await self._conn.fetchrow("SELECT * FROM courses WHERE id = $1", course_id)
        return Course.model_validate(row) if row else None

    async def get_by_slug(self, slug: str) -> Course | None:
        row = await self._conn.fetchrow("SELECT * FROM courses WHERE slug = $1", slug)
        return Course.model_validate(row) if row else None

    async def list(self) -> list[Course]:
        rows = await self._conn.fetch("SELECT * FROM courses ORDER BY slug")
        return [Course.model_validate(r) for r in rows]

    async def update(self, course_id: str, changes: dict[str, Any], now: datetime) -> Course | None:
        unknown = set(changes) - set(COURSE_SETTINGS)
        if unknown:
            raise ValueError(f"not course settings: {sorted(unknown)}")
        # Column names come from the fixed list above, never from user text.
        assignments = ", ".join(f"{col} = ${i}" for i, col in enumerate(changes, start=3))
        row = await self._conn.fetchrow(
            f"UPDATE courses SET updated_at = $2, {assignments} WHERE id = $1 RETURNING *",
            course_id,
            now,
            *(json.dumps(v) if k in _JSON_SETTINGS else v for k, v in changes.items()),
        )
        return Course.model_validate(row) if row else None

    async def bind_guild(self, course_id: str, guild_id: str, now: datetime) -> None:
        """A guild maps to one course: binding again moves it."""
        await self._conn.execute(
            "INSERT INTO course_guilds (guild_id, course_id, bound_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (guild_id) DO UPDATE SET course_id = excluded.course_id,"
            " bound_at = excluded.bound_at",
            guild_id,
            course_id,
            now,
        )

    async def get_by_guild(self, guild_id: str) -> Course | None:
        row = await self._conn.fetchrow(
            "SELECT c.* FROM courses c JOIN course_guilds g ON g.course_id = c.id WHERE g.guild_id = $1",
            guild_id,
        )
        return Course.model_validate(row) if row else None

    async def guild_ids(self, course_id: str) -> list[str]:
        rows = await self._conn.fetch(
            "SELECT guild_id FROM course_guilds WHERE course_id = $1 ORDER BY bound_at", course_id
        )
        return [r["guild_id"] for r in rows]

    async def binding(self, guild_id: str) -> GuildBinding | None:
        row = await self._conn.fetchrow("SELECT * FROM course_guilds WHERE guild_id = $1", guild_id)
        return GuildBinding.model_validate(row) if row else None

    async def set_leaderboard_channel(self, guild_id: str, channel_id: str | None) -> bool:
        changed = await self._conn.execute(
            "UPDATE course_guilds SET leaderboard_channel_id = $2 WHERE guild_id = $1", guild_id, channel_id
        )
        return changed == 1

    async def release_weekly_post(self, guild_id: str, week: str, previous: str | None) -> None:
        """Back to `previous`, only while `week` is still the claimed one."""
        await self._conn.execute(
            "UPDATE course_guilds SET last_posted_week = $3 WHERE guild_id = $1 AND last_posted_week = $2",
            guild_id,
            week,
            previous,
        )

    async def set_staff_channel(self, guild_id: str, channel_id: str | None) -> bool:
        changed = await self._conn.execute(
            "UPDATE course_guilds SET staff_channel_id = $2 WHERE guild_id = $1", guild_id, channel_id
        )
        return changed == 1

    async def claim_weekly_post(self, guild_id: str, week: str) -> bool:
        """Mark `week` as posted in this guild; False when someone (another shard, a restart) already did."""
        changed = await self._conn.execute(
            "UPDATE course_guilds SET last_posted_week = $2"
            " WHERE guild_id = $1 AND leaderboard_channel_id IS NOT NULL"
            " AND (last_posted_week IS NULL OR last_posted_week < $2)",
            guild_id,
            week,
        )
        return changed == 1
