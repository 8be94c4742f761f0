"""Conversations, their messages, and feedback on answers."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from core.models.conversations import Conversation, Feedback, Message
from core.store.database import Connection
from core.store.ids import new_id, new_ordered_id


class ConversationsRepository:
    def __init__(self, conn: Connection):
        self._conn = conn

    async def create(
        self, course_id: str, user_id: str, surface: str, title: str, channel_ref: str | None, now: datetime
    ) -> Conversation:
        row = await self._conn.fetchrow(
            "INSERT INTO conversations (id, course_id, user_id, surface, channel_ref, title, created_at,"
            " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING *",
            new_id(),
            course_id,
            user_id,
            surface,
            channel_ref,
            title,
            now,
        )
        return Conversation.model_validate(row)

    async def get(self, conversation_id: str) -> Conversation | None:
        row = await self._conn.fetchrow("SELECT * FROM conversations WHERE id = $1", conversation_id)
        return Conversation.model_validate(row) if row else None

    async def for_user(
        self, user_id: str, course_id: str | None, limit: int, offset: int, include_archived: bool
    ) -> list[Conversation]:
        rows = await self._conn.fetch(
            "SELECT * FROM conversations WHERE user_id = $1"
            " AND (CAST($2 AS TEXT) IS NULL OR course_id = $2) AND ($5 OR NOT archived)"
            " ORDER BY updated_at DESC, id LIMIT $3 OFFSET $4",
            user_id,
            course_id,
            limit,
            offset,
            include_archived,
        )
        return [Conversation.model_validate(r) for r in rows]

    async def touch(self, conversation_id: str, now: datetime) -> None:
        await self._conn.execute(
            "UPDATE conversations SET updated_at = $2, archived = FALSE WHERE id = $1",
            conversation_id,
            now,
        )

    async def delete(self, conversation_id: str) -> bool:
        return await self._conn.execute("DELETE FROM conversations WHERE id = $1", conversation_id) == 1

    async def archive_before(self, before: datetime) -> int:
        return await self._conn.execute(
            "UPDATE conversations SET archived = TRUE WHERE updated_at < $1 AND NOT archived", before
        )

    # messages

    async def add_message(
        self, conversation_id: str, user_id: str, role: str, content: str, now: datetime, **fields: Any
    ) -> Message:
        citations = json.dumps(fields.pop("citations", []))
        row = await self._conn.fetchrow(
            "INSERT INTO messages (id, conversation_id, user_id, role, content, citations, mode,"
            " answer_mode, covered, selected_text, unit, latency_ms, model, input_tokens,"
            " output_tokens, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
            " $13, $14, $15, $16) RETURNING *",
            new_ordered_id(),
            conversation_id,
            user_id,
            role,
            content,
            citations,
            fields.get("mode", "global"),
            fields.get("answer_mode"),
            fields.get("covered"),
            fields.get("selected_text"),
            fields.get("unit"),
            fields.get("latency_ms"),
            fields.get("model"),
            fields.get("input_tokens", 0),
            fields.get("output_tokens", 0),
            now,
        )
        return Message.model_validate(row)

    async def messages(self, conversation_id: str, limit: int | None = None) -> list[Message]:
        """Oldest first; with a limit, the most recent `limit` of them."""
        if limit is None:
            rows = await self._conn.fetch(
                "SELECT * FROM messages WHERE conversation_id = $1 ORDER BY created_at, id",
                conversation_id,
            )
        else:
            rows = await self._conn.fetch(
                "SELECT * FROM (SELECT * FROM messages WHERE conversation_id = $1"
                " ORDER BY created_at DESC, id DESC LIMIT $2) recent ORDER BY created_at, id",
                conversation_id,
                limit,
            )
        return [Message.model_validate(r) for r in rows]

    async def message_owner(self, message_id: str) -> tuple[str, str] | None:
        """(conversation owner, message role) of a message."""
        row = await self._conn.fetchrow(
            "SELECT c.user_id, m.role FROM messages m JOIN conversations c ON c.id = m.conversation_id"
            " WHERE m.id = $1",
            message_id,
        )
        return (row["user_id"], row["role"]) if row else None

    async def message_with_conversation(self, message_id: str) -> tuple[Message, Conversation] | None:
        """A message and the conversation it belongs to."""
        message = await self._conn.fetchrow("SELECT * FROM messages WHERE id = $1", message_id)
        if message is None:
            return None
        conversation = await self.get(message["conversation_id"])
        return (Message.model_validate(message), conversation) if conversation else None

    async def question_before(self, message_id: str) -> str | None:
        """The question an answer replies to: the conversation's last user message before it."""
        row = await self._conn.fetchrow(
            "SELECT q.content FROM messages a JOIN messages q ON q.conversation_id = a.conversation_id"
            " AND q.role = 'user' AND q.created_at <= a.created_at WHERE a.id = $1"
            " ORDER BY q.created_at DESC, q.id DESC LIMIT 1",
            message_id,
        )
        return row["content"] if row else None

    # feedback

    async def save_feedback(
        self, message_id: str, user_id: str, rating: int, comment: str | None, now: datetime
    ) -> Feedback:
        row = await self._conn.fetchrow(
            "INSERT INTO feedback (id, message_id, user_id, rating, comment, created_at, updated_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (message_id, user_id) DO UPDATE SET"
            " rating = excluded.rating, comment = excluded.comment, updated_at = excluded.updated_at"
            " RETURNING *",
            new_id(),
            message_id,
            user_id,
            rating,
            comment,
            now,
        )
        return Feedback.model_validate(row)

    async def feedback_summary(self, course_id: str, since: datetime) -> dict[str, int]:
        rows = await self._conn.fetch(
            "SELECT f.rating, COUNT(*) AS n FROM feedback f JOIN messages m ON m.id = f.message_id"
            " JOIN conversations c ON c.id = m.conversation_id WHERE c.course_id = $1"
            " AND f.updated_at >= $2 GROUP BY f.rating",
            course_id,
            since,
        )
        counts = {r["rating"]: r["n"] for r in rows}
        return {"helpful": counts.get(1, 0), "unhelpful": counts.get(-1, 0)}

    async def questions(self, course_id: str, since: datetime) -> list[dict[str, Any]]:
        """Every answered question of a course: the question, whether the book covered it, how."""
        return await self._conn.fetch(
            "SELECT q.content AS question, a.covered, a.answer_mode, a.mode, a.unit, a.created_at"
            " FROM messages a JOIN conversations c ON c.id = a.conversation_id"
            " JOIN messages q ON q.conversation_id = a.conversation_id AND q.role = 'user'"
            " AND q.created_at = (SELECT MAX(p.created_at) FROM messages p WHERE"
            " p.conversation_id = a.conversation_id AND p.role = 'user' AND p.created_at <= a.created_at)"
            " AND q.id < a.id"
            " WHERE c.course_id = $1 AND a.role = 'assistant' AND a.created_at >= $2"
            " ORDER BY a.created_at, a.id",
            course_id,
            since,
        )

    async def not_covered(self, course_id: str, since: datetime, limit: int) -> list[dict[str, Any]]:
        """Questions the book did not answer: each assistant 'not covered' reply with its question."""
        return await self._conn.fetch(
            "SELECT q.content AS question, a.created_at, h.created_at AS handed_at FROM messages a"
            " JOIN conversations c ON c.id = a.conversation_id"
            " LEFT JOIN handoffs h ON h.message_id = a.id"
            " JOIN messages q ON q.conversation_id = a.conversation_id AND q.role = 'user'"
            " AND q.created_at = (SELECT MAX(p.created_at) FROM messages p WHERE"
            " p.conversation_id = a.conversation_id AND p.role = 'user' AND p.created_at <= a.created_at)"
            " WHERE c.course_id = $1 AND a.role = 'assistant' AND a.covered = FALSE"
            " AND a.created_at >= $2 ORDER BY a.created_at DESC LIMIT $3",
            course_id,
            since,
            limit,
        )
