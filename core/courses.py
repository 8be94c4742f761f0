"""Courses: create, find by slug or Discord guild, configure."""

from __future__ import annotations

from typing import Any

from core import validation
from core.clock import Clock, utcnow
from core.errors import AlreadyExists, InvalidInput, NotFound
from core.models.accounts import Course, GuildBinding
from core.settings import Settings
from core.store.session import Store

ANSWER_STYLES = ("concise", "balanced", "detailed")
ANSWER_MODES = ("auto", "llm", "extractive")


class Courses:
    def __init__(self, store: Store, clock: Clock = utcnow, *, operator: Settings | None = None):
        self._store = store
        self._clock = clock
        self._operator = operator  # its model allow-list and quota cap bound every course's settings

    def allowed_models(self) -> tuple[str, ...]:
        """The models a course may use: the operator's STUDYHALL_LLM_MODELS (else its default model)."""
        return self._operator.allowed_models() if self._operator else ()

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
        self._within_operator_limits(checked)
        course = await self.get(slug)
        async with self._store.transaction() as s:
            updated = await s.courses.update(course.id, checked, self._clock())
        if updated is None:
            raise NotFound("course", slug)
        return updated

    def _within_operator_limits(self, checked: dict[str, Any]) -> None:
        """Course staff spend the operator's API key: only its models, and at most its quota."""
        if self._operator is None:
            return
        model = checked.get("llm_model")
        allowed = self._operator.allowed_models()
        if model and model not in allowed:
            offered = ", ".join(allowed)
            raise InvalidInput(
                "model", f"{model!r} is not a model this Studyhall offers; choose one of: {offered}."
            )
        quota = checked.get("hourly_question_quota")
        cap = self._operator.max_hourly_quota
        if quota is not None and quota > cap:
            words = f"The hourly quota can be at most {cap} on this Studyhall (the operator's cap)."
            raise InvalidInput("hourly quota", words)

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

    async def binding(self, guild_id: str) -> GuildBinding:
        async with self._store.read() as s:
            found = await s.courses.binding(guild_id)
        if found is None:
            raise NotFound(
                "course for this server", guild_id, "An instructor can bind one with /course setup."
            )
        return found

    async def set_leaderboard_channel(self, guild_id: str, channel_id: str | None) -> GuildBinding:
        """Where this guild's weekly leaderboard is posted (None stops the weekly post)."""
        channel = None if channel_id is None else validation.discord_id(channel_id)
        async with self._store.transaction() as s:
            if not await s.courses.set_leaderboard_channel(guild_id, channel):
                raise NotFound(
                    "course for this server", guild_id, "An instructor can bind one with /course setup."
                )
            found = await s.courses.binding(guild_id)
        assert found is not None
        return found

    async def claim_weekly_post(self, guild_id: str, week: str) -> bool:
        """True once per guild and week: whoever gets True posts that week's board."""
        async with self._store.transaction() as s:
            return await s.courses.claim_weekly_post(guild_id, week)

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
        "book_url": lambda v: None if v in (None, "") else validation.web_address("book URL", v),
        "book_path": lambda v: None if v in (None, "") else validation.folder("book folder", v),
    }
    unknown = set(changes) - set(checks)
    if unknown:
        raise validation.InvalidInput("setting", f"Unknown course setting(s): {', '.join(sorted(unknown))}.")
    return {key: checks[key](value) for key, value in changes.items()}
