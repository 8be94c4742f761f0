"""Short, stable keys for chapters, sections and units, for places with little room: a Discord
button's custom_id holds 100 characters, while a chapter path alone may hold 1024. A key is a
prefix of the text's SHA-256 (URL-safe base64), so it survives re-ingesting an unchanged book."""

from __future__ import annotations

import base64
import hashlib

CHAPTER_KEY_CHARS = 8  # 48 bits: no collision among a book's chapters in practice
SECTION_KEY_CHARS = 6  # 36 bits, among one chapter's sections
UNIT_KEY_CHARS = 6
KEY_ALPHABET = "A-Za-z0-9_-"  # for regular expressions that parse keys back out


def short_key(text: str, chars: int) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:chars]


def chapter_key(path: str) -> str:
    return short_key(path, CHAPTER_KEY_CHARS)


def section_key(anchor: str) -> str:
    """ "" for a whole chapter (no anchor)."""
    return short_key(anchor, SECTION_KEY_CHARS) if anchor else ""


def unit_key(unit_id: str) -> str:
    return short_key(unit_id, UNIT_KEY_CHARS)
