"""Accounts: courses, users and how they are known, profiles, enrollments, tokens, audit."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from core.models.fields import JsonDict, JsonList

Provider = Literal["discord", "email", "local"]
Role = Literal["student", "ta", "instructor"]
RoleSource = Literal["hand", "discord_role"]
Surface = Literal["cli", "discord", "mcp", "http", "system"]
Scope = Literal["read", "progress:write"]
AuditEvent = Literal[
    "sign_in",
    "token_created",
    "token_revoked",
    "token_verify_failed",
    "token_new_place",
    "export",
    "forget",
    "role_changed",
    "leaderboard_visibility_changed",
    "profile_changed",
    "guild_bound",
    "bind_code_created",
    "bind_code_used",
    "bind_code_refused",
]

ALL_SCOPES: tuple[Scope, ...] = ("read", "progress:write")


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)


class Course(Record):
    id: str
    slug: str
    name: str
    welcome_text: str
    llm_model: str | None
    answer_style: Literal["concise", "balanced", "detailed"]
    answer_mode: Literal["auto", "llm", "extractive"]
    hourly_question_quota: int
    is_active: bool
    created_at: datetime
    updated_at: datetime
    leaderboard_day: int = 0  # 0 = Monday: the weekly board is frozen when this day begins (UTC)
    book_url: str | None = None  # where the book is published: citations link there
    book_path: str | None = None  # the book's source folder, re-ingested on an instructor's request
    staff_only: JsonList = []  # path patterns of the book only staff may see (core.books.audience)
    book_path_by_operator: bool = False  # set from the CLI: may lie outside the books root
    self_marked_counts: bool = False  # a unit only marked complete counts on the leaderboard
    answer_threads: bool = False  # a public /ask is answered in a thread of its own (Discord)


class User(Record):
    id: str
    display_name: str
    email: str | None
    is_active: bool
    created_at: datetime
    updated_at: datetime


class GuildBinding(Record):
    """A Discord server bound to a course, and where its weekly leaderboard is posted."""

    guild_id: str
    course_id: str
    bound_at: datetime
    leaderboard_channel_id: str | None = None
    last_posted_week: str | None = None
    staff_channel_id: str | None = None  # where "Ask a TA" hands questions to the course's staff


class Identity(Record):
    id: str
    user_id: str
    provider: Provider
    subject: str
    display_name: str | None
    created_at: datetime
    last_seen_at: datetime


class Profile(Record):
    user_id: str
    experience_level: Literal["Beginner", "Intermediate", "Advanced", "Expert"] | None
    programming_languages: JsonList
    frameworks: JsonList
    available_hardware: JsonList
    robotics_hardware: JsonList
    interests: JsonList
    difficulty_preference: Literal["gentle", "balanced", "challenging"]
    learning_path: Literal["beginner", "advanced"]
    preferred_language: str
    leaderboard_visible: bool
    completed_at: datetime | None
    created_at: datetime | None
    updated_at: datetime | None


class Enrollment(Record):
    id: str
    user_id: str
    course_id: str
    role: Role
    leaderboard_visible: bool
    joined_at: datetime
    updated_at: datetime
    completion: float = 0.0  # course completion %, kept for the leaderboard
    quiz_average: float = 0.0
    reached_at: datetime | None = None  # when the standing last went up
    last_active_at: datetime | None = None  # last use of this course (a DM goes to the latest)
    display_name: str | None = None  # the name used in this course's server (a nickname), if any
    welcomed_at: datetime | None = None  # when the first-use welcome was shown (once per course)
    dm_picked_at: datetime | None = None  # when it became the course of the member's DMs
    role_source: RoleSource = "hand"  # who gave the role: by hand, or a mapped Discord role


class RoleMapping(Record):
    """A Discord role of a server that makes whoever has it staff of the server's course."""

    guild_id: str
    discord_role_id: str
    course_id: str
    role: Role
    created_at: datetime


class ApiToken(Record):
    """A token's record: never the secret, which is shown once at creation."""

    id: str
    user_id: str
    name: str
    hint: str
    scopes: JsonList
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    course_id: str | None = None  # the one course it works on; None: any course of its owner

    def state(self, now: datetime) -> Literal["active", "expired", "revoked"]:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"


class NewToken(Record):
    token: str
    record: ApiToken


class AuditEntry(Record):
    id: str
    user_id: str | None
    event: AuditEvent
    surface: Surface
    details: JsonDict
    created_at: datetime
