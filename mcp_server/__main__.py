"""`studyhall-mcp --course SLUG [--http] [--host 127.0.0.1] [--port N]`.

stdio by default: stdout carries the protocol and nothing else; logs go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence

from core.app import open_app
from core.entry import configure_logging, load_settings
from core.errors import StudyhallError
from core.redact import redact_text
from core.settings import Settings

log = logging.getLogger("studyhall.mcp")

DEFAULT_PORT = 8765


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studyhall-mcp",
        description="Studyhall's MCP server: the course book and progress for AI assistants.",
    )
    parser.add_argument("--course", required=True, help="the course's slug (studyhall course list)")
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP at /mcp instead of stdio")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP address to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"HTTP port (default {DEFAULT_PORT})")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens (to stderr)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    if not 0 < args.port < 65536:
        return _fail(f"--port must be between 1 and 65535 (got {args.port})")
    try:
        settings = load_settings()
    except ValueError as err:
        return _fail(str(err))
    try:
        asyncio.run(_serve(settings, args))
    except StudyhallError as err:
        return _fail(str(err))
    except (OSError, ConnectionError) as err:
        return _fail(f"cannot start: {err}")
    except SystemExit as err:  # a server library giving up on its own: still one line, status 1
        return _fail(f"cannot start (status {err.code})")
    except KeyboardInterrupt:
        pass
    return 0


async def _serve(settings: Settings, args: argparse.Namespace) -> None:
    async with open_app(settings) as app:  # migrates the database
        course = await app.courses.get(args.course)
        if args.http:  # a port in use: one line, before anything else is said or started
            from mcp_server.http import listening_socket

            listening = listening_socket(args.host, args.port)
        # Load the model and index in the background: the first search waits for it, startup does not.
        warming = asyncio.create_task(app.library.warm(course))
        warming.add_done_callback(_report_warm)
        try:
            if args.http:
                from mcp_server.http import base_url, uvicorn_server

                if args.host not in ("127.0.0.1", "localhost", "::1"):
                    log.warning("serving on %s: anyone who can reach it still needs a token", args.host)
                log.warning("Studyhall MCP for %r at %s/mcp", course.slug, base_url(args.host, args.port))
                server = uvicorn_server(app, course.slug, args.host, args.port)
                await server.serve(sockets=[listening])
                if not server.started:
                    raise OSError(f"could not listen on {args.host}:{args.port}")
            else:
                from mcp_server.identity import identity_for
                from mcp_server.server import Runtime, build_server

                identity = await identity_for(app, os.environ.get("STUDYHALL_TOKEN"), course)
                await build_server(Runtime(app, course.slug, identity)).run_stdio_async()
        finally:
            warming.cancel()


def _report_warm(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("could not load the book index: %s", task.exception())


def _fail(message: str) -> int:
    # stdout is the protocol: the one line for the person goes to stderr
    sys.stderr.write(f"studyhall-mcp: error: {redact_text(message)}\n")
    return 1


if __name__ == "__main__":
    sys.exit(main())
