"""Where a section lives in the published book, so citations can link to it."""

from __future__ import annotations

import re

_SOURCE_SUFFIX = re.compile(r"\.mdx?$", re.IGNORECASE)


def section_url(book_url: str | None, path: str, anchor: str = "") -> str | None:
    """The section's page in a Docusaurus-style site: book URL + path without .md/.mdx (and without a
    trailing /index, which is the folder's own page) + "#anchor"; None when the book isn't published."""
    if not book_url:
        return None
    page = _SOURCE_SUFFIX.sub("", path.strip().lstrip("/"))
    if page == "index":
        page = ""
    elif page.endswith("/index"):
        page = page[: -len("/index")]
    url = book_url.rstrip("/") + "/" + page
    return f"{url}#{anchor}" if anchor else url
