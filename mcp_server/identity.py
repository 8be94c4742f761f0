"""Who is calling: the local user or a token's owner over stdio, the bearer token's owner over HTTP."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken

from core.app import App
from core.errors import AuthenticationFailed, PermissionDenied, StudyhallError
from core.models.accounts import ALL_SCOPES, Course, User
from mcp_server.limits import CLIENT

log = logging.getLogger(__name__)

READ = "read"
WRITE = "progress:write"
LOCAL_SUBJECT = "mcp"
LOCAL_NAME = "Local user"


@dataclass(frozen=True)
class Caller:
    user: User
    scopes: frozenset[str]
    course_id: str | None = None  # the course its token is bound to; None: any (or no token)
    role: str | None = None  # their role in the served course, once Runtime.caller() admitted them

    def can(self, scope: str) -> bool:
        return scope in self.scopes

    def require(self, scope: str) -> None:
        if scope not in self.scopes:
            raise PermissionDenied(
                f"This token lacks the scope {scope!r}; "
                f"create one that has it (studyhall token create --scope {scope})."
            )


class Identity(Protocol):
    async def caller(self) -> Caller: ...


class LocalIdentity:
    """stdio without a token: the data directory's local user, with every scope."""

    def __init__(self, app: App):
        self._app = app
        self._caller: Caller | None = None

    async def caller(self) -> Caller:
        if self._caller is None:
            user = await self._app.accounts.resolve("local", LOCAL_SUBJECT, LOCAL_NAME)
            self._caller = Caller(user, frozenset(ALL_SCOPES))
        return self._caller


class TokenIdentity:
    """stdio with STUDYHALL_TOKEN: the token's owner, re-checked on every call (revocation bites at once)."""

    def __init__(self, app: App, token: str):
        self._app = app
        self._token = token

    async def caller(self) -> Caller:
        # Like HTTP, every call needs `read`; writes check progress:write on top.
        user, record = await self._app.tokens.verify(self._token, surface="mcp", required_scopes=[READ])
        return Caller(user, frozenset(record.scopes), record.course_id)


class StudentAccessToken(AccessToken):
    """An access token that carries the account it belongs to (never rendered to clients)."""

    user: User
    course_id: str | None = None  # the one course the token works on, if bound


class BearerIdentity:
    """HTTP: the owner of the request's bearer token, verified by CoreTokenVerifier."""

    async def caller(self) -> Caller:
        token = get_access_token()
        if not isinstance(token, StudentAccessToken):
            raise AuthenticationFailed("no bearer token")
        return Caller(token.user, frozenset(token.scopes), token.course_id)


class CoreTokenVerifier:
    """The SDK's TokenVerifier over the core's api_tokens: expiry, revocation, scopes."""

    def __init__(self, app: App, resource: str | None = None):
        self._app = app
        self._resource = resource

    async def verify_token(self, token: str) -> AccessToken | None:
        try:
            user, record = await self._app.tokens.verify(token, surface="mcp", client=CLIENT.get())
        except StudyhallError as err:
            log.debug("bearer token refused: %s", err)
            return None
        return StudentAccessToken(
            token=token,
            client_id=user.id,
            subject=user.id,
            scopes=list(record.scopes),
            expires_at=int(record.expires_at.timestamp()) if record.expires_at else None,
            resource=self._resource,
            user=user,
            course_id=record.course_id,
        )


async def identity_for(app: App, token: str | None, course: Course | None = None) -> Identity:
    """The stdio identity: the token's owner when a token is given (checked now), else the local user.

    A token's owner is served only where they are a member (each call says so otherwise). The local
    user is the operator at this machine: starting the server for `course` enrols it there, hidden
    from the leaderboard, so it can study and record progress without appearing to the class."""
    if token and token.strip():
        identity = TokenIdentity(app, token.strip())
        await identity.caller()  # fail at start, not on the first tool call
        return identity
    local = LocalIdentity(app)
    if course is not None:
        user = (await local.caller()).user
        enrollment = await app.accounts.enroll(user.id, course.id, leaderboard_visible=False)
        if enrollment.leaderboard_visible:  # enrolled (and shown) by an older version
            await app.accounts.set_leaderboard_visibility(user.id, False, surface="mcp", course_id=course.id)
    return local
