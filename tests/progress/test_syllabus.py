"""The optional syllabus.yaml: weeks to chapters, every mistake on its line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from core.books.layout import SAMPLE_BOOK_ROOT, chapter_order
from core.errors import StudyhallError
from core.progress.syllabus import SyllabusError, SyllabusWeek, load_syllabus

MARK = "#!"

GOOD = """\
weeks:
  1: {title: Foundations, chapters: [01-foundations/balance-and-zmp.md, 01-foundations/sensors.md]}
  3:
    chapters:
      - 03-simulation/simulation-basics.md
  2: [02-ros2/nodes-and-topics.md]          # short form: just the chapters
"""


def write(root: Path, text: str, name: str = "syllabus.yaml") -> None:
    (root / name).write_text(textwrap.dedent(text), encoding="utf-8")


def marked_line(text: str) -> int:
    lines = [number for number, line in enumerate(text.splitlines(), 1) if MARK in line]
    assert len(lines) == 1
    return lines[0]


def test_no_syllabus_is_none(tmp_path: Path) -> None:
    assert load_syllabus(tmp_path) is None
    assert load_syllabus(SAMPLE_BOOK_ROOT) is None  # the sample book's weeks come from front matter


def test_both_forms_load_in_week_order(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    assert load_syllabus(tmp_path) == [
        SyllabusWeek(1, "Foundations", ("01-foundations/balance-and-zmp.md", "01-foundations/sensors.md")),
        SyllabusWeek(2, "Week 2", ("02-ros2/nodes-and-topics.md",)),
        SyllabusWeek(3, "Week 3", ("03-simulation/simulation-basics.md",)),
    ]


def test_a_yml_file_and_quoted_week_numbers(tmp_path: Path) -> None:
    write(tmp_path, 'weeks:\n  "4": [a.mdx]\n  52: [b.md]\n', name="syllabus.yml")
    assert [(week.week, week.chapters) for week in load_syllabus(tmp_path) or []] == [
        (4, ("a.mdx",)),
        (52, ("b.md",)),
    ]


def test_chapters_are_checked_against_the_book_when_asked(tmp_path: Path) -> None:
    text = "weeks:\n  1: [01-foundations/balance-and-zmp.md]\n  2: [02-ros2/missing.md]  #!\n"
    write(tmp_path, text)
    known = set(chapter_order(SAMPLE_BOOK_ROOT)).__contains__
    with pytest.raises(SyllabusError) as caught:
        load_syllabus(tmp_path, known=known)
    assert (
        str(caught.value)
        == f"syllabus.yaml:{marked_line(text)}: week 2: 02-ros2/missing.md is not in the book"
    )


BROKEN = {
    "empty file": ("# to do  #!\n", "the syllabus is empty"),
    "not a mapping": ("- 1  #!\n", "must be a mapping"),
    "no weeks": ("title: Course  #!\n", "unknown key 'title'"),
    "weeks missing": ("weeks:  #!\n", "has no `weeks`"),
    "weeks a list": ("weeks: [a.md]  #!\n", "must map week numbers to chapters"),
    "weeks empty": ("weeks: {}  #!\n", "`weeks` is empty"),
    "week zero": ("weeks:\n  0: [a.md]  #!\n", "'0' is not a week"),
    "week 53": (
        "weeks:\n  1: [a.md]\n  53: [b.md]  #!\n",
        "'53' is not a week: use a whole number from 1 to 52",
    ),
    "week a word": ("weeks:\n  one: [a.md]  #!\n", "'one' is not a week"),
    "week a fraction": ("weeks:\n  1.5: [a.md]  #!\n", "'1.5' is not a week"),
    "week true": ("weeks:\n  yes: [a.md]  #!\n", "'yes' is not a week"),
    "duplicate week": ("weeks:\n  1: [a.md]\n  2: [b.md]\n  1: [c.md]  #!\n", "week 1 is listed twice"),
    "duplicate week quoted": ("weeks:\n  1: [a.md]\n  '1': [c.md]  #!\n", "week 1 is listed twice"),
    "chapter twice in a week": (
        "weeks:\n  1:\n    - a.md\n    - a.md  #!\n",
        "a.md is already listed in this week",
    ),
    "chapter in two weeks": (
        "weeks:\n  1: [a.md]\n  2: [b.md, a.md]  #!\n",
        "a.md is already listed in week 1",
    ),
    "empty chapters": ("weeks:\n  1: []  #!\n", "week 1 has no chapters"),
    "empty week": ("weeks:\n  1:  #!\n", "week 1 has no chapters"),
    "chapters missing": ("weeks:\n  1: {title: Intro}  #!\n", "week 1 has no chapters"),
    "chapters empty in mapping": (
        "weeks:\n  1:\n    title: Intro\n    chapters: []  #!\n",
        "week 1 has no chapters",
    ),
    "chapters not a list": ("weeks:\n  1: {chapters: a.md}  #!\n", "`chapters` must be a list"),
    "week a word value": ("weeks:\n  1: a.md  #!\n", "must be a list of chapters or a mapping"),
    "unknown week key": (
        "weeks:\n  1:\n    chapters: [a.md]\n    reading: [b.md]  #!\n",
        "unknown key 'reading'",
    ),
    "title not text": ("weeks:\n  1:\n    title: [x]  #!\n    chapters: [a.md]\n", "the title must be text"),
    "chapter not a path": ("weeks:\n  1: [a.md, intro]  #!\n", "'intro' must be a chapter's path"),
    "chapter with an anchor": ("weeks:\n  1: [a.md#zmp]  #!\n", "ending in .md or .mdx"),
    "chapter absolute": ("weeks:\n  1: [/a.md]  #!\n", "relative to the book root"),
    "chapter outside": ("weeks:\n  1: [../a.md]  #!\n", "relative to the book root"),
    "chapter a number": ("weeks:\n  1: [a.md, 2]  #!\n", "a chapter must be a file path, not a number"),
    "chapter a mapping": (
        "weeks:\n  1:\n    - {path: a.md}  #!\n",
        "a chapter must be a file path, not a mapping",
    ),
    "invalid YAML": ("weeks:\n  1: [a.md\n  2: b: c  #!\n", "invalid YAML"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_each_rule_is_reported_on_its_line(tmp_path: Path, case: str) -> None:
    text, expected = BROKEN[case]
    write(tmp_path, text)
    with pytest.raises(SyllabusError) as caught:
        load_syllabus(tmp_path)
    err = caught.value
    assert expected in err.message
    assert (err.path, err.line) == ("syllabus.yaml", marked_line(text))
    assert str(err) == f"syllabus.yaml:{err.line}: {err.message}"
    assert isinstance(err, StudyhallError)


def test_two_syllabus_files_are_an_error(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    write(tmp_path, GOOD, name="syllabus.yml")
    with pytest.raises(SyllabusError, match=r"^syllabus.yml: syllabus.yaml is already the syllabus"):
        load_syllabus(tmp_path)


def test_a_syllabus_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "syllabus.yaml").write_bytes(b"weeks:\n  1: [caf\xe9.md]\n")
    with pytest.raises(SyllabusError, match=r"^syllabus.yaml:2: not UTF-8"):
        load_syllabus(tmp_path)
