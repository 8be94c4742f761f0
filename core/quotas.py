"""Question quotas: per user, per course, per hour, shared by every process."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.clock import Clock, utcnow
from core.errors import RateLimited
from core.models.accounts import Course
from core.store.session import Store

WINDOW = timedelta(hours=1)
QUESTIONS = "questions"
EXEMPT_ROLES = frozenset({"instructor", "ta"})


def window_start(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


class Quotas:
    def __init__(self, store: Store, clock: Clock = utcnow):
        self._store = store
        self._clock = clock

    async def take_question(self, course: Course, user_id: str, role: str | None) -> int | None:
        """Count a question; RateLimited when the hour's quota is used. None for exempt staff."""
        if role in EXEMPT_ROLES:
            return None
        now = self._clock()
        start = window_start(now)
        limit = course.hourly_question_quota
        count = None
        if limit > 0:
            async with self._store.transaction() as s:
                count = await s.quotas.take(user_id, course.id, QUESTIONS, start, limit)
        if count is None:
            raise RateLimited(retry_after=start + WINDOW - now, what="questions this hour")
        return count

    async def charge_question(self, course: Course, user_id: str, role: str | None) -> datetime | None:
        """`take_question`, returning the hour it was counted in (None when nothing was counted)."""
        hour = window_start(self._clock())
        return None if await self.take_question(course, user_id, role) is None else hour

    async def give_back(self, course: Course, user_id: str, hour: datetime) -> None:
        """Undo one charge of that hour: the question it paid for was never answered."""
        async with self._store.transaction() as s:
            await s.quotas.give_back(user_id, course.id, QUESTIONS, hour)

    async def remaining(self, course: Course, user_id: str) -> int:
        start = window_start(self._clock())
        async with self._store.read() as s:
            used = await s.quotas.used(user_id, course.id, QUESTIONS, start)
        return max(0, course.hourly_question_quota - used)
