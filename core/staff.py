"""Who may run a course: its instructors and TAs. Front ends hide staff commands from students, but
the rule lives here so every surface gets it."""

from __future__ import annotations

from dataclasses import dataclass

from core import validation
from core.accounts import Accounts
from core.bind_codes import BindCodes, refused
from core.courses import Courses
from core.errors import AlreadyExists, NotFound, PermissionDenied
from core.models.accounts import Course, Enrollment, User

STAFF_ROLES = ("instructor", "ta")
LEAVING_PREFIX = 8  # characters of the left course's id a confirmation must carry


@dataclass(frozen=True)
class Binding:
    """What binding a server did, or — when `done` is False — what it would do once confirmed."""

    course: Course
    done: bool
    role: str | None = None  # the binder's role in the course afterwards
    created: bool = False  # the course was made by this binding
    left: Course | None = None  # the course the server left (or would leave)
    already: bool = False  # the server was already this course's: nothing changed
    via: str = ""  # how the binder may bind it: "new course", "instructor" or "code"


def sees_staff_material(enrollment: Enrollment | None) -> bool:
    """May this member of a course see its staff-only pages (solutions, rubrics, teacher guides)?
    Its instructors and TAs may; students, and anyone not enrolled, may not."""
    return enrollment is not None and enrollment.role in STAFF_ROLES


class Staff:
    def __init__(self, courses: Courses, accounts: Accounts, bind_codes: BindCodes):
        self._courses = courses
        self._accounts = accounts
        self._codes = bind_codes

    async def require(self, user: User, course: Course, *, instructor: bool = False) -> Enrollment:
        """The user's enrollment when they are staff of the course; PermissionDenied otherwise."""
        enrollment = await self._accounts.enrollment(user.id, course.id)
        allowed = ("instructor",) if instructor else STAFF_ROLES
        if enrollment is None or enrollment.role not in allowed:
            who = "instructors" if instructor else "instructors and TAs"
            raise PermissionDenied(f"Only the {who} of {course.name} can do this.")
        return enrollment

    async def is_staff(self, user: User, course: Course) -> bool:
        enrollment = await self._accounts.enrollment(user.id, course.id)
        return enrollment is not None and enrollment.role in STAFF_ROLES

    async def sees_staff_material(self, user: User | None, course: Course) -> bool:
        """sees_staff_material for this user's enrollment (read-only: creates nothing)."""
        if user is None:
            return False
        return sees_staff_material(await self._accounts.enrollment(user.id, course.id))

    async def setup_guild(
        self,
        user: User,
        guild_id: str,
        slug: str,
        name: str | None,
        *,
        manages_guild: bool,
        code: str | None = None,
        leaving: str | None = None,
    ) -> Binding:
        """Bind a Discord server to a course.

        A new course is made with the binder as its instructor. An existing one is bound only by one
        of its instructors, or with a one-time code from the operator; a code makes the binder
        instructor only of a course that has none, and nothing else changes anyone's role. A server
        that has another course moves only when `leaving` names that course (its id, or the id's
        first characters): otherwise the returned Binding is not done and asks for that.
        """
        if not manages_guild:
            raise PermissionDenied("Only someone who can manage this server can bind it to a course.")
        slug = validation.slug(slug)
        guild_id = validation.text("guild id", guild_id, max_chars=32)
        code = (code or "").strip() or None
        course, created = await self._course_to_bind(user, slug, name, code)
        via = "new course" if created else await self._authorise(user, course, code)
        current = await self._bound_course(guild_id)
        if current is not None and current.id == course.id:
            return Binding(course, True, role=await self._role(user, course), already=True, via=via)
        if current is not None and not _agreed(leaving, current):
            if via == "code":
                await self._codes.check(course, code or "", user.id, guild_id)
            role = await self._role(user, course)
            return Binding(course, False, role=role, created=created, left=current, via=via)
        if via == "code":
            await self._codes.use(course, code or "", user.id, guild_id)
            if not await self._course_has_instructor(course):
                await self._accounts.set_role(
                    user.id, course.id, "instructor", surface="discord", actor_id=user.id
                )
        await self._courses.bind_guild(
            slug,
            guild_id,
            surface="discord",
            actor_id=user.id,
            via=via,
            left_course_id=current.id if current else None,
        )
        enrollment = await self._accounts.enter_course(user.id, course.id)
        return Binding(course, True, role=enrollment.role, created=created, left=current, via=via)

    async def _course_to_bind(
        self, user: User, slug: str, name: str | None, code: str | None
    ) -> tuple[Course, bool]:
        """The course and whether it was made now (with the binder as instructor)."""
        try:
            return await self._courses.get(slug), False
        except NotFound:
            if code is not None:
                raise refused(slug) from None  # a code is for an existing course
        try:
            course = await self._courses.create(slug, name or slug)
        except AlreadyExists:  # made meanwhile by someone else: theirs, not ours
            return await self._courses.get(slug), False
        await self._accounts.set_role(user.id, course.id, "instructor", surface="discord", actor_id=user.id)
        return course, True

    async def _authorise(self, user: User, course: Course, code: str | None) -> str:
        """How the user may bind this existing course: as its instructor, or with a code."""
        if await self._role(user, course) == "instructor":
            return "instructor"
        if code is not None:
            return "code"
        hint = f"the operator can give you a one-time code: `studyhall course bind-code {course.slug}`"
        if await self._course_has_instructor(course):
            raise PermissionDenied(
                f"The course {course.slug!r} already has instructors; one of them must bind this "
                f"server, or {hint}."
            )
        raise PermissionDenied(
            f"The course {course.slug!r} has no instructor yet, so it is bound only with a one-time "
            f"code: {hint}, then run `/course setup slug:{course.slug} code:…`."
        )

    async def _bound_course(self, guild_id: str) -> Course | None:
        try:
            return await self._courses.for_guild(guild_id)
        except NotFound:
            return None

    async def _role(self, user: User, course: Course) -> str | None:
        enrollment = await self._accounts.enrollment(user.id, course.id)
        return enrollment.role if enrollment else None

    async def _course_has_instructor(self, course: Course) -> bool:
        return bool(await self._accounts.instructors(course.id))


def _agreed(leaving: str | None, current: Course) -> bool:
    """The caller confirmed leaving exactly the course the server has now."""
    return leaving is not None and len(leaving) >= LEAVING_PREFIX and current.id.startswith(leaving)
