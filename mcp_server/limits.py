"""HTTP abuse limits in front of the MCP app. A client address that keeps presenting bad tokens is
answered 429 before any token is looked up (the core counts failures in the database, so every
process agrees), and one token may have only a few requests in flight in this process."""

from __future__ import annotations

import hashlib
import ipaddress
import math
from collections import Counter
from contextvars import ContextVar

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from core.app import App
from core.errors import RateLimited

# The address of the HTTP client being served: the token verifier counts failures against it.
CLIENT: ContextVar[str | None] = ContextVar("studyhall_mcp_client", default=None)
BUSY_RETRY_SECONDS = 1


class RequestLimits:
    """ASGI middleware: the failed-token slow-down per client, the in-flight cap per token."""

    def __init__(self, app: ASGIApp, core: App, in_flight: int):
        self._app = app
        self._core = core
        self._in_flight = in_flight
        self._busy: Counter[str] = Counter()  # requests in flight, per hashed Authorization header

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _bearer_key(scope) if scope["type"] == "http" else None
        if key is None:
            await self._app(scope, receive, send)
            return
        client = client_key(scope["client"][0]) if scope.get("client") else None
        try:
            await self._core.tokens.failures.check(client)
        except RateLimited as err:
            seconds = math.ceil(err.retry_after.total_seconds())
            await _too_many(str(err), seconds)(scope, receive, send)
            return
        if self._busy[key] >= self._in_flight:
            text = f"This token already has {self._in_flight} requests in flight; wait for one to finish."
            await _too_many(text, BUSY_RETRY_SECONDS)(scope, receive, send)
            return
        self._busy[key] += 1
        reset = CLIENT.set(client)
        try:
            await self._app(scope, receive, send)
        finally:
            CLIENT.reset(reset)
            self._busy[key] -= 1
            if self._busy[key] <= 0:
                del self._busy[key]


def client_key(host: str) -> str:
    """Who is counted: an IPv4 address, or an IPv6 /64 (one host usually holds a whole /64)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _bearer_key(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization" and value[:7].lower() == b"bearer ":
            return hashlib.sha256(value[7:].strip()).hexdigest()
    return None


def _too_many(text: str, seconds: int) -> JSONResponse:
    return JSONResponse(
        {"error": "too_many_requests", "error_description": text},
        status_code=429,
        headers={"Retry-After": str(max(1, seconds))},
    )
