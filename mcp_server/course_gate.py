"""HTTP: a course's MCP endpoint answers only the course's members, before any MCP message is read.

Runs after the bearer-token check (an authentic token), so what is left is authorisation: the
token's owner must be enrolled in the served course, and a course-bound token must be bound to it.
A refusal is HTTP 403 whose body is a JSON-RPC error, which MCP clients show to their user. There
is no WWW-Authenticate challenge: another token of the same account would not help.
"""

from __future__ import annotations

import json
import logging

from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from starlette.types import ASGIApp, Receive, Scope, Send

from core.app import App
from core.errors import PermissionDenied
from mcp_server.identity import StudentAccessToken

log = logging.getLogger(__name__)

FORBIDDEN = -32003  # a server-defined JSON-RPC error code: "you may not use this course"


class CourseGate:
    def __init__(self, app: ASGIApp, *, core: App, course_slug: str, path: str):
        self._app = app
        self._core = core
        self._slug = course_slug
        self._path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        user = scope.get("user") if scope["type"] == "http" else None
        token = user.access_token if isinstance(user, AuthenticatedUser) else None
        if isinstance(token, StudentAccessToken) and scope.get("path", "").rstrip("/") == self._path:
            try:
                course = await self._core.courses.get(self._slug)
                await self._core.access.require(token.user, course, token_course_id=token.course_id)
            except PermissionDenied as refused:
                log.info("course %s refused a token of user %s: %s", self._slug, token.user.id, refused)
                await _forbidden(send, str(refused))
                return
        await self._app(scope, receive, send)


async def _forbidden(send: Send, message: str) -> None:
    body = json.dumps(
        {"jsonrpc": "2.0", "id": None, "error": {"code": FORBIDDEN, "message": message}}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
