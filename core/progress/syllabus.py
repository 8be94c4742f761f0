"""An optional `syllabus.yaml` at the book root: which chapters are read in which week.

    weeks:
      1: {title: Foundations, chapters: [01-foundations/balance-and-zmp.md, 01-foundations/sensors.md]}
      2: [02-ros2/nodes-and-topics.md]          # short form: just the chapters

Without the file a book's weeks come from its chapters' `week:` front matter. With it, the file
decides; every mistake names the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.books.safe_files import is_link, is_plain_file
from core.progress.quiz_files import (
    NOT_FOLLOWED,
    BookFileError,
    Node,
    check_title,
    describe,
    fields,
    parse_yaml,
    read_text,
    text_field,
)

SYLLABUS_FILES = ("syllabus.yaml", "syllabus.yml")
MAX_WEEK = 52
_CHAPTER = re.compile(r"[^#]*[^#/]\.mdx?", re.IGNORECASE)


class SyllabusError(BookFileError):
    """A syllabus file that breaks a rule: `path`, 1-based `line` (None when it is the whole file)."""


@dataclass(frozen=True)
class SyllabusWeek:
    week: int
    title: str
    chapters: tuple[str, ...]  # paths relative to the book root, as written


def load_syllabus(root: Path, known: Callable[[str], bool] | None = None) -> list[SyllabusWeek] | None:
    """The book's syllabus by week number, or None when it has none; raise SyllabusError.

    `known`, when given, is asked about every chapter path; one it does not know is an error.
    """
    root = Path(root)
    for name in SYLLABUS_FILES:
        if is_link(root / name):  # never followed: it could point anywhere on the host
            raise SyllabusError(name, None, NOT_FOLLOWED)
    present = [name for name in SYLLABUS_FILES if is_plain_file(root / name)]
    if not present:
        return None
    if len(present) > 1:
        raise SyllabusError(present[1], None, f"{present[0]} is already the syllabus; keep only one of them")
    path = present[0]
    node = parse_yaml(read_text(root / path, path, SyllabusError), path, SyllabusError)
    if node is None:
        raise SyllabusError(path, 1, "the syllabus is empty: it needs `weeks`")
    weeks_node = fields(node, ("weeks",), path, SyllabusError, "the syllabus").get("weeks")
    if weeks_node is None or weeks_node.kind == "null":
        raise SyllabusError(path, weeks_node.line if weeks_node else node.line, "the syllabus has no `weeks`")
    if weeks_node.kind != "map":
        raise SyllabusError(
            path, weeks_node.line, f"`weeks` must map week numbers to chapters, not {describe(weeks_node)}"
        )
    if not weeks_node.value:
        raise SyllabusError(path, weeks_node.line, "`weeks` is empty")

    weeks: dict[int, SyllabusWeek] = {}
    placed: dict[str, int] = {}  # chapter -> the week it is in
    for key, value in weeks_node.value:
        week = _week_number(key, path)
        if week in weeks:
            raise SyllabusError(path, key.line, f"week {week} is listed twice")
        title, chapter_nodes = _week_body(value, week, path)
        chapters = []
        for item in chapter_nodes:
            chapter = _chapter(item, week, path, known)
            if chapter in placed:
                where = "this week" if placed[chapter] == week else f"week {placed[chapter]}"
                raise SyllabusError(path, item.line, f"week {week}: {chapter} is already listed in {where}")
            placed[chapter] = week
            chapters.append(chapter)
        weeks[week] = SyllabusWeek(week=week, title=title or f"Week {week}", chapters=tuple(chapters))
    return [weeks[number] for number in sorted(weeks)]


def _week_number(key: Node, path: str) -> int:
    number: int | None = None
    if key.kind == "int":
        number = key.value
    elif key.kind == "str" and key.value.strip().isdecimal():
        number = int(key.value.strip())
    if number is None or not 1 <= number <= MAX_WEEK:
        raise SyllabusError(
            path, key.line, f"{key.text!r} is not a week: use a whole number from 1 to {MAX_WEEK}"
        )
    return number


def _week_body(value: Node, week: int, path: str) -> tuple[str | None, list[Node]]:
    what = f"week {week}"
    if value.kind == "seq":
        title, chapters = None, value
    elif value.kind == "map":
        entries = fields(value, ("title", "chapters"), path, SyllabusError, what)
        title_node = entries.get("title")
        title = text_field(
            title_node, path, SyllabusError, f"{what}: the title", line=value.line, required=False
        )
        check_title(title, path, SyllabusError, title_node.line if title_node else None)
        chapters = entries.get("chapters")
        if chapters is None or chapters.kind == "null":
            raise SyllabusError(path, chapters.line if chapters else value.line, f"{what} has no chapters")
        if chapters.kind != "seq":
            raise SyllabusError(
                path, chapters.line, f"{what}: `chapters` must be a list, not {describe(chapters)}"
            )
    elif value.kind == "null":
        raise SyllabusError(path, value.line, f"{what} has no chapters")
    else:
        raise SyllabusError(
            path, value.line, f"{what} must be a list of chapters or a mapping with title and chapters"
        )
    if not chapters.value:
        raise SyllabusError(path, chapters.line, f"{what} has no chapters")
    return title, chapters.value


def _chapter(item: Node, week: int, path: str, known: Callable[[str], bool] | None) -> str:
    what = f"week {week}"
    if item.kind != "str" or not item.value.strip():
        raise SyllabusError(path, item.line, f"{what}: a chapter must be a file path, not {describe(item)}")
    chapter = item.value.strip()
    parts = chapter.split("/")
    if (
        not _CHAPTER.fullmatch(chapter)
        or chapter.startswith("/")
        or ".." in parts
        or "" in parts
        or "\\" in chapter
    ):
        raise SyllabusError(
            path,
            item.line,
            f"{what}: {chapter!r} must be a chapter's path relative to the book root, ending in .md or .mdx",
        )
    if known is not None and not known(chapter):
        raise SyllabusError(path, item.line, f"{what}: {chapter} is not in the book")
    return chapter
