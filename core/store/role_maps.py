"""Discord roles of a server that carry a course role (@TA → ta)."""

from __future__ import annotations

from datetime import datetime

from core.models.accounts import RoleMapping
from core.store.database import Connection


class RoleMapsRepository:
    def __init__(self, conn: Connection):
        self._conn = conn

    async def put(
        self, guild_id: str, discord_role_id: str, course_id: str, role: str, now: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO course_role_maps (guild_id, discord_role_id, course_id, role, created_at)"
            " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (guild_id, discord_role_id)"
            " DO UPDATE SET course_id = excluded.course_id, role = excluded.role,"
            " created_at = excluded.created_at",
            guild_id,
            discord_role_id,
            course_id,
            role,
            now,
        )

    async def delete(self, guild_id: str, discord_role_id: str) -> bool:
        removed = await self._conn.execute(
            "DELETE FROM course_role_maps WHERE guild_id = $1 AND discord_role_id = $2",
            guild_id,
            discord_role_id,
        )
        return removed == 1

    async def for_course_in(self, course_id: str, guild_id: str) -> list[RoleMapping]:
        """Only this server's mappings for this course: another server's roles grant nothing here."""
        rows = await self._conn.fetch(
            "SELECT * FROM course_role_maps WHERE course_id = $1 AND guild_id = $2 ORDER BY created_at",
            course_id,
            guild_id,
        )
        return [RoleMapping.model_validate(r) for r in rows]
