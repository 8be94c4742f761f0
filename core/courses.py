"""Courses: create, find by slug or Discord guild, configure."""

from __future__ import annotations

from typing import Any

from core import validation
from core.clock import Clock, utcnow
from core.errors import AlreadyExists, NotFound
from core.models.accounts import Course
from core.store.session import Store

ANSWER_STYLES = ("concise", "balanced", "detailed")
ANSWER_MODES = ("auto", "llm", "extractive")


class Courses:
    def __init__(self, store: Store, clock: Clock = utcnow):
        self._store = store
        self._clock = clock

    async def create(self, slug: str, name: str) -> Course:
        slug = validation.slug(slug)
        name = validation.text("course name", name)
        async with self._store.transaction() as s:
            course = await s.courses.insert_if_absent(slug, name, self._clock())
        if course is None:
            raise AlreadyExists("course", slug)
        return course

    async def get_or_create(self, slug: str, name: str | None = None) -> Course:
        try:
            return await self.get(slug)
        except NotFound:
            pass
        try:
            return await self.create(slug, name or slug)
        except AlreadyExists:
            return await self.get(slug)  # created meanwhile by another task

    async def get(self, slug: str) -> Course:
        async with self._store.read() as s:
            course = await s.courses.get_by_slug(slug.strip())
        if course is None:
            raise NotFound("course", slug, "Create it with: studyhall course create SLUG --name NAME")
        return course

    async def get_by_id(self, course_id: str) -> Course:
        async with self._store.read() as s:
            course = await s.courses.get(course_id)
        if course is None:
            raise NotFound("course", course_id)
        return course

    async def list(self) -> list[Course]:
        async with self._store.read() as s:
            return await s.courses.list()

    async def configure(self, slug: str, **changes: Any) -> Course:
        checked = _check_settings(changes)
        course = await self.get(slug)
        async with self._store.transaction() as s:
            updated = await s.courses.update(course.id, checked, self._clock())
        if updated is None:
            raise NotFound("course", slug)
        return updated

    async def bind_guild(self, slug: str, guild_id: str) -> Course:
        course = await self.get(slug)
        guild = validation.text("guild id", guild_id, max_chars=32)
        async with self._store.transaction() as s:
            await s.courses.bind_guild(course.id, guild, self._clock())
        return course

    async def for_guild(self, guild_id: str) -> Course:
        async with self._store.read() as s:
            course = await s.courses.get_by_guild(guild_id)
        if course is None:
            raise NotFound(
                "course for this server", guild_id, "An instructor can bind one with /course setup."
            )
        return course

    async def guild_ids(self, slug: str) -> list[str]:
        course = await self.get(slug)
        async with self._store.read() as s:
            return await s.courses.guild_ids(course.id)


def _check_settings(changes: dict[str, Any]) -> dict[str, Any]:
    checks = {
        "name": lambda v: validation.text("course name", v),
        "welcome_text": lambda v: validation.text("welcome text", v, max_chars=2000, min_chars=0),
        "llm_model": lambda v: None if v in (None, "") else validation.text("model", v, max_chars=100),
        "answer_style": lambda v: validation.choice("answer style", v, ANSWER_STYLES),
        "answer_mode": lambda v: validation.choice("answer mode", v, ANSWER_MODES),
        "hourly_question_quota": lambda v: validation.whole_number("hourly quota", v, 0, 100_000),
        "is_active": bool,
        "leaderboard_day": lambda v: validation.whole_number(
            "leaderboard day (0 = Monday … 6 = Sunday)", v, 0, 6
        ),
    }
    unknown = set(changes) - set(checks)
    if unknown:
        raise validation.InvalidInput("setting", f"Unknown course setting(s): {', '.join(sorted(unknown))}.")
    return {key: checks[key](value) for key, value in changes.items()}
