"""Who takes which course, in which role, and whether they appear on its leaderboard."""

from __future__ import annotations

from datetime import datetime

from core.models.accounts import Enrollment
from core.store.database import Connection
from core.store.ids import new_id


class EnrollmentsRepository:
    def __init__(self, conn: Connection):
        self._conn = conn

    async def insert_if_absent(
        self, user_id: str, course_id: str, role: str, leaderboard_visible: bool, now: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO enrollments (id, user_id, course_id, role, leaderboard_visible,"
            " joined_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)"
            " ON CONFLICT (user_id, course_id) DO NOTHING",
            new_id(),
            user_id,
            course_id,
            role,
            leaderboard_visible,
            now,
        )

    async def get(self, user_id: str, course_id: str) -> Enrollment | None:
        row = await self._conn.fetchrow(
            "SELECT * FROM enrollments WHERE user_id = $1 AND course_id = $2", user_id, course_id
        )
        return Enrollment.model_validate(row) if row else None

    async def set_role(
        self, user_id: str, course_id: str, role: str, now: datetime, source: str = "hand"
    ) -> bool:
        changed = await self._conn.execute(
            "UPDATE enrollments SET role = $3, updated_at = $4, role_source = $5"
            " WHERE user_id = $1 AND course_id = $2",
            user_id,
            course_id,
            role,
            now,
            source,
        )
        return changed == 1

    async def set_leaderboard_visible(
        self, user_id: str, visible: bool, now: datetime, course_id: str | None = None
    ) -> int:
        """One course's enrollment, or all of the user's when no course is named."""
        if course_id is None:
            return await self._conn.execute(
                "UPDATE enrollments SET leaderboard_visible = $2, updated_at = $3 WHERE user_id = $1",
                user_id,
                visible,
                now,
            )
        return await self._conn.execute(
            "UPDATE enrollments SET leaderboard_visible = $2, updated_at = $3"
            " WHERE user_id = $1 AND course_id = $4",
            user_id,
            visible,
            now,
            course_id,
        )

    async def touch(self, user_id: str, course_id: str, now: datetime) -> None:
        await self._conn.execute(
            "UPDATE enrollments SET last_active_at = $3 WHERE user_id = $1 AND course_id = $2",
            user_id,
            course_id,
            now,
        )

    async def set_display_name(self, user_id: str, course_id: str, name: str, now: datetime) -> None:
        await self._conn.execute(
            "UPDATE enrollments SET display_name = $3, updated_at = $4 WHERE user_id = $1 AND course_id = $2",
            user_id,
            course_id,
            name,
            now,
        )

    async def last_active(self, user_id: str) -> Enrollment | None:
        row = await self._conn.fetchrow(
            "SELECT * FROM enrollments WHERE user_id = $1 AND last_active_at IS NOT NULL"
            " ORDER BY last_active_at DESC LIMIT 1",
            user_id,
        )
        return Enrollment.model_validate(row) if row else None

    async def claim_welcome(self, user_id: str, course_id: str, now: datetime) -> bool:
        """True for exactly one caller: the one that marks the member welcomed."""
        changed = await self._conn.execute(
            "UPDATE enrollments SET welcomed_at = $3"
            " WHERE user_id = $1 AND course_id = $2 AND welcomed_at IS NULL",
            user_id,
            course_id,
            now,
        )
        return changed == 1

    async def pick_for_dm(self, user_id: str, course_id: str, now: datetime) -> bool:
        """Make it the member's one DM course (the others are unpicked: no tie, whatever the clock)."""
        await self._conn.execute(
            "UPDATE enrollments SET dm_picked_at = NULL WHERE user_id = $1 AND course_id <> $2",
            user_id,
            course_id,
        )
        changed = await self._conn.execute(
            "UPDATE enrollments SET dm_picked_at = $3 WHERE user_id = $1 AND course_id = $2",
            user_id,
            course_id,
            now,
        )
        return changed == 1

    async def dm_course(self, user_id: str) -> Enrollment | None:
        """The enrollment the member picked for DMs last, if any."""
        row = await self._conn.fetchrow(
            "SELECT * FROM enrollments WHERE user_id = $1 AND dm_picked_at IS NOT NULL"
            " ORDER BY dm_picked_at DESC LIMIT 1",
            user_id,
        )
        return Enrollment.model_validate(row) if row else None

    async def for_user(self, user_id: str) -> list[Enrollment]:
        rows = await self._conn.fetch(
            "SELECT * FROM enrollments WHERE user_id = $1 ORDER BY joined_at", user_id
        )
        return [Enrollment.model_validate(r) for r in rows]

    async def for_course(self, course_id: str, role: str | None = None) -> list[Enrollment]:
        rows = await self._conn.fetch(
            "SELECT * FROM enrollments WHERE course_id = $1 AND (CAST($2 AS TEXT) IS NULL OR role = $2)"
            " ORDER BY joined_at",
            course_id,
            role,
        )
        return [Enrollment.model_validate(r) for r in rows]
