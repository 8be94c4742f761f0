"""The `studyhall` command. Mistakes get one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence

from core.app import open_app
from core.commands import answers, books, courses, database, demo, doctor, progress, tokens, users
from core.entry import configure_logging, load_settings
from core.errors import StudyhallError
from core.redact import redact_text, redact_url
from core.settings import Settings

log = logging.getLogger("studyhall")

SUBCOMMANDS = (demo, database, courses, books, answers, progress, tokens, users, doctor)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studyhall", description="Studyhall: a course book's companion for Discord and MCP."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose, prog="studyhall")
    try:
        settings = load_settings()
    except ValueError as err:
        return _fail(str(err))
    try:
        return asyncio.run(_run(settings, args))
    except StudyhallError as err:
        return _fail(str(err))
    except BrokenPipeError:  # `studyhall toc | head`: the reader has what it wanted
        return _quietly_closed()
    except (OSError, ConnectionError) as err:
        where = redact_url(settings.resolved_database_url())
        return _fail(f"cannot reach the database ({where}): {err}")
    except ValueError as err:
        return _fail(str(err))
    except KeyboardInterrupt:
        return _fail("interrupted")
    except Exception as err:  # the unexpected: a short line for the user, details with -v
        log.debug("unexpected error", exc_info=True)
        if args.verbose or os.environ.get("STUDYHALL_DEBUG"):
            raise
        return _fail(f"unexpected error: {type(err).__name__}: {err} (run with -v for details)")


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    async with open_app(settings) as app:
        return await args.handler(app, args)


def _quietly_closed() -> int:
    """Exit 0 without a word, as Unix tools do; stdout points at /dev/null so that the interpreter's
    own flush at exit cannot complain about the closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 0


def _fail(message: str) -> int:
    print(f"studyhall: error: {redact_text(message)}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
