"""One-time binding codes: the operator's way to let someone who is not (yet) an instructor bind a
Discord server to an existing course. Random, stored as SHA-256 only, expiring, used once, and
guessed at a bounded rate (a counter in the database, so every bot process shares it)."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.clock import Clock, utcnow
from core.courses import Courses
from core.errors import InvalidInput, PermissionDenied, RateLimited
from core.models.accounts import Course
from core.quotas import WINDOW, window_start
from core.store.session import Store

CODE_BYTES = 15  # 20 URL-safe characters, 120 random bits
CODE_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20}$")
DEFAULT_LIFETIME = timedelta(hours=24)
SHORTEST, LONGEST = timedelta(minutes=5), timedelta(days=30)
TRIES_PER_HOUR = 5  # per person and course, right or wrong
TRIES = "bind_code"  # the rate_limit_windows bucket
_LIFETIME = re.compile(r"^(\d{1,5})([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


@dataclass(frozen=True)
class IssuedCode:
    code: str  # shown once, to the operator; never stored
    course: Course
    expires_at: datetime


def parse_lifetime(text: str) -> timedelta:
    """'30m', '24h' or '7d', from 5 minutes to 30 days."""
    match = _LIFETIME.match(text.strip().lower())
    lifetime = timedelta(**{_UNITS[match[2]]: int(match[1])}) if match else None
    if lifetime is None or not SHORTEST <= lifetime <= LONGEST:
        raise InvalidInput(
            "--expires-in",
            f"{text!r} is not a lifetime for --expires-in: use e.g. 30m, 24h or 7d (5m to 30d).",
        )
    return lifetime


def refused(slug: str) -> PermissionDenied:
    """One answer for every bad code, so a guess learns nothing."""
    return PermissionDenied(
        "That binding code is wrong, expired or already used. "
        f"Ask the operator for a new one: `studyhall course bind-code {slug}`."
    )


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


class BindCodes:
    def __init__(self, store: Store, courses: Courses, clock: Clock = utcnow):
        self._store = store
        self._courses = courses
        self._clock = clock

    async def create(self, slug: str, expires_in: timedelta | None = None) -> IssuedCode:
        course = await self._courses.get(slug)
        now = self._clock()
        expires_at = now + (expires_in or DEFAULT_LIFETIME)
        code = secrets.token_urlsafe(CODE_BYTES)
        async with self._store.transaction() as s:
            code_id = await s.bind_codes.insert(course.id, _hash(code), expires_at, now)
            await s.audit.record(
                "bind_code_created",
                "cli",
                now,
                details={"course_id": course.id, "code_id": code_id, "expires_at": expires_at.isoformat()},
            )
        return IssuedCode(code, course, expires_at)

    async def check(self, course: Course, code: str, user_id: str, guild_id: str) -> None:
        """Refuse (and count the try) unless `code` would bind `course` now; spends nothing."""
        await self._attempt(course, code, user_id, guild_id, spend=False)

    async def use(self, course: Course, code: str, user_id: str, guild_id: str) -> None:
        """Spend the code on binding `guild_id`; refused when it is not usable (or just spent)."""
        await self._attempt(course, code, user_id, guild_id, spend=True)

    async def _attempt(self, course: Course, code: str, user_id: str, guild_id: str, *, spend: bool) -> None:
        now = self._clock()
        start = window_start(now)
        async with self._store.transaction() as s:
            tries = await s.quotas.take(user_id, course.id, TRIES, start, TRIES_PER_HOUR)
        if tries is None:
            raise RateLimited(start + WINDOW - now, what="tries at a binding code for this course")
        code = code.strip()
        async with self._store.transaction() as s:
            code_id = None
            if CODE_SHAPE.match(code):
                if spend:
                    code_id = await s.bind_codes.use(course.id, _hash(code), guild_id, now)
                else:
                    code_id = await s.bind_codes.usable(course.id, _hash(code), now)
            if code_id is None:
                await s.audit.record(
                    "bind_code_refused",
                    "discord",
                    now,
                    user_id=user_id,
                    details={"course_id": course.id, "guild_id": guild_id},
                )
            elif spend:
                await s.audit.record(
                    "bind_code_used",
                    "discord",
                    now,
                    user_id=user_id,
                    details={"course_id": course.id, "code_id": code_id, "guild_id": guild_id},
                )
        if code_id is None:
            raise refused(course.slug)
