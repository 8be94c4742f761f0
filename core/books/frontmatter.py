"""YAML front matter: split it from the Markdown body and parse it.

A file without front matter (or with an opening `---` that is never closed, which Markdown reads
as a thematic break) simply has none. Front matter that is there but is not valid YAML, or is not
a mapping, is an error naming the file and line: silently dropping it would lose the week,
title or position the author meant to set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from core.books.model import BookParseError

try:  # libyaml is several times faster; the pure-Python loader gives the same result
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how pyyaml was built
    _Loader = yaml.SafeLoader

_OPENING = re.compile(r"---[ \t]*")
_CLOSING = re.compile(r"(?:---|\.\.\.)[ \t]*")


@dataclass(frozen=True)
class FrontMatter:
    data: dict  # parsed YAML mapping; {} when there is no front matter
    body: str  # the Markdown after the front matter
    body_line: int  # 1-based line number in the file where `body` starts


def split_front_matter(text: str, path: str = "<text>") -> FrontMatter:
    """Separate front matter from the body; raise BookParseError if it is not a YAML mapping."""
    text = text.removeprefix("\ufeff")
    if not text.startswith("---"):
        return FrontMatter({}, text, 1)
    lines = text.split("\n")
    if not _OPENING.fullmatch(lines[0]):
        return FrontMatter({}, text, 1)
    for index in range(1, len(lines)):
        if _CLOSING.fullmatch(lines[index]):
            data = parse_yaml_mapping("\n".join(lines[1:index]), path, first_line=2)
            return FrontMatter(data, "\n".join(lines[index + 1 :]), index + 2)
    return FrontMatter({}, text, 1)


def parse_yaml_mapping(source: str, path: str, first_line: int = 1) -> dict:
    """Parse YAML that must be a mapping (or empty); errors carry the file's line number."""
    try:
        data = yaml.load(source, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = first_line + mark.line if mark is not None else None
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise BookParseError(path, f"invalid YAML front matter: {problem}", line) from err
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise BookParseError(path, f"front matter must be a mapping, not {kind}", first_line)
    return data
