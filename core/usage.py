"""What the class asks: counts, what the book lacks, tokens, which chapters are read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import BaseModel

from core import validation
from core.clock import Clock, utcnow
from core.models.accounts import Course
from core.store.session import Store


class UnansweredQuestion(BaseModel):
    question: str
    asked_at: str
    handed_to_staff: bool = False  # the student pressed Ask a TA under the answer


class UsageReport(BaseModel):
    course: str
    days: int
    questions: int
    answers: int
    not_covered: int
    llm_fallbacks: int
    input_tokens: int
    output_tokens: int
    helpful: int
    unhelpful: int
    retrievals_by_document: list[tuple[str, int]]
    unanswered: list[UnansweredQuestion]


class Usage:
    def __init__(self, store: Store, clock: Clock = utcnow):
        self._store = store
        self._clock = clock

    async def report(self, course: Course, days: int = 30, limit: int = 50) -> UsageReport:
        validation.whole_number("days", days, 1, 3650)
        since = self._clock() - timedelta(days=days)
        async with self._store.read() as s:
            totals = await s.usage.totals(course.id, since)
            documents = await s.usage.by_subject(course.id, "retrieval", since, limit)
            feedback = await s.conversations.feedback_summary(course.id, since)
            unanswered = await s.conversations.not_covered(course.id, since, limit)
        return UsageReport(
            course=course.slug,
            days=days,
            questions=totals.get("question", 0),
            answers=totals.get("answer", 0),
            not_covered=totals.get("not_covered", 0),
            llm_fallbacks=totals.get("llm_fallback", 0),
            input_tokens=totals.get("input_tokens", 0),
            output_tokens=totals.get("output_tokens", 0),
            helpful=feedback["helpful"],
            unhelpful=feedback["unhelpful"],
            retrievals_by_document=documents,
            unanswered=[_unanswered(row) for row in unanswered],
        )


def _unanswered(row: dict[str, Any]) -> UnansweredQuestion:
    asked = row["created_at"]
    return UnansweredQuestion(
        question=row["question"],
        asked_at=asked if isinstance(asked, str) else asked.isoformat(),
        handed_to_staff=row.get("handed_at") is not None,
    )
