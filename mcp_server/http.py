"""Streamable HTTP: stateless, answers as SSE streams, at /mcp, every request carrying a bearer token."""

from __future__ import annotations

import errno
import logging
import socket

import uvicorn
from mcp.server import MCPServer
from mcp.server.auth.settings import AuthSettings
from starlette.applications import Starlette
from starlette.middleware import Middleware

from core.app import App
from mcp_server.course_gate import CourseGate
from mcp_server.identity import READ, BearerIdentity, CoreTokenVerifier
from mcp_server.limits import RequestLimits
from mcp_server.server import Runtime, build_server

log = logging.getLogger(__name__)

PATH = "/mcp"


def base_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def http_server(app: App, course_slug: str, host: str, port: int) -> MCPServer:
    """The MCP server as a protected resource: tokens from `studyhall token create` or the bot's /token."""
    url = base_url(host, port)
    return build_server(
        Runtime(app, course_slug, BearerIdentity()),
        token_verifier=CoreTokenVerifier(app, resource=url + PATH),
        auth=AuthSettings(
            # Tokens are issued by Studyhall itself (CLI or bot), not by an OAuth server.
            issuer_url=url,  # type: ignore[arg-type]
            resource_server_url=url + PATH,  # type: ignore[arg-type]
            required_scopes=[READ],
            validate_token_resource=False,
        ),
    )


def http_app(app: App, course_slug: str, host: str, port: int) -> Starlette:
    server = http_server(app, course_slug, host, port)
    # Answers as an SSE stream (not one JSON body), so that progress notifications reach the client
    # while ask_book waits for a model; the request's response ends the stream.
    starlette = server.streamable_http_app(
        streamable_http_path=PATH, stateless_http=True, json_response=False, host=host
    )
    # Last in the list: it runs after the bearer token has been verified (members only, see course_gate).
    starlette.user_middleware.append(Middleware(CourseGate, core=app, course_slug=course_slug, path=PATH))
    # Outermost of the app's middleware: it runs before the SDK's bearer-token check.
    starlette.add_middleware(RequestLimits, core=app, in_flight=app.settings.mcp_in_flight)
    return starlette


def listening_socket(host: str, port: int) -> socket.socket:
    """The bound, listening socket uvicorn serves on. Bound here so that a port in use is an
    OSError with one readable line, not uvicorn's log line and its exit status 3."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as err:
        raise OSError(f"cannot listen on {host}:{port}: {err.strerror}") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as err:
        sock.close()
        if err.errno == errno.EADDRINUSE:
            raise OSError(f"{host}:{port} is already in use; pick another --port") from None
        raise OSError(f"cannot listen on {host}:{port}: {err.strerror}") from None
    return sock


def uvicorn_server(app: App, course_slug: str, host: str, port: int) -> uvicorn.Server:
    """A uvicorn server for the app; logs through the root logger (stderr), no access log."""
    config = uvicorn.Config(
        http_app(app, course_slug, host, port),
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
    )
    return uvicorn.Server(config)
