"""Accounts: a person, the identities they are known by, their profile and enrollments."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core import validation
from core.clock import Clock, utcnow
from core.errors import InvalidInput, NotFound, NotMember, PermissionDenied
from core.models.accounts import Course, Enrollment, Identity, Profile, User
from core.store.session import Store

PROVIDERS = ("discord", "email", "local")
ROLES = ("student", "ta", "instructor")
LAST_INSTRUCTOR = (
    "This is the course's last instructor: make someone else instructor first, so the course is "
    "never left without one."
)
# Seeing someone again updates last_seen_at at most this often: most contacts stay read-only.
SEEN_EVERY = timedelta(minutes=15)

_PROFILE_CHECKS = {
    "experience_level": lambda v: (
        None if v is None else validation.choice("experience level", v, validation.EXPERIENCE_LEVELS)
    ),
    "programming_languages": lambda v: validation.choices(
        "programming language", v, validation.PROGRAMMING_LANGUAGES
    ),
    "frameworks": lambda v: validation.choices("framework", v, validation.FRAMEWORKS),
    "available_hardware": lambda v: validation.choices("hardware", v, validation.AVAILABLE_HARDWARE),
    "robotics_hardware": lambda v: validation.choices("robotics hardware", v, validation.ROBOTICS_HARDWARE),
    "interests": validation.interests,
    "difficulty_preference": lambda v: validation.choice(
        "difficulty preference", v, validation.DIFFICULTY_PREFERENCES
    ),
    "learning_path": lambda v: validation.choice("learning path", v, validation.LEARNING_PATHS),
    "preferred_language": validation.language_code,
}


ACTIVE_TOUCH = timedelta(minutes=5)


class Accounts:
    def __init__(self, store: Store, clock: Clock = utcnow):
        self._store = store
        self._clock = clock

    async def resolve(self, provider: str, subject: str, display_name: str) -> User:
        """The user behind an identity, created on first contact.

        Safe under concurrency: the UNIQUE (provider, subject) constraint decides which of
        several simultaneous first contacts links its new user; the others drop theirs.
        """
        provider = validation.choice("identity provider", provider, PROVIDERS)
        subject = validation.text("identity", subject)
        display_name = validation.text("display name", display_name)
        now = self._clock()
        async with self._store.read() as s:
            user = await s.users.get_by_identity(provider, subject)
            identity = await s.users.get_identity(provider, subject) if user else None
        if user and identity and not _needs_touch(identity, display_name, now):
            return user
        async with self._store.transaction() as s:
            user = await s.users.get_by_identity(provider, subject)
            if user is not None:
                await s.users.touch_identity(provider, subject, display_name, now)
                if user.display_name != display_name:
                    user = await s.users.update(user.id, now, display_name=display_name) or user
                return user
            user = await s.users.insert(display_name, now)
            if await s.users.link_identity_if_absent(user.id, provider, subject, display_name, now):
                return user
            # Another process linked this identity meanwhile: use its user, drop ours.
            await s.users.delete(user.id)
            winner = await s.users.get_by_identity(provider, subject)
        if winner is None:  # pragma: no cover - the conflicting row was committed
            raise RuntimeError("identity vanished during first contact")
        return winner

    async def find(self, provider: str, subject: str) -> User:
        async with self._store.read() as s:
            user = await s.users.get_by_identity(provider, subject)
        if user is None:
            raise NotFound(
                "user", f"{provider}:{subject}", "They become a user the first time they use Studyhall."
            )
        return user

    async def get(self, user_id: str) -> User:
        async with self._store.read() as s:
            user = await s.users.get(user_id)
        if user is None:
            raise NotFound("user", user_id)
        return user

    async def identities(self, user_id: str) -> list[Identity]:
        async with self._store.read() as s:
            return await s.users.identities(user_id)

    async def set_email(self, user_id: str, email: str) -> User:
        address = validation.email(email)
        async with self._store.transaction() as s:
            owner = await s.users.get_by_email(address)
            if owner is not None and owner.id != user_id:
                raise InvalidInput("email", "That email address belongs to another account.")
            user = await s.users.update(user_id, self._clock(), email=address)
        if user is None:
            raise NotFound("user", user_id)
        return user

    # profile

    async def profile(self, user_id: str) -> Profile:
        """The saved profile, or the defaults when the user never filled it in."""
        async with self._store.read() as s:
            profile = await s.users.get_profile(user_id)
        return profile or default_profile(user_id)

    async def update_profile(self, user_id: str, surface: str = "cli", **changes: Any) -> Profile:
        unknown = set(changes) - set(_PROFILE_CHECKS)
        if unknown:
            raise InvalidInput("profile", f"Unknown profile field(s): {', '.join(sorted(unknown))}.")
        checked = {key: _PROFILE_CHECKS[key](value) for key, value in changes.items()}
        now = self._clock()
        async with self._store.transaction() as s:
            if await s.users.get(user_id) is None:
                raise NotFound("user", user_id)
            if checked.get("experience_level"):
                checked["completed_at"] = now  # the questionnaire's one required answer is given
            profile = await s.users.save_profile(user_id, checked, now)
            await s.audit.record(
                "profile_changed", surface, now, user_id=user_id, details={"fields": sorted(changes)}
            )
        return profile

    # enrollments

    async def enroll(
        self, user_id: str, course_id: str, role: str = "student", *, leaderboard_visible: bool | None = None
    ) -> Enrollment:
        """Join a course (idempotent: an existing enrollment keeps its role). An explicit act of a
        front end (the class's Discord server, the operator's CLI); never a side effect of a tool."""
        role = validation.choice("role", role, ROLES)
        now = self._clock()
        async with self._store.transaction() as s:
            profile = await s.users.get_profile(user_id)
            visible = profile.leaderboard_visible if profile else True
            if leaderboard_visible is not None:
                visible = leaderboard_visible
            await s.enrollments.insert_if_absent(user_id, course_id, role, visible, now)
            enrollment = await s.enrollments.get(user_id, course_id)
        assert enrollment is not None
        return enrollment

    async def enter_course(self, user_id: str, course_id: str, display_name: str | None = None) -> Enrollment:
        """A user acting in a course: enrolled as a student on first use, and remembered as their
        latest course (written at most every few minutes, so a busy student costs few writes).
        `display_name` is the name they go by there (a server nickname), kept per course."""
        now = self._clock()
        if display_name is not None:
            display_name = validation.text("display name", display_name)
        async with self._store.read() as s:
            enrollment = await s.enrollments.get(user_id, course_id)
        renamed = bool(display_name and enrollment and enrollment.display_name != display_name)
        recent = enrollment and enrollment.last_active_at and now - enrollment.last_active_at < ACTIVE_TOUCH
        if recent and not renamed:
            return enrollment
        async with self._store.transaction() as s:
            if enrollment is None:
                profile = await s.users.get_profile(user_id)
                visible = profile.leaderboard_visible if profile else True
                await s.enrollments.insert_if_absent(user_id, course_id, "student", visible, now)
                if await s.enrollments.dm_course(user_id) is None:  # their first class: DMs go to it
                    await s.enrollments.pick_for_dm(user_id, course_id, now)
            if display_name is not None and (enrollment is None or renamed):
                await s.enrollments.set_display_name(user_id, course_id, display_name, now)
            await s.enrollments.touch(user_id, course_id, now)
            enrollment = await s.enrollments.get(user_id, course_id)
        assert enrollment is not None
        return enrollment

    async def name_in_course(self, user_id: str, course_id: str, display_name: str) -> None:
        """The name the user goes by in the course's server, learnt without them acting there."""
        display_name = validation.text("display name", display_name)
        async with self._store.transaction() as s:
            await s.enrollments.set_display_name(user_id, course_id, display_name, self._clock())

    async def member(self, user_id: str, course: Course) -> Enrollment:
        """The user's enrollment in the course; NotMember when they never joined it."""
        enrollment = await self.enrollment(user_id, course.id)
        if enrollment is None:
            raise NotMember(course.name)
        return enrollment

    async def latest_enrollment(self, user_id: str) -> Enrollment | None:
        """The enrollment the user used last, if any."""
        async with self._store.read() as s:
            return await s.enrollments.last_active(user_id)

    async def enrollment(self, user_id: str, course_id: str) -> Enrollment | None:
        async with self._store.read() as s:
            return await s.enrollments.get(user_id, course_id)

    async def instructors(self, course_id: str) -> list[Enrollment]:
        async with self._store.read() as s:
            return await s.enrollments.for_course(course_id, "instructor")

    async def enrollments(self, user_id: str) -> list[Enrollment]:
        async with self._store.read() as s:
            return await s.enrollments.for_user(user_id)

    async def set_role(
        self,
        user_id: str,
        course_id: str,
        role: str,
        *,
        surface: str,
        actor_id: str | None = None,
        source: str = "hand",
        keep_an_instructor: bool = False,
    ) -> Enrollment:
        """Give the user the role in the course, recording who gave it (`source`: by hand, or a
        mapped Discord role). `keep_an_instructor` refuses to take the role of the course's last
        instructor, checked in the same transaction as the change."""
        role = validation.choice("role", role, ROLES)
        now = self._clock()
        async with self._store.transaction() as s:
            before = await s.enrollments.get(user_id, course_id)
            demoted = before is not None and before.role == "instructor" and role != "instructor"
            if (
                keep_an_instructor
                and demoted
                and len(await s.enrollments.for_course(course_id, "instructor")) <= 1
            ):
                raise PermissionDenied(LAST_INSTRUCTOR)
            if before is None:
                await s.enrollments.insert_if_absent(user_id, course_id, role, True, now)
            if before is None or before.role != role or before.role_source != source:
                await s.enrollments.set_role(user_id, course_id, role, now, source)
            if before is None or before.role != role:
                await s.audit.record(
                    "role_changed",
                    surface,
                    now,
                    user_id=user_id,
                    details={
                        "course_id": course_id,
                        "from": before.role if before else None,
                        "to": role,
                        "by": actor_id,
                    }
                    | ({} if source == "hand" else {"source": source}),
                )
            enrollment = await s.enrollments.get(user_id, course_id)
        assert enrollment is not None
        return enrollment

    async def set_leaderboard_visibility(
        self, user_id: str, visible: bool, *, surface: str, course_id: str | None = None
    ) -> int:
        """Show or hide the user on leaderboards: one course, or every course and future ones."""
        now = self._clock()
        async with self._store.transaction() as s:
            if await s.users.get(user_id) is None:
                raise NotFound("user", user_id)
            if course_id is not None and await s.enrollments.get(user_id, course_id) is None:
                raise NotFound("enrollment in that course", course_id)
            changed = await s.enrollments.set_leaderboard_visible(user_id, visible, now, course_id)
            if course_id is None:
                await s.users.save_profile(user_id, {"leaderboard_visible": visible}, now)
            await s.audit.record(
                "leaderboard_visibility_changed",
                surface,
                now,
                user_id=user_id,
                details={"visible": visible, "course_id": course_id},
            )
        return changed


def default_profile(user_id: str) -> Profile:
    return Profile(
        user_id=user_id,
        experience_level=None,
        programming_languages=[],
        frameworks=[],
        available_hardware=[],
        robotics_hardware=[],
        interests=[],
        difficulty_preference="balanced",
        learning_path="beginner",
        preferred_language="en",
        leaderboard_visible=True,
        completed_at=None,
        created_at=None,
        updated_at=None,
    )


def _needs_touch(identity: Identity, display_name: str, now: Any) -> bool:
    return identity.display_name != display_name or now - identity.last_seen_at >= SEEN_EVERY
