"""Who is asking, and in which course: a Discord user becomes an account on first use, a server maps
to its course, and a DM goes to the course the user picked for DMs (or they are asked to pick)."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot import course_line, welcome
from bot.errors import NeedsCourse
from bot.role_option import carried_role_ids
from core.app import App
from core.errors import NotFound
from core.models.accounts import Course, Enrollment, User
from core.staff import sees_staff_material

NO_COURSE_YET = (
    "I don't know your course yet: use a Studyhall command in your class's Discord server first, "
    "then you can use me in DMs too."
)


@dataclass(frozen=True)
class Who:
    user: User
    course: Course
    enrollment: Enrollment

    @property
    def is_staff(self) -> bool:
        return self.enrollment.role in ("instructor", "ta")

    @property
    def sees_staff_material(self) -> bool:
        """The core's rule: may this person see the course's staff-only pages?"""
        return sees_staff_material(self.enrollment)


def app_of(interaction: discord.Interaction) -> App:
    app = getattr(interaction.client, "app", None)
    if app is None:
        raise RuntimeError("the bot was started without the core")
    return app


async def account(interaction: discord.Interaction) -> User:
    """The Studyhall account of the person interacting (created on first use).

    Its name is the person's own (global name, else username), the same in every server; the
    name they go by in one server (a nickname) is kept on that course's enrollment by who()."""
    person = interaction.user
    name = (getattr(person, "global_name", None) or person.name or str(person.id))[:255]
    return await app_of(interaction).accounts.resolve("discord", str(person.id), name)


async def existing_account(interaction: discord.Interaction) -> User | None:
    """The person's account if they have one, creating and renaming nothing: for looking."""
    try:
        return await app_of(interaction).accounts.find("discord", str(interaction.user.id))
    except NotFound:
        return None


def server_name(interaction: discord.Interaction) -> str | None:
    """In a server, the member's display name there: nickname, then global name, then username."""
    person = interaction.user
    if interaction.guild_id is None or not isinstance(person, discord.Member):
        return None
    return (person.display_name or person.name or str(person.id))[:255]


async def course_of(interaction: discord.Interaction, user: User | None, *, pick: bool = False) -> Course:
    """The server's course; in a DM, the course the user picked for DMs (None, someone with no
    account: no course). Visiting another server never moves DMs; see core/onboarding.py. `pick`:
    someone using Studyhall (not merely looking) who never had a DM course gets one, and is told."""
    app = app_of(interaction)
    if interaction.guild_id is not None:
        return await app.courses.for_guild(str(interaction.guild_id))
    if user is None:
        raise NotFound("course", "for you", NO_COURSE_YET)
    found = await app.onboarding.dm_course(user.id, pick=pick)
    if found.course is None and found.choices:
        raise NeedsCourse([(c.id, c.name) for c in found.choices[:25]])
    if found.course is None:
        raise NotFound("course", "for you", NO_COURSE_YET)
    course_line.remember(interaction, found.course, just_picked=found.just_picked)
    return found.course


async def who(interaction: discord.Interaction) -> Who:
    """The account, course and enrollment behind an interaction; the user joins the course on first use.

    Using Studyhall in a class's server is how one joins its course (nothing else enrols anyone)."""
    user = await account(interaction)
    course = await course_of(interaction, user, pick=True)
    app = app_of(interaction)
    enrollment = await app.accounts.enter_course(user.id, course.id, display_name=server_name(interaction))
    roles = carried_role_ids(interaction)
    if roles is not None:  # in the course's server: its mapped Discord roles give course roles
        guild = str(interaction.guild_id)
        enrollment = await app.course_staff.follow_roles(user, course, enrollment, guild, roles)
    if enrollment.welcomed_at is None:
        welcome.due(interaction, user, course)
    return Who(user, course, enrollment)


@dataclass(frozen=True)
class Onlooker:
    """Who is looking (None: someone with no account yet) and at which course; nothing was written."""

    user: User | None
    course: Course


async def onlooker(interaction: discord.Interaction) -> Onlooker:
    """Like who(), read-only: for the board, autocomplete and other views that must create nothing."""
    user = await existing_account(interaction)
    return Onlooker(user, await course_of(interaction, user))
