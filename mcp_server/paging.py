"""Opaque cursors and bounded pages: results stay well under clients' tool-output caps."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from core.errors import InvalidInput

PAGE_CHARS = 6000  # one page of a section's Markdown (~1,500 tokens)
HIT_CHARS = 900  # one search hit's passage


def encode(kind: str, about: str, **fields: Any) -> str:
    """A cursor bound to its request (`about`), so it cannot be replayed against another one."""
    payload = {"k": kind, "a": _digest(about), **fields}
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, kind: str, about: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor.strip() + "=" * (-len(cursor.strip()) % 4))
        payload = json.loads(raw)
        ok = isinstance(payload, dict) and payload.get("k") == kind
    except (ValueError, TypeError):
        ok = False
    if not ok:
        raise InvalidInput(
            "cursor", "This cursor is not valid here; call again without a cursor to start over."
        )
    if payload.get("a") != _digest(about):
        raise InvalidInput(
            "cursor",
            "This cursor belongs to a different request; repeat the same arguments with it, or drop it.",
        )
    return payload


def split_pages(markdown: str, size: int | None = None) -> list[str]:
    """Cut Markdown into pages of at most `size` characters, at paragraph breaks when possible."""
    size = size or PAGE_CHARS
    if len(markdown) <= size:
        return [markdown]
    pages: list[str] = []
    rest = markdown
    while len(rest) > size:
        cut = rest.rfind("\n\n", 0, size)
        if cut < size // 2:
            cut = rest.rfind("\n", 0, size)
        if cut < size // 2:
            cut = rest.rfind(" ", 0, size)
        if cut <= 0:
            cut = size
        pages.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest.strip():
        pages.append(rest)
    return pages


def trim(text: str, size: int = HIT_CHARS) -> str:
    text = text.strip()
    if len(text) <= size:
        return text
    cut = text.rfind(" ", 0, size)
    return text[: cut if cut > size // 2 else size].rstrip() + " …"


def _digest(about: str) -> str:
    return hashlib.sha256(about.encode()).hexdigest()[:12]
