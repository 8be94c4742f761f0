"""Shared inputs for the book parser tests: the sample book and the real shared textbook."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from core.books.layout import SAMPLE_BOOK_ROOT, load_book
from core.books.model import BookDocument, BookParseError
from tests.shared import CORPUS, needs_corpus  # noqa: F401 - re-exported for the book tests


@cache
def loaded(root: Path) -> tuple[BookDocument | BookParseError, ...]:
    """A book loaded once per test session (loading the shared textbook takes about a second)."""
    return tuple(load_book(root))


def documents(root: Path = SAMPLE_BOOK_ROOT) -> list[BookDocument]:
    results = loaded(root)
    errors = [item for item in results if isinstance(item, BookParseError)]
    assert not errors, errors
    return list(results)


_FENCE_OPEN = re.compile(r"(?:[ \t]*>)*[ \t]*(`{3,}|~{3,})(.*)")
_FENCE_CLOSE = re.compile(r"(?:[ \t]*>)*[ \t]*(`{3,}|~{3,})[ \t]*")


def fence_spans(text: str) -> list[tuple[int, int]]:
    """(opening line, closing line) of each fence; closing is -1 if the fence never closes."""
    spans: list[tuple[int, int]] = []
    open_at, marker = None, ""
    for number, line in enumerate(text.split("\n")):
        if open_at is None:
            match = _FENCE_OPEN.fullmatch(line)
            if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
                open_at, marker = number, match.group(1)
        else:
            match = _FENCE_CLOSE.fullmatch(line)
            if match and match.group(1)[0] == marker[0] and len(match.group(1)) >= len(marker):
                spans.append((open_at, number))
                open_at = None
    if open_at is not None:
        spans.append((open_at, -1))
    return spans


def outside_fences(text: str) -> list[str]:
    """The lines of `text` that are not part of a code fence."""
    lines = text.split("\n")
    inside: set[int] = set()
    for start, end in fence_spans(text):
        inside.update(range(start, (end if end >= 0 else len(lines) - 1) + 1))
    return [line for number, line in enumerate(lines) if number not in inside]
