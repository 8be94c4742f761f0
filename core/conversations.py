"""Threads of questions and answers: each user sees, continues and deletes only their own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core import validation
from core.clock import Clock, utcnow
from core.errors import InvalidInput, NotFound
from core.models.conversations import Asked, Citation, Conversation, Feedback, Message
from core.store.session import Store, StoreSession

TITLE_CHARS = 50
ARCHIVE_AFTER = timedelta(days=30)
MAX_PAGE = 100


def title_from(question: str) -> str:
    """The first question, on one line, cut at 50 characters with "…"."""
    text = " ".join(question.split())
    return text if len(text) <= TITLE_CHARS else text[:TITLE_CHARS].rstrip() + "…"


class Conversations:
    def __init__(self, store: Store, clock: Clock = utcnow):
        self._store = store
        self._clock = clock

    async def list(
        self,
        user_id: str,
        *,
        course_id: str | None = None,
        limit: int = 20,
        offset: int = 0,
        include_archived: bool = False,
    ) -> list[Conversation]:
        validation.whole_number("limit", limit, 1, MAX_PAGE)
        validation.whole_number("offset", offset, 0, 1_000_000)
        async with self._store.read() as s:
            return await s.conversations.for_user(user_id, course_id, limit, offset, include_archived)

    async def get(self, user_id: str, conversation_id: str) -> tuple[Conversation, list[Message]]:
        async with self._store.read() as s:
            conversation = await _own(s, user_id, conversation_id)
            return conversation, await s.conversations.messages(conversation.id)

    async def delete(self, user_id: str, conversation_id: str) -> None:
        async with self._store.transaction() as s:
            conversation = await _own(s, user_id, conversation_id)
            await s.conversations.delete(conversation.id)

    async def continue_(
        self, user_id: str, course_id: str, conversation_id: str, turns: int
    ) -> tuple[Conversation, list[Message]]:
        """A conversation to follow up on, with its most recent messages."""
        async with self._store.read() as s:
            conversation = await _own(s, user_id, conversation_id)
            if conversation.course_id != course_id:
                raise NotFound("conversation", conversation_id, "It belongs to another course.")
            return conversation, await s.conversations.messages(conversation.id, limit=turns)

    async def record(
        self,
        *,
        course_id: str,
        user_id: str,
        surface: str,
        question: str,
        answer: str,
        conversation_id: str | None,
        channel_ref: str | None = None,
        question_fields: dict[str, Any],
        answer_fields: dict[str, Any],
        usage: list[tuple[str, int, str | None]],
    ) -> tuple[str, str]:
        """Store a question and its answer (and usage counts) in one transaction.

        Returns (conversation id, answer message id). A new conversation is titled from the question.
        """
        now = self._clock()
        async with self._store.transaction() as s:
            if conversation_id is None:
                conversation = await s.conversations.create(
                    course_id, user_id, surface, title_from(question), channel_ref, now
                )
                conversation_id = conversation.id
            else:
                await _own(s, user_id, conversation_id)
                await s.conversations.touch(conversation_id, now)
            await s.conversations.add_message(
                conversation_id, user_id, "user", question, now, **question_fields
            )
            message = await s.conversations.add_message(
                conversation_id, user_id, "assistant", answer, now, **answer_fields
            )
            await s.usage.record(course_id, user_id, now, usage)
        return conversation_id, message.id

    async def conversation_of(self, user_id: str, message_id: str) -> str:
        """The id of the user's own conversation holding a message, e.g. to follow up on an answer."""
        async with self._store.read() as s:
            found = await s.conversations.message_with_conversation(message_id)
        if found is None or found[1].user_id != user_id:
            raise NotFound("answer", message_id)
        return found[1].id

    async def asked(self, user_id: str, message_id: str) -> Asked:
        """The user's own answer with the question it replies to, e.g. to ask it again."""
        async with self._store.read() as s:
            found = await s.conversations.message_with_conversation(message_id)
            question = await s.conversations.question_before(message_id) if found else None
        if found is None or found[1].user_id != user_id or found[0].role != "assistant" or not question:
            raise NotFound("answer", message_id)
        message, conversation = found
        return Asked(
            conversation_id=conversation.id,
            course_id=conversation.course_id,
            question=question,
            unit=message.unit,
            covered=bool(message.covered),
        )

    async def link_thread(self, user_id: str, conversation_id: str, thread_id: str) -> None:
        """A front end opened a thread for this conversation: questions asked there carry it on."""
        thread = validation.discord_id(thread_id)
        async with self._store.transaction() as s:
            await _own(s, user_id, conversation_id)
            await s.threads.link(thread, conversation_id, self._clock())

    async def in_thread(self, user_id: str, thread_id: str) -> str | None:
        """The user's conversation carried on in a thread (None: not theirs, or no such thread)."""
        async with self._store.read() as s:
            found = await s.threads.conversation_of(thread_id)
        return found[0] if found and found[1] == user_id else None

    async def thread_of(self, conversation_id: str) -> str | None:
        async with self._store.read() as s:
            return await s.threads.thread_of(conversation_id)

    async def is_stored(self, message_id: str) -> bool:
        """Whether a message is still stored, whoever wrote it: tells "deleted" apart from "not
        yours" when a button on an old answer is pressed (the answer itself is public)."""
        async with self._store.read() as s:
            return await s.conversations.message_owner(message_id) is not None

    async def sources(self, course_id: str, message_id: str) -> list[Citation]:
        """The passages an answer cited: book text, so anyone in the course who sees the answer may
        read them (the question and the conversation stay the asker's)."""
        async with self._store.read() as s:
            found = await s.conversations.message_with_conversation(message_id)
        if found is None or found[1].course_id != course_id or found[0].role != "assistant":
            raise NotFound("answer", message_id)
        return found[0].citations

    async def feedback(
        self, user_id: str, message_id: str, rating: int, comment: str | None = None
    ) -> Feedback:
        """+1 or -1 on an answer, with an optional comment; giving it again changes it."""
        if rating not in (1, -1):
            raise InvalidInput("rating", "A rating is +1 (helpful) or -1 (not helpful).")
        note = validation.text("comment", comment, max_chars=1000) if comment and comment.strip() else None
        async with self._store.transaction() as s:
            owner = await s.conversations.message_owner(message_id)
            if owner is None or owner[0] != user_id:
                raise NotFound("answer", message_id)
            if owner[1] != "assistant":
                raise InvalidInput("message", "Only answers can be rated.")
            return await s.conversations.save_feedback(message_id, user_id, rating, note, self._clock())

    async def archive_old(self) -> int:
        async with self._store.transaction() as s:
            return await s.conversations.archive_before(self._clock() - ARCHIVE_AFTER)


async def _own(s: StoreSession, user_id: str, conversation_id: str) -> Conversation:
    """The user's own conversation; someone else's is reported as not found, never shown."""
    conversation = await s.conversations.get(conversation_id)
    if conversation is None or conversation.user_id != user_id:
        raise NotFound("conversation", conversation_id)
    return conversation
