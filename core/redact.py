"""Secrets out of what we show: passwords in URLs become ``***`` in errors, `doctor` and logs."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit, urlunsplit

HIDDEN = "***"
# scheme://user:password@  (up to the last "@" before the path: passwords may hold "@")
_USERINFO = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]*):(?P<password>[^/\s]*)@")


def redact_url(url: str | None) -> str | None:
    """The URL with its password (or, for a bare user token, the user part) replaced by ***."""
    if url is None:
        return None
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
    except ValueError:  # unparseable: fall back to the pattern, which never fails
        return redact_text(url)
    if "@" not in netloc:
        return url
    userinfo, _, host = netloc.rpartition("@")
    user, has_password, _ = userinfo.partition(":")
    hidden = f"{user}:{HIDDEN}" if has_password else HIDDEN if _looks_like_key(user) else user
    return urlunsplit(parts._replace(netloc=f"{hidden}@{host}"))


def redact_text(text: str) -> str:
    """Every ``scheme://user:password@`` in free text (an error message, a log line) redacted."""
    return _USERINFO.sub(lambda m: f"{m['head']}:{HIDDEN}@", text)


def _looks_like_key(user: str) -> bool:
    # https://APIKEY@host: a long user part with no password is a credential, not a name.
    return len(user) >= 20


class RedactingFilter(logging.Filter):
    """Installed on the log handlers: no URL password reaches a log line, whoever logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact_text(text)
        return True
