"""Where the bot posted a student's words in public (see migration 0009)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from core.models.posts import PublicPost
from core.store.database import Connection
from core.store.ids import new_id

_COLUMNS = "p.id, p.guild_id, p.channel_id, p.message_id"


class PublicPostsRepository:
    def __init__(self, conn: Connection):
        self._conn = conn

    async def insert(
        self,
        user_id: str,
        conversation_id: str,
        guild_id: str | None,
        channel_id: str,
        message_id: str,
        now: datetime,
    ) -> None:
        await self._conn.execute(
            "INSERT INTO public_posts (id, user_id, conversation_id, guild_id, channel_id, message_id,"
            " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            " ON CONFLICT (channel_id, message_id) DO NOTHING",
            new_id(),
            user_id,
            conversation_id,
            guild_id,
            channel_id,
            message_id,
            now,
        )

    async def of_user(self, user_id: str) -> list[PublicPost]:
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS} FROM public_posts p WHERE p.user_id = $1 ORDER BY p.created_at", user_id
        )
        return [PublicPost.model_validate(r) for r in rows]

    async def of_conversation(self, user_id: str, conversation_id: str) -> list[PublicPost]:
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS} FROM public_posts p WHERE p.user_id = $1 AND p.conversation_id = $2"
            " ORDER BY p.created_at",
            user_id,
            conversation_id,
        )
        return [PublicPost.model_validate(r) for r in rows]

    async def orphaned(self, limit: int) -> list[PublicPost]:
        """Posts whose conversation is gone: nobody's any more, waiting to be taken down."""
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS} FROM public_posts p WHERE p.conversation_id IS NULL"
            " ORDER BY p.created_at LIMIT $1",
            limit,
        )
        return [PublicPost.model_validate(r) for r in rows]

    async def delete(self, ids: Iterable[str]) -> None:
        await self._conn.executemany("DELETE FROM public_posts WHERE id = $1", [(i,) for i in ids])
