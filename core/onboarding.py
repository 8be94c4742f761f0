"""A member's start in a course and the course of their DMs.

The welcome is shown once per member and course (claimed atomically, so two shards or a retry
never greet twice). The DM course is the one the member picked; on first use, with none picked,
the course they used last is picked for them (the front end says so once), and visiting another
class never moves it. Only a member's own courses can be picked: a course they are not in is
refused in the same words as one that does not exist."""

from __future__ import annotations

from dataclasses import dataclass, field

from core import validation
from core.clock import Clock, utcnow
from core.errors import InvalidInput
from core.models.accounts import Course, Enrollment
from core.store.session import Store


@dataclass(frozen=True)
class DmCourse:
    """Where a DM goes: `course` (None: it can't be told), whether it was `just_picked` for the
    member (say so), and when there are several and none was ever used, the `choices`."""

    course: Course | None
    just_picked: bool = False
    choices: list[Course] = field(default_factory=list)


def not_yours(typed: str) -> InvalidInput:
    return InvalidInput(
        "course", f"You are not in a course called {typed!r}: pick one of yours (/courses lists them)."
    )


class Onboarding:
    def __init__(self, store: Store, clock: Clock = utcnow):
        self._store = store
        self._clock = clock

    async def welcome_once(self, user_id: str, course_id: str) -> bool:
        """True the first time (only) for this member of this course: then show the welcome."""
        async with self._store.transaction() as s:
            return await s.enrollments.claim_welcome(user_id, course_id, self._clock())

    async def own_courses(self, user_id: str) -> list[tuple[Course, Enrollment]]:
        """The member's courses with their enrollments, in the order they joined."""
        async with self._store.read() as s:
            enrollments = await s.enrollments.for_user(user_id)
            found = [(await s.courses.get(e.course_id), e) for e in enrollments]
        return [(course, e) for course, e in found if course is not None]

    async def dm_course(self, user_id: str, *, pick: bool = True) -> DmCourse:
        """`pick`: with none picked yet, persist the one chosen for them (False: only looking)."""
        async with self._store.read() as s:
            picked = await s.enrollments.dm_course(user_id)
            if picked is not None:
                return DmCourse(await s.courses.get(picked.course_id))
            latest = await s.enrollments.last_active(user_id)
        own = await self.own_courses(user_id)
        if latest is None and len(own) != 1:
            return DmCourse(None, choices=[course for course, _ in own])
        chosen = latest.course_id if latest is not None else own[0][1].course_id
        if not pick:
            return DmCourse(next(course for course, _ in own if course.id == chosen))
        async with self._store.transaction() as s:
            await s.enrollments.pick_for_dm(user_id, chosen, self._clock())
            course = await s.courses.get(chosen)
        return DmCourse(course, just_picked=True)

    async def pick_dm_course(self, user_id: str, typed: str) -> Course:
        """Pick one of the member's courses for DMs, by slug or name (or id, from the DM picker)."""
        wanted = validation.text("course", typed, max_chars=255).casefold()
        for course, _ in await self.own_courses(user_id):
            if wanted in (course.slug.casefold(), course.name.casefold(), course.id):
                async with self._store.transaction() as s:
                    await s.enrollments.pick_for_dm(user_id, course.id, self._clock())
                return course
        raise not_yours(typed.strip())
