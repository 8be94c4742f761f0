"""Who may use a course away from its Discord server (MCP, tokens): its members only, and through a
token that is bound to that course or to none. Nobody becomes a member here."""

from __future__ import annotations

from core.accounts import Accounts
from core.courses import Courses
from core.errors import NotFound, TokenNotForCourse
from core.models.accounts import Course, Enrollment, User


class Access:
    def __init__(self, accounts: Accounts, courses: Courses):
        self._accounts = accounts
        self._courses = courses

    async def require(self, user: User, course: Course, *, token_course_id: str | None = None) -> Enrollment:
        """The user's enrollment in `course`; TokenNotForCourse or NotMember otherwise."""
        if token_course_id is not None and token_course_id != course.id:
            try:
                bound = (await self._courses.get_by_id(token_course_id)).slug
            except NotFound:  # pragma: no cover - the column cascades with its course
                bound = "another course"
            raise TokenNotForCourse(bound, course.name)
        return await self._accounts.member(user.id, course)
