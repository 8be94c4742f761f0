"""Courses: create, find by slug or Discord guild, configure."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from core import validation
from core.books import audience, folders
from core.books.safe_files import is_plain_folder
from core.clock import Clock, utcnow
from core.errors import AlreadyExists, InvalidInput, NotFound
from core.models.accounts import Course, GuildBinding
from core.settings import Settings
from core.store.session import Store

NO_BOOK_FOLDER = (
    "This course has no book folder yet: set it with `/course config book_folder:…` (or upload the "
    "book with `/book upload`), then run this again."
)
NOT_UNDER_ROOT = (
    "This course's book folder is no longer one of the books root's folders (or was saved before "
    "book folders had to be): pick one with `/course config book_folder:…`, or upload the book with "
    "`/book upload`."
)
OPERATOR_FOLDER_GONE = (
    "The book folder the operator set for this course is missing (or is now a link, which is never "
    "followed): ask the operator to set it again with `studyhall course set --book-folder`."
)
ANSWER_STYLES = ("concise", "balanced", "detailed")
ANSWER_MODES = ("auto", "llm", "extractive")


class Courses:
    def __init__(
        self,
        store: Store,
        clock: Clock = utcnow,
        books_root: Callable[[], Path] | None = None,
        *,
        operator: Settings | None = None,
    ):
        self._store = store
        self._clock = clock
        # Called with the updated course when its staff-only patterns change (pages change audience).
        self.after_staff_only: list[Callable[[Course], Awaitable[None]]] = []
        self._books_root = books_root  # the operator's books root (created when first asked for)
        self.after_configure: list[Callable[[Course, set[str]], Awaitable[None]]] = []
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

    async def configure(
        self, slug: str, *, host_paths: bool = False, share_folder: bool = False, **changes: Any
    ) -> Course:
        """Change settings. A book folder is named relative to the books root unless `host_paths`
        (the operator's CLI: any folder of the host); `share_folder` lets the operator give a
        course a folder another course uses."""
        given = "book_path" in changes
        book_path = changes.pop("book_path", None)
        checked = _check_settings(changes)
        self._within_operator_limits(checked)
        course = await self.get(slug)
        if given:
            checked["book_path"] = await self._book_folder(course, book_path, host_paths, share_folder)
            checked["book_path_by_operator"] = host_paths and checked["book_path"] is not None
        async with self._store.transaction() as s:
            updated = await s.courses.update(course.id, checked, self._clock())
        if updated is None:
            raise NotFound("course", slug)
        if "staff_only" in checked and list(checked["staff_only"]) != list(course.staff_only):
            for hook in self.after_staff_only:
                await hook(updated)
        for hook in self.after_configure:  # e.g. standings follow a new leaderboard rule
            await hook(updated, set(checked))
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

    def books_root(self) -> Path:
        if self._books_root is None:
            raise folders.refused("")
        return self._books_root()

    async def book_folders(self, course: Course, typed: str = "") -> list[str]:
        """The folders under the books root this course may use, its own first (for autocomplete)."""
        root = self.books_root()
        taken = [path for path, _ in folders.owned_by_others(root, course.id, await self.list())]
        return folders.free_folders(root, course.slug, taken, typed)

    def folder_to_ingest(self, course: Course) -> Path:
        """The folder Discord's /book ingest may read: one the operator set, or one under the books
        root that is still a real folder there (checked again: links may have appeared since)."""
        if not course.book_path:
            raise validation.InvalidInput("book folder", NO_BOOK_FOLDER)
        path = Path(course.book_path)
        if course.book_path_by_operator:
            if not is_plain_folder(path):  # no host path in the answer: staff did not set it
                raise validation.InvalidInput("book folder", OPERATOR_FOLDER_GONE)
            return path
        root = self.books_root()
        if path != root and root in path.parents:
            try:
                return folders.under_root(root, path.relative_to(root).as_posix())
            except validation.InvalidInput:
                pass
        raise validation.InvalidInput("book folder", NOT_UNDER_ROOT)

    async def folder_taken(self, course: Course, path: Path) -> bool:
        """Whether another course's folder is, holds or sits in `path`."""
        root = self.books_root() if self._books_root else None
        others = folders.owned_by_others(root, course.id, await self.list())
        return any(folders.overlaps(path, other) for other, _ in others)

    async def _book_folder(
        self, course: Course, value: str | None, host_paths: bool, share: bool
    ) -> str | None:
        if value in (None, ""):
            return None
        if host_paths:
            path = Path(validation.folder("book folder", value))
        else:
            validation.text("book folder", value, max_chars=1000)
            path = folders.under_root(self.books_root(), value)
        root = self.books_root() if self._books_root else None
        for other, slug in folders.owned_by_others(root, course.id, await self.list()):
            if not folders.overlaps(path, other):
                continue
            if not host_paths:
                raise folders.refused(value)  # not even whether another course has it
            if not share:
                raise validation.InvalidInput(
                    "book folder",
                    f"The folder {value!r} is (or holds, or sits in) the book folder of course "
                    f"{slug!r}; give --share-folder to let both courses read it.",
                )
        return str(path)

    async def bind_guild(
        self,
        slug: str,
        guild_id: str,
        *,
        surface: str = "cli",
        actor_id: str | None = None,
        via: str | None = None,
        left_course_id: str | None = None,
    ) -> Course:
        """Bind (or move) the guild to the course; audited with who did it and how (`via`)."""
        course = await self.get(slug)
        guild = validation.text("guild id", guild_id, max_chars=32)
        now = self._clock()
        async with self._store.transaction() as s:
            await s.courses.bind_guild(course.id, guild, now)
            await s.audit.record(
                "guild_bound",
                surface,
                now,
                user_id=actor_id,
                details={
                    "course_id": course.id,
                    "guild_id": guild,
                    "via": via,
                    "left_course_id": left_course_id,
                },
            )
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
        return await self._set_channel(guild_id, channel_id, "leaderboard")

    async def set_staff_channel(self, guild_id: str, channel_id: str | None) -> GuildBinding:
        """Where this guild's staff take questions handed to them ("Ask a TA"); None: nowhere."""
        return await self._set_channel(guild_id, channel_id, "staff")

    async def _set_channel(self, guild_id: str, channel_id: str | None, which: str) -> GuildBinding:
        channel = None if channel_id is None else validation.discord_id(channel_id)
        async with self._store.transaction() as s:
            setter = {"leaderboard": s.courses.set_leaderboard_channel, "staff": s.courses.set_staff_channel}
            if not await setter[which](guild_id, channel):
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

    async def release_weekly_post(self, guild_id: str, week: str, *, previous: str | None) -> None:
        """Undo a claim whose post Discord refused, so a later pass posts that week's board: the
        guild is back at `previous` (the week posted before), unless someone has claimed since."""
        async with self._store.transaction() as s:
            await s.courses.release_weekly_post(guild_id, week, previous)

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
        # book_path is checked by Courses._book_folder: it needs the books root and the other courses
        "staff_only": audience.check_patterns,
        "self_marked_counts": lambda v: validation.yes_or_no("self-marked completion counts", v),
        "answer_threads": lambda v: validation.yes_or_no("answers in threads", v),
    }
    unknown = set(changes) - set(checks)
    if unknown:
        raise validation.InvalidInput("setting", f"Unknown course setting(s): {', '.join(sorted(unknown))}.")
    return {key: checks[key](value) for key, value in changes.items()}
