"""Links an LLM writes into an answer: a public answer may carry masked links (`[text](url)`) only to
the course's own book. Any other one (a prompt-injected phishing link, say) keeps its words and loses
its address, so nobody clicks what looks like the book but is not."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# [text](url), [text](<url>) and [text](url "title"); the text may not hold brackets.
_MASKED = re.compile(r"\[(?P<text>[^\[\]\n]*)\]\(\s*<?(?P<url>[^\s()<>]*)>?(?:\s+\"[^\"\n]*\")?\s*\)")


def confine_links(text: str, book_url: str | None) -> str:
    """`text` with every masked link whose host is not `book_url`'s replaced by its words."""
    home = _host(book_url) if book_url else None

    def keep_or_drop(match: re.Match) -> str:
        if (
            home is not None
            and _host(match["url"]) == home
            and match["url"].startswith(("https://", "http://"))
        ):
            return match[0]
        return match["text"]

    return _MASKED.sub(keep_or_drop, text)


def _host(url: str) -> str | None:
    try:
        return (urlsplit(url).hostname or "").lower() or None
    except ValueError:
        return None
