"""Questions a student handed to the course's staff, and the threads that carry a conversation on
(see migration 0016)."""

from __future__ import annotations

from datetime import datetime

from core.models.handoffs import Handoff
from core.store.database import Connection
from core.store.ids import new_id


class HandoffsRepository:
    def __init__(self, conn: Connection):
        self._conn = conn

    async def claim(self, message_id: str, course_id: str, user_id: str, now: datetime) -> bool:
        """Note that this answer's question goes to staff; False when it already went (or is going)."""
        changed = await self._conn.execute(
            "INSERT INTO handoffs (id, message_id, course_id, user_id, created_at)"
            " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (message_id) DO NOTHING",
            new_id(),
            message_id,
            course_id,
            user_id,
            now,
        )
        return changed == 1

    async def posted(self, message_id: str, channel_id: str, post_id: str) -> None:
        await self._conn.execute(
            "UPDATE handoffs SET channel_id = $2, post_id = $3 WHERE message_id = $1",
            message_id,
            channel_id,
            post_id,
        )

    async def release(self, message_id: str) -> None:
        """The hand-over failed (the staff channel refused the post): the student may try again."""
        await self._conn.execute("DELETE FROM handoffs WHERE message_id = $1", message_id)

    async def get(self, message_id: str) -> Handoff | None:
        row = await self._conn.fetchrow("SELECT * FROM handoffs WHERE message_id = $1", message_id)
        return Handoff.model_validate(row) if row else None


class ThreadsRepository:
    def __init__(self, conn: Connection):
        self._conn = conn

    async def link(self, thread_id: str, conversation_id: str, now: datetime) -> None:
        await self._conn.execute(
            "INSERT INTO conversation_threads (thread_id, conversation_id, created_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (thread_id) DO NOTHING",
            thread_id,
            conversation_id,
            now,
        )

    async def conversation_of(self, thread_id: str) -> tuple[str, str] | None:
        """(conversation id, its owner) carried on in a thread."""
        row = await self._conn.fetchrow(
            "SELECT t.conversation_id, c.user_id FROM conversation_threads t"
            " JOIN conversations c ON c.id = t.conversation_id WHERE t.thread_id = $1",
            thread_id,
        )
        return (row["conversation_id"], row["user_id"]) if row else None

    async def thread_of(self, conversation_id: str) -> str | None:
        row = await self._conn.fetchrow(
            "SELECT thread_id FROM conversation_threads WHERE conversation_id = $1"
            " ORDER BY created_at LIMIT 1",
            conversation_id,
        )
        return row["thread_id"] if row else None
