"""Who a page of the book is for: everyone, or only the course's staff (instructors and TAs).

A document is staff-only when its front matter says `audience: staff`, when a `_category_` file of
a folder it sits in says `"audience": "staff"` (the whole folder then), or when its path matches
one of the course's `staff_only` patterns. Patterns read like `.gitignore` lines, relative to the
book's root and case-insensitive: `*` stays within one folder, `**` spans folders, a pattern
without `/` matches a file or folder name at any depth (`*solutions*`), and a pattern naming a
folder (`educator-resources`, `educator-resources/`, `educator-resources/**`) covers everything in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from core.errors import InvalidInput

EVERYONE = "all"
STAFF = "staff"
AUDIENCES = (EVERYONE, STAFF)

MAX_PATTERNS = 50
MAX_PATTERN_CHARS = 200
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\\]")


def is_staff_marker(value: object) -> bool:
    """Whether a front matter or `_category_` `audience` value means "staff only"."""
    if isinstance(value, str):
        return value.strip().lower() == STAFF
    if isinstance(value, list):  # `audience: [staff]`
        return any(is_staff_marker(item) for item in value)
    return False


def declared(front: dict, folders: Iterable[dict]) -> str:
    """The audience the book itself declares for a page: its front matter, then its folders'."""
    if is_staff_marker(front.get("audience")):
        return STAFF
    return STAFF if any(is_staff_marker(folder.get("audience")) for folder in folders) else EVERYONE


def effective(declared_audience: str, path: str, patterns: Sequence[str]) -> str:
    """The page's audience once the course's patterns are applied on top of what the book says."""
    if declared_audience == STAFF or matches_any(path, patterns):
        return STAFF
    return EVERYONE


def visible(audience: str, staff: bool) -> bool:
    """May a viewer see a page of this audience? Staff see everything; anyone else only `all`."""
    return staff or audience != STAFF


def matches_any(path: str, patterns: Sequence[str]) -> bool:
    return any(_compiled(pattern).search(path.lower()) for pattern in patterns)


def check_patterns(value: object) -> list[str]:
    """The course setting: a list of patterns, or one comma-separated text; refused in words."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise InvalidInput("staff-only patterns", "Give the staff-only patterns as a comma-separated list.")
    patterns: list[str] = []
    for item in items:
        pattern = str(item).strip()
        if not pattern:
            continue
        if len(pattern) > MAX_PATTERN_CHARS or _FORBIDDEN.search(pattern):
            raise InvalidInput(
                "staff-only pattern",
                f"The staff-only pattern {pattern[:40]!r} is not usable: at most {MAX_PATTERN_CHARS} "
                "characters, no control characters or backslashes.",
            )
        if pattern.startswith("/") and len(pattern) > 1:
            pattern = pattern.lstrip("/")
        if ".." in pattern.split("/"):
            raise InvalidInput(
                "staff-only pattern",
                f"The staff-only pattern {pattern!r} leaves the book: patterns are paths inside the book "
                "folder, like educator-resources/** or *solutions*.",
            )
        if pattern not in patterns:
            patterns.append(pattern)
    if len(patterns) > MAX_PATTERNS:
        raise InvalidInput("staff-only patterns", f"At most {MAX_PATTERNS} staff-only patterns.")
    return patterns


@lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str]:
    text = pattern.strip().lower().strip("/")
    if "/" not in text:
        # a name at any depth: the file itself, or a folder the page sits in
        return re.compile(rf"(?:^|/){_translate(text)}(?:/|$)")
    if text.endswith("/**"):
        text = text[:-3]
    return re.compile(rf"^{_translate(text)}(?:/|$)")


def _translate(glob: str) -> str:
    out, i = [], 0
    while i < len(glob):
        char = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
            continue
        if glob.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        out.append("[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char))
        i += 1
    return "".join(out)
