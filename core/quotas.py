"""Quotas: questions per user, course and hour (set by the course's staff), and searches and pages
read per user, course and minute (set by the operator); counted in the database, so every process
shares them."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.clock import Clock, utcnow
from core.errors import PermissionDenied, RateLimited
from core.models.accounts import Course
from core.store.session import Store

WINDOW = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
QUESTIONS = "questions"
SEARCHES = "searches"
READS = "reads"
EXEMPT_ROLES = frozenset({"instructor", "ta"})
QUESTIONS_OFF = (
    "Questions are turned off in this course (its hourly question quota is 0). "
    "Ask your instructor if you think they should be on."
)


def window_start(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


class Quotas:
    def __init__(
        self,
        store: Store,
        clock: Clock = utcnow,
        *,
        searches_per_minute: int = 120,
        reads_per_minute: int = 300,
    ):
        self._store = store
        self._clock = clock
        self.searches_per_minute = searches_per_minute
        self.reads_per_minute = reads_per_minute

    async def take_search(self, course: Course, user_id: str) -> None:
        """Count one search; RateLimited when this minute's are used (staff too: it is about load)."""
        await self._per_minute(course, user_id, SEARCHES, self.searches_per_minute, "searches this minute")

    async def take_read(self, course: Course, user_id: str) -> None:
        """Count one page or section read; RateLimited when this minute's are used."""
        await self._per_minute(course, user_id, READS, self.reads_per_minute, "pages this minute")

    async def _per_minute(self, course: Course, user_id: str, bucket: str, limit: int, what: str) -> None:
        now = self._clock()
        start = now.replace(second=0, microsecond=0)
        async with self._store.transaction() as s:
            count = await s.quotas.take(user_id, course.id, bucket, start, limit)
        if count is None:
            raise RateLimited(retry_after=start + MINUTE - now, what=what)

    async def take_question(self, course: Course, user_id: str, role: str | None) -> int | None:
        """Count a question; RateLimited when the hour's quota is used. None for exempt staff."""
        if role in EXEMPT_ROLES:
            return None
        limit = course.hourly_question_quota
        if limit == 0:  # one meaning on every surface: students may not ask; staff still can
            raise PermissionDenied(QUESTIONS_OFF)
        now = self._clock()
        start = window_start(now)
        async with self._store.transaction() as s:
            count = await s.quotas.take(user_id, course.id, QUESTIONS, start, limit)
        if count is None:
            raise RateLimited(retry_after=start + WINDOW - now, what="questions this hour")
        return count

    async def check_question(self, course: Course, user_id: str, role: str | None) -> None:
        """take_question's refusal, counting nothing: to tell the asker before any work starts.
        (The question is counted when it is answered; a race lost in between is refused then.)"""
        if role in EXEMPT_ROLES:
            return
        if course.hourly_question_quota == 0:
            raise PermissionDenied(QUESTIONS_OFF)
        if await self.remaining(course, user_id) == 0:
            now = self._clock()
            raise RateLimited(retry_after=window_start(now) + WINDOW - now, what="questions this hour")

    async def charge_question(self, course: Course, user_id: str, role: str | None) -> datetime | None:
        """`take_question`, returning the hour it was counted in (None when nothing was counted)."""
        hour = window_start(self._clock())
        return None if await self.take_question(course, user_id, role) is None else hour

    async def take_generation(self, course: Course, user_id: str) -> datetime | None:
        """An explanation, translation or quiz the LLM writes for a user counts as one question of the
        hourly quota (cached ones cost nothing: the caller only asks on a miss). The window charged,
        for give_back; None when the user's role is exempt."""
        async with self._store.read() as s:
            enrollment = await s.enrollments.get(user_id, course.id)
        role = enrollment.role if enrollment else None
        if await self.take_question(course, user_id, role) is None:
            return None
        return window_start(self._clock())

    async def give_back(self, course: Course, user_id: str, charged: datetime | None) -> None:
        """Return a question charged (charge_question, take_generation) whose work was never done."""
        if charged is None:
            return
        async with self._store.transaction() as s:
            await s.quotas.give_back(user_id, course.id, QUESTIONS, charged)

    async def remaining(self, course: Course, user_id: str) -> int:
        start = window_start(self._clock())
        async with self._store.read() as s:
            used = await s.quotas.used(user_id, course.id, QUESTIONS, start)
        return max(0, course.hourly_question_quota - used)
