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
        minutes = max(1, round(retry_after.total_seconds() / 60))
        super().__init__(f"Too many {what}; try again in about {minutes} minute(s).")
        self.retry_after = retry_after


class StoreError(StudyhallError):
    """The database refused to start or to change (e.g. an edited migration)."""
