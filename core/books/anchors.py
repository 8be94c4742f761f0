"""Heading anchors exactly as Docusaurus makes them, so citations link to the right spot.

Docusaurus slugs each heading's plain text with github-slugger: lowercase, drop every character
that is not a letter, mark, decimal/letter number, connector punctuation (`_`), `-` or a plain
space, then turn each space into `-` (no trimming, no collapsing). Repeated slugs in one document
get `-1`, `-2`, ... An explicit `{#custom-id}` at the end of a heading wins, is removed from the
heading text, and does not take part in the duplicate count.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Unicode general categories github-slugger keeps (everything else goes, except ' ' and '-').
_KEPT_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "Pc"})
_CUSTOM_ID = re.compile(r"\s*\\?\{#([^{}\\]+?)\\?\}\s*$")


@lru_cache(maxsize=4096)
def _kept(char: str) -> bool:
    if char in " -":
        return True
    category = unicodedata.category(char)
    if category in _KEPT_CATEGORIES:
        return True
    # github-slugger also keeps Alphabetic symbols such as circled letters (Ⓐ).
    return category == "So" and "LETTER" in unicodedata.name(char, "")


def slugify(text: str) -> str:
    """github-slugger's `slug()`: one heading text to an anchor, without de-duplication."""
    if text.isascii():
        # Fast path for the common case: keep [a-z0-9_ -] only.
        lowered = text.lower()
        kept = re.sub(r"[^a-z0-9_ \-]", "", lowered)
    else:
        kept = "".join(char for char in text.lower() if _kept(char))
    return kept.replace(" ", "-")


def split_custom_id(heading: str) -> tuple[str, str | None]:
    """`"Setup {#install}"` -> `("Setup", "install")`; headings without an id come back as is."""
    match = _CUSTOM_ID.search(heading)
    if not match or not match.group(1).strip():
        return heading, None
    return heading[: match.start()], match.group(1).strip()


class AnchorSlugger:
    """Unique anchors for the headings of one document, in document order."""

    def __init__(self) -> None:
        self._occurrences: dict[str, int] = {}

    def slug(self, text: str) -> str:
        slug = original = slugify(text)
        while slug in self._occurrences:
            self._occurrences[original] += 1
            slug = f"{original}-{self._occurrences[original]}"
        self._occurrences[slug] = 0
        return slug
