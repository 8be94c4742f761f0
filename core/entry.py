"""What every entry point (`studyhall`, `studyhall-mcp`, the bot) does first."""

from __future__ import annotations

import logging
import sys

from pydantic import ValidationError

from core.redact import RedactingFilter
from core.settings import Settings


def configure_logging(verbose: bool) -> None:
    """Logs go to stderr (stdout may be a protocol), once, at the chosen level."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    for handler in logging.getLogger().handlers:  # no URL password in any log line
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


def load_settings() -> Settings:
    """The settings, or ValueError with one readable line naming the bad variable."""
    try:
        return Settings()
    except ValidationError as err:
        first = err.errors()[0]
        where = f"STUDYHALL_{str(first['loc'][0]).upper()}: " if first["loc"] else ""
        raise ValueError(f"bad configuration: {where}{first['msg'].removeprefix('Value error, ')}") from None
