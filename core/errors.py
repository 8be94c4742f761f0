"""Domain errors. They carry data; each front end words them once for its users."""

from __future__ import annotations

from datetime import timedelta


class StudyhallError(Exception):
    """Base of every error the core raises on purpose. ``str(err)`` is a readable sentence."""


class InvalidInput(StudyhallError):
    """Something a user typed does not fit: ``field`` names it, the message says why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class NotFound(StudyhallError):
    """A thing that was asked for does not exist."""

    def __init__(self, kind: str, key: str, hint: str | None = None):
        text = f"No {kind} {key!r}."
        if hint:
            text += f" {hint}"
        super().__init__(text)
        self.kind = kind
        self.key = key
        self.hint = hint


class AlreadyExists(StudyhallError):
    def __init__(self, kind: str, key: str):
        super().__init__(f"A {kind} {key!r} already exists.")
        self.kind = kind
        self.key = key


class PermissionDenied(StudyhallError):
    """The caller is known but may not do this."""


class AuthenticationFailed(StudyhallError):
    """A credential was missing, unknown, expired or revoked."""

    def __init__(self, reason: str):
        super().__init__(f"Authentication failed: {reason}.")
        self.reason = reason


class RateLimited(StudyhallError):
    def __init__(self, retry_after: timedelta, what: str = "requests"):
        seconds = max(1, int(retry_after.total_seconds()))
        wait = f"{seconds} seconds" if seconds < 90 else f"{round(seconds / 60)} minutes"
        super().__init__(f"You have used your {what}; try again in {wait}.")
        self.retry_after = retry_after


class LlmRequired(StudyhallError):
    """A feature that only an LLM can provide, asked for without one."""

    def __init__(self, what: str, reason: str | None = None):
        text = f"{what} needs an Anthropic API key (set ANTHROPIC_API_KEY)."
        if reason:
            text += f" {reason}"
        super().__init__(text)
        self.what = what


class StoreError(StudyhallError):
    """The database refused to start or to change (e.g. an edited migration)."""


class NotMember(PermissionDenied):
    """Someone using a course they never joined: joining is done where the class is (its Discord
    server, or the operator's CLI), never by merely calling a tool."""

    def __init__(self, course_name: str):
        super().__init__(
            f"Your account is not in the course {course_name}. Use Studyhall in the class's Discord "
            "server first (any command there makes you a student of it), or ask its instructor."
        )
        self.course_name = course_name


class TokenNotForCourse(PermissionDenied):
    """A token bound to one course, presented on another course's server."""

    def __init__(self, bound_slug: str, course_name: str):
        super().__init__(
            f"This token is only for the course {bound_slug!r}. For {course_name}, make a token "
            "with /token create in its Discord server."
        )
        self.bound_slug = bound_slug
class DatabaseUnreachable(StoreError):
    """The database did not answer; ``where`` is its URL with the password already hidden."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"cannot reach the database ({where}): {reason}")
        self.where = where
