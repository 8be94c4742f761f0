"""A question handed to a course's staff from a "not in the book" answer."""

from __future__ import annotations

from datetime import datetime

from core.models.accounts import Record


class Handoff(Record):
    id: str
    message_id: str  # the answer the student handed over
    course_id: str
    user_id: str
    channel_id: str | None  # the staff channel it was posted in (None while being posted)
    post_id: str | None
    created_at: datetime
