"""Where a student stands: units marked complete, chapters read, the course's completion.

Completion only rises and time only grows, whatever order updates arrive in; a chapter counts as
read at 90 %, and a unit is completed when its chapters reach 90 % on average or the student
says so. Each change also refreshes the student's standing for the leaderboard.
"""

from __future__ import annotations

import difflib

from core import validation
from core.accounts import Accounts
from core.clock import Clock, utcnow
from core.errors import NotFound
from core.models.accounts import Course, User
from core.models.progress import ChapterProgress, CourseProgress, Unit, UnitProgress
from core.progress import read_spans
from core.staff import sees_staff_material
from core.store.session import Store, StoreSession

READ_AT = 90  # % of a chapter that counts as read
MAX_SECONDS = 24 * 3600  # one report of reading time may not exceed a day


class Tracking:
    def __init__(self, store: Store, accounts: Accounts, clock: Clock = utcnow):
        self._store = store
        self._accounts = accounts
        self._clock = clock

    async def units(self, course: Course) -> list[Unit]:
        async with self._store.read() as s:
            return await s.progress.units(course.id)

    async def unit(self, course: Course, unit_id: str) -> Unit:
        units = await self.units(course)
        wanted = unit_id.strip().lower()
        for unit in units:
            if wanted in (unit.id, unit.title.lower()) or (wanted.isdigit() and unit.id == f"week-{wanted}"):
                return unit
        if not units:
            raise NotFound("unit", unit_id, f"The course {course.slug!r} has no book yet.")
        close = difflib.get_close_matches(wanted, [u.id for u in units], n=3, cutoff=0.3)
        hint = (
            f"Units like it: {', '.join(close)}."
            if close
            else f"Units: {', '.join(u.id for u in units[:13])}."
        )
        raise NotFound("unit", unit_id, hint)

    async def mark(self, user: User, course: Course, unit_id: str, completed: bool = True) -> UnitProgress:
        """Mark a unit complete (or not): idempotent; completed_at is set once, or cleared."""
        unit = await self.unit(course, unit_id)
        await self._accounts.member(user.id, course)  # progress is only ever a member's
        async with self._store.transaction() as s:
            await s.progress.save_unit(user.id, course.id, unit.id, self._clock(), completed=completed)
            await self._restand(s, user.id, course)
        return next(u for u in (await self.show(user, course)).units if u.unit_id == unit.id)

    async def record_reading(
        self, user: User, course: Course, chapter: str, completion_pct: int, seconds: int = 0
    ) -> ChapterProgress:
        """How far into `chapter` the student has read (the bot's reader: pages turned in order)."""
        validation.whole_number("completion", completion_pct, 0, 100)
        return await self._record(user, course, chapter, seconds, lambda _: (completion_pct, None))

    async def record_read_span(
        self, user: User, course: Course, chapter: str, start: int, end: int, length: int
    ) -> ChapterProgress:
        """The student read characters [start, end) of `chapter` (`length` characters long): its
        share read is what all such stretches cover together, each counted once."""
        validation.whole_number("chapter length", length, 1, 10**9)
        validation.whole_number("start of the text read", start, 0, length)
        validation.whole_number("end of the text read", end, start, length)

        def covered(old: list[list[int]]) -> tuple[int, list[list[int]]]:
            spans = read_spans.merged(old, start, end)
            return read_spans.share(spans, length), spans

        return await self._record(user, course, chapter, 0, covered, spans_needed=True)

    async def _record(
        self, user: User, course: Course, chapter: str, seconds: int, reached, spans_needed: bool = False
    ) -> ChapterProgress:
        """Record reading of `chapter`; `reached(old spans)` gives (percent, new spans or None)."""
        validation.whole_number("reading time in seconds", seconds, 0, MAX_SECONDS)
        units = await self.units(course)
        containing = [u for u in units if chapter in u.chapters]
        if not containing and not await self._is_chapter(course, chapter, user):
            raise NotFound("chapter", chapter, "Use a chapter path from the table of contents.")
        await self._accounts.member(user.id, course)  # progress is only ever a member's
        now = self._clock()
        async with self._store.transaction() as s:
            old = await s.progress.read_spans(user.id, course.id, chapter) if spans_needed else []
            completion_pct, spans = reached(old)
            row = await s.progress.record_reading(
                user.id, course.id, chapter, completion_pct, seconds, now, spans
            )
            reading = {
                r["chapter"]: r["completion_pct"] for r in await s.progress.reading(user.id, course.id)
            }
            for unit in containing:
                pct = round(sum(reading.get(c, 0) for c in unit.chapters) / len(unit.chapters))
                await s.progress.save_unit(
                    user.id,
                    course.id,
                    unit.id,
                    now,
                    completion_pct=pct,
                    completed=True if pct >= READ_AT else None,
                    add_seconds=seconds if unit is containing[0] else 0,
                )
            await self._restand(s, user.id, course)
        return ChapterProgress(
            chapter=chapter,
            completion_pct=row["completion_pct"],
            time_spent_s=row["time_spent_s"],
            read=row["completion_pct"] >= READ_AT,
        )

    async def show(self, user: User, course: Course) -> CourseProgress:
        async with self._store.read() as s:
            units = await s.progress.units(course.id)
            rows = {r["unit_key"]: r for r in await s.progress.unit_rows(user.id, course.id)}
            reading = await s.progress.reading(user.id, course.id)
            if not sees_staff_material(await s.enrollments.get(user.id, course.id)):
                # read before it became staff-only: no longer one of their chapters
                hidden = {d.path for d in await s.books.documents(course.id) if d.staff_only}
                reading = [r for r in reading if r["chapter"] not in hidden]
        progress = [_unit_progress(u, rows.get(u.id)) for u in units]
        for unit in progress:
            unit.marked_only = unit.completed and not _done(unit, course.self_marked_counts)
        completion, quiz_average = _standing(progress)
        return CourseProgress(
            course=course.slug,
            completion=completion,
            quiz_average=quiz_average if any(p.best_quiz_score is not None for p in progress) else None,
            units=progress,
            chapters=[
                ChapterProgress(
                    chapter=r["chapter"],
                    completion_pct=r["completion_pct"],
                    time_spent_s=r["time_spent_s"],
                    read=r["completion_pct"] >= READ_AT,
                )
                for r in reading
            ],
        )

    async def read_chapters(self, user: User, course: Course) -> set[str]:
        async with self._store.read() as s:
            return {
                r["chapter"]
                for r in await s.progress.reading(user.id, course.id)
                if r["completion_pct"] >= READ_AT
            }

    async def recompute_standings(self, course: Course) -> int:
        """Every student's standing from scratch (after the units changed, or a bulk import)."""
        async with self._store.read() as s:
            units = await s.progress.units(course.id)
            rows = await s.progress.all_unit_rows(course.id)
        by_user: dict[str, dict[str, dict]] = {}
        for row in rows:
            by_user.setdefault(row["user_id"], {})[row["unit_key"]] = row
        standings = []
        for user_id, mine in by_user.items():
            progress = [_unit_progress(u, mine.get(u.id)) for u in units]
            completion, quiz = _standing(progress, course.self_marked_counts)
            reached = max((r["updated_at"] for r in mine.values()), default=None)
            standings.append((user_id, completion, quiz, reached))
        async with self._store.transaction() as s:
            await s.progress.set_standings(course.id, standings)
        return len(standings)

    async def on_course_configured(self, course: Course, changed: set[str]) -> None:
        """A new rule for the board: every standing is counted again under it."""
        if "self_marked_counts" in changed:
            await self.recompute_standings(course)

    async def restand(self, s: StoreSession, user_id: str, course: Course) -> None:
        await self._restand(s, user_id, course)

    async def _restand(self, s: StoreSession, user_id: str, course: Course) -> None:
        units = await s.progress.units(course.id)
        rows = {r["unit_key"]: r for r in await s.progress.unit_rows(user_id, course.id)}
        progress = [_unit_progress(u, rows.get(u.id)) for u in units]
        completion, quiz_average = _standing(progress, course.self_marked_counts)
        await s.progress.set_standing(user_id, course.id, completion, quiz_average, self._clock())

    async def _is_chapter(self, course: Course, chapter: str, user: User) -> bool:
        """A chapter this user may read: a staff-only one is no chapter to a student."""
        async with self._store.read() as s:
            document = await s.books.document_by_path(course.id, chapter)
            enrollment = await s.enrollments.get(user.id, course.id) if document is not None else None
        if document is None:
            return False
        return not document.staff_only or sees_staff_material(enrollment)


def standing_from_rows(
    units: list[Unit], rows: dict[str, dict], self_marked_counts: bool
) -> tuple[float, float]:
    """A student's standing for the board (completion, quiz average) from their unit rows by unit."""
    return _standing([_unit_progress(u, rows.get(u.id)) for u in units], self_marked_counts)


def _done(unit: UnitProgress, self_marked_counts: bool) -> bool:
    backed = unit.completion_pct >= READ_AT or unit.best_quiz_score is not None
    return unit.completed and (self_marked_counts or backed)


def _unit_progress(unit: Unit, row: dict | None) -> UnitProgress:
    row = row or {}
    return UnitProgress(
        unit_id=unit.id,
        title=unit.title,
        completed=bool(row.get("completed", False)),
        completed_at=row.get("completed_at"),
        completion_pct=row.get("completion_pct", 0),
        time_spent_s=row.get("time_spent_s", 0),
        best_quiz_score=row.get("best_quiz_score"),
        last_quiz_score=row.get("last_quiz_score"),
    )


def _standing(units: list[UnitProgress], self_marked_counts: bool = True) -> tuple[float, float]:
    """Course completion (a completed unit counts fully) and the mean best quiz score.

    The student's own view counts every unit they marked; the leaderboard's standing, unless the
    course says self-marked completion counts, only those that reading or a quiz attempt backs."""
    if not units:
        return 0.0, 0.0
    completion = sum(100 if _done(u, self_marked_counts) else u.completion_pct for u in units) / len(units)
    scores = [u.best_quiz_score for u in units if u.best_quiz_score is not None]
    return round(completion, 2), round(sum(scores) / len(scores), 2) if scores else 0.0
