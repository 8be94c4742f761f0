"""Ask a TA: a student hands a question the book could not answer to the course's staff. Only the
asker may, only for a "not in the book" answer, and only once; the front end posts it where staff
read (the core cannot reach Discord) and reports where, or gives the claim back when it could not."""

from __future__ import annotations

from core.clock import Clock, utcnow
from core.conversations import Conversations
from core.errors import InvalidInput
from core.models.conversations import Asked
from core.models.handoffs import Handoff
from core.store.session import Store

ANSWERED = "The book answered this question, so there is nothing to hand to staff."


class Handoffs:
    def __init__(self, store: Store, conversations: Conversations, clock: Clock = utcnow):
        self._store = store
        self._conversations = conversations
        self._clock = clock

    async def claim(self, user_id: str, answer_id: str) -> tuple[Asked, Handoff | None]:
        """The question to hand over, and None when this press is the one to post it; else the
        earlier hand-over (a second press, or a double click, posts nothing). NotFound when the
        answer is not the user's (or gone)."""
        asked = await self._conversations.asked(user_id, answer_id)
        if asked.covered:
            raise InvalidInput("answer", ANSWERED)
        async with self._store.transaction() as s:
            if await s.handoffs.claim(answer_id, asked.course_id, user_id, self._clock()):
                return asked, None
            earlier = await s.handoffs.get(answer_id)
        assert earlier is not None
        return asked, earlier

    async def posted(self, answer_id: str, channel_id: str, post_id: str) -> None:
        async with self._store.transaction() as s:
            await s.handoffs.posted(answer_id, channel_id, post_id)

    async def release(self, answer_id: str) -> None:
        """Posting failed: nothing was handed over, so the student may press again."""
        async with self._store.transaction() as s:
            await s.handoffs.release(answer_id)
