"""The sample book plus staff-only material, marked each way Studyhall understands:

* `01-foundations/answer-key.md` — front matter `audience: staff` (and `week: 1`, so it would
  join the students' week-1 unit if it were not hidden);
* `educator-resources/` — a `_category_.json` with `"audience": "staff"` for the whole folder;
* `solutions-guide.md` — nothing in the file: hidden only by the course's glob `*solutions*`.

Each holds a word no student-facing page has, so a test can tell whether it leaked.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from core.app import App
from core.books.layout import SAMPLE_BOOK_ROOT
from core.clock import Clock
from tests.sample_app import sample_book_app

ANSWER_KEY = "01-foundations/answer-key.md"
EDUCATOR_GUIDE = "educator-resources/module1-guide.md"
SOLUTIONS = "solutions-guide.md"
STAFF_PATHS = (ANSWER_KEY, EDUCATOR_GUIDE, SOLUTIONS)
# Words only the staff pages use.
ANSWER_WORD, GUIDE_WORD, SOLUTIONS_WORD = "wombatanswer", "numbatguide", "quollsolution"
SECRET_WORDS = (ANSWER_WORD, GUIDE_WORD, SOLUTIONS_WORD)
GLOBS = ["*solutions*"]

_ANSWER_KEY = f"""---
title: Answer Key
audience: staff
week: 1
---

# Answer Key

## Zero Moment Point Answers {{#zmp-answers}}

The zero moment point question's answer is the third choice. Grade the support polygon essay
leniently: {ANSWER_WORD} marks the instructor's copy. The zero moment point must stay inside
the support polygon for the foot to stay flat on the ground.
"""

_GUIDE = f"""# Teaching Module One

## Lesson Plan

Spend the first session on the support polygon and the zero moment point; the
{GUIDE_WORD} activity takes twenty minutes. Ask students why a walking robot does not fall over.
"""

_SOLUTIONS = f"""# Solutions Guide

## Exercise Solutions

Exercise 1: the robot keeps its balance because the zero moment point stays inside the support
polygon. {SOLUTIONS_WORD} is the marking code for the exercise sheet.
"""


def build_staff_book(folder: Path) -> Path:
    """A copy of the sample book at `folder` with the three staff-only pages added."""
    shutil.copytree(SAMPLE_BOOK_ROOT, folder)
    (folder / ANSWER_KEY).write_text(_ANSWER_KEY, encoding="utf-8")
    guides = folder / "educator-resources"
    guides.mkdir()
    (guides / "_category_.json").write_text(
        json.dumps({"label": "Educator Resources", "position": 9, "audience": "staff"}), encoding="utf-8"
    )
    (folder / EDUCATOR_GUIDE).write_text(_GUIDE, encoding="utf-8")
    (folder / SOLUTIONS).write_text(_SOLUTIONS, encoding="utf-8")
    return folder


@asynccontextmanager
async def staff_book_app(app: App, clock: Clock, folder: Path, *, globs: bool = True) -> AsyncIterator[App]:
    """`app` (keyword-only) whose course `sample` holds the staff book, units and quizzes included;
    with `globs`, the course hides `*solutions*` too."""
    settings = {"staff_only": GLOBS} if globs else {}
    async with sample_book_app(app, clock, book=build_staff_book(folder), **settings) as wired:
        yield wired
