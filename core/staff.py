"""Who may run a course: its instructors and TAs. Front ends hide staff commands from students, but
the rule lives here so every surface gets it."""

from __future__ import annotations

from core import validation
from core.accounts import Accounts
from core.courses import Courses
from core.errors import PermissionDenied
from core.models.accounts import Course, Enrollment, User

STAFF_ROLES = ("instructor", "ta")


def sees_staff_material(enrollment: Enrollment | None) -> bool:
    """May this member of a course see its staff-only pages (solutions, rubrics, teacher guides)?
    Its instructors and TAs may; students, and anyone not enrolled, may not."""
    return enrollment is not None and enrollment.role in STAFF_ROLES


class Staff:
    def __init__(self, courses: Courses, accounts: Accounts):
        self._courses = courses
        self._accounts = accounts

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
        self, user: User, guild_id: str, slug: str, name: str | None, *, manages_guild: bool
    ) -> Course:
        """Bind a Discord server to a course (created when new) and make its binder an instructor.

        Only someone who manages the server may bind it, and only to a new course or one they
        already teach: binding is how a server's managers become a course's instructors.
        """
        if not manages_guild:
            raise PermissionDenied("Only someone who can manage this server can bind it to a course.")
        slug = validation.slug(slug)
        course = await self._courses.get_or_create(slug, name)
        if await self._course_has_instructor(course) and not await self.is_staff(user, course):
            raise PermissionDenied(
                f"The course {slug!r} already has instructors; one of them must bind this server."
            )
        await self._courses.bind_guild(slug, guild_id)
        await self._accounts.set_role(user.id, course.id, "instructor", surface="discord", actor_id=user.id)
        await self._accounts.enter_course(user.id, course.id)
        return course

    async def _course_has_instructor(self, course: Course) -> bool:
        return bool(await self._accounts.instructors(course.id))
