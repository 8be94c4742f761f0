"""What every entry point (`studyhall`, `studyhall-mcp`, the bot) does first."""

from __future__ import annotations

import logging
import sys

from pydantic import ValidationError

from core.redact import RedactingFilter
from core.settings import Settings


def configure_logging(verbose: bool, *, prog: str | None = None) -> None:
    """Logs go to stderr (stdout may be a protocol), once, at the chosen level. A command a person
    runs (`prog`) shows its few warnings as its own lines ("studyhall: warning: …"); with -v, and
    for the servers, each line names its logger."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if prog is not None and not verbose:
        for handler in logging.getLogger().handlers:
            if type(handler) is logging.StreamHandler:  # ours, not a test runner's capture
                handler.setFormatter(_PlainLines(prog))
    for handler in logging.getLogger().handlers:  # no URL password in any log line
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


class _PlainLines(logging.Formatter):
    """ "studyhall: warning: …", as a command's own messages read."""

    def __init__(self, prog: str):
        super().__init__()
        self._prog = prog

    def format(self, record: logging.LogRecord) -> str:
        return f"{self._prog}: {record.levelname.lower()}: {record.getMessage()}"


def load_settings() -> Settings:
    """The settings, or ValueError with one readable line naming the bad variable."""
    try:
        return Settings()
    except ValidationError as err:
        first = err.errors()[0]
        where = f"STUDYHALL_{str(first['loc'][0]).upper()}: " if first["loc"] else ""
        raise ValueError(f"bad configuration: {where}{first['msg'].removeprefix('Value error, ')}") from None
