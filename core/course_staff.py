"""Managing a course's staff from where the class is: instructors name TAs and instructors, and map
a Discord role of the class's server to a course role. The rules live here, for every surface."""

from __future__ import annotations

from dataclasses import dataclass

from core import validation
from core.accounts import Accounts
from core.clock import Clock, utcnow
from core.errors import InvalidInput
from core.models.accounts import Course, Enrollment, RoleMapping, User
from core.staff import STAFF_ROLES, Staff
from core.store.session import Store

MAPPED = "discord_role"  # the role_source of a role a mapped Discord role gave
_RANK = {"student": 0, "ta": 1, "instructor": 2}


@dataclass(frozen=True)
class StaffMember:
    user: User
    enrollment: Enrollment

    @property
    def name(self) -> str:
        """The name the class's server knows them by (a nickname), else their own."""
        return self.enrollment.display_name or self.user.display_name


class CourseStaff:
    def __init__(self, store: Store, accounts: Accounts, staff: Staff, clock: Clock = utcnow):
        self._store = store
        self._accounts = accounts
        self._staff = staff
        self._clock = clock

    async def add(
        self, actor: User, course: Course, person: User, role: str, *, name: str | None = None
    ) -> Enrollment:
        """An instructor makes `person` a TA or an instructor of the course (by hand: a Discord role
        losing its mapping never takes it back). `name` is what the server calls them."""
        await self._staff.require(actor, course, instructor=True)
        role = validation.choice("staff role", role, STAFF_ROLES)
        await self._accounts.enroll(person.id, course.id)
        if name:
            await self._accounts.name_in_course(person.id, course.id, name)
        return await self._accounts.set_role(
            person.id, course.id, role, surface="discord", actor_id=actor.id, keep_an_instructor=True
        )

    async def remove(self, actor: User, course: Course, person: User) -> Enrollment:
        """An instructor makes a staff member a student again; never the course's last instructor,
        and never one whose role a mapped Discord role gives (it would come back at once)."""
        await self._staff.require(actor, course, instructor=True)
        enrollment = await self._accounts.enrollment(person.id, course.id)
        if enrollment is None or enrollment.role not in STAFF_ROLES:
            raise InvalidInput("member", f"{person.display_name} is not on the staff of {course.name}.")
        if enrollment.role_source == MAPPED:
            raise InvalidInput(
                "member",
                f"{person.display_name} is {enrollment.role} through a Discord role: take that role "
                "away from them in the server's settings, or change its mapping with `/course staff role`.",
            )
        return await self._accounts.set_role(
            person.id, course.id, "student", surface="discord", actor_id=actor.id, keep_an_instructor=True
        )

    async def members(self, actor: User, course: Course) -> list[StaffMember]:
        """The course's instructors, then its TAs (TAs may look too)."""
        await self._staff.require(actor, course)
        found: list[StaffMember] = []
        for role in ("instructor", "ta"):
            async with self._store.read() as s:
                enrollments = await s.enrollments.for_course(course.id, role)
            for enrollment in enrollments:
                found.append(StaffMember(await self._accounts.get(enrollment.user_id), enrollment))
        return found

    # Discord roles that carry a course role

    async def map_role(
        self, actor: User, course: Course, guild_id: str, discord_role_id: str, role: str
    ) -> RoleMapping | None:
        """Whoever has the Discord role gets `role` in the course ("none": the mapping goes, and with
        it the roles it gave, as each of them next uses Studyhall). The caller checked that the
        role is one of this server's: only this server's mappings ever count for its course."""
        await self._staff.require(actor, course, instructor=True)
        role = validation.choice("course role", role, (*STAFF_ROLES, "none"))
        guild_id = validation.discord_id(guild_id)
        discord_role_id = validation.discord_id(discord_role_id)
        if discord_role_id == guild_id:
            raise InvalidInput(
                "Discord role", "@everyone cannot carry a course role: make a role for your staff."
            )
        async with self._store.transaction() as s:
            if role == "none":
                await s.role_maps.delete(guild_id, discord_role_id)
                return None
            await s.role_maps.put(guild_id, discord_role_id, course.id, role, self._clock())
            mappings = await s.role_maps.for_course_in(course.id, guild_id)
        return next(m for m in mappings if m.discord_role_id == discord_role_id)

    async def mappings(self, actor: User, course: Course, guild_id: str) -> list[RoleMapping]:
        await self._staff.require(actor, course)
        async with self._store.read() as s:
            return await s.role_maps.for_course_in(course.id, guild_id)

    async def follow_roles(
        self, user: User, course: Course, enrollment: Enrollment, guild_id: str, role_ids: list[str]
    ) -> Enrollment:
        """Bring a member's course role in line with the Discord roles they carry in the course's
        server now: a mapped role gives its course role, and losing it takes back only what a
        mapping gave. A role given by hand (here or by the operator) is never changed."""
        async with self._store.read() as s:
            mappings = await s.role_maps.for_course_in(course.id, guild_id)
        if not mappings and enrollment.role_source != MAPPED:
            return enrollment
        carried = set(role_ids)
        given = [m.role for m in mappings if m.discord_role_id in carried]
        mapped = max(given, key=_RANK.__getitem__) if given else None
        if enrollment.role_source != MAPPED:
            if mapped is None or enrollment.role != "student":
                return enrollment  # nothing mapped, or a role given by hand
            return await self._accounts.set_role(user.id, course.id, mapped, surface="discord", source=MAPPED)
        if mapped is None:
            return await self._accounts.set_role(user.id, course.id, "student", surface="discord")
        if mapped != enrollment.role:
            return await self._accounts.set_role(user.id, course.id, mapped, surface="discord", source=MAPPED)
        return enrollment
