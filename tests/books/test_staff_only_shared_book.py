"""The shared textbook's real staff material — `solutions-guide.md`, `educator-resources/`,
`assessment-rubrics.md`, `instructor-training.md` — hidden from students by the course's
patterns: not searched, not answered from, not readable, not listed, in no unit. Keyword-only,
on SQLite, to stay quick."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.app import App
from core.books.embeddings import LexicalOnlyEmbedder
from core.books.library import Library
from core.errors import NotFound
from tests.shared import CORPUS, needs_corpus

pytestmark = needs_corpus

STAFF_FILES = (
    "solutions-guide.md",
    "educator-resources/module1-guide.md",
    "educator-resources/module2-guide.md",
    "educator-resources/module3-guide.md",
    "educator-resources/module4-guide.md",
    "assessment-rubrics.md",
    "instructor-training.md",
)
PATTERNS = "solutions-guide.md, educator-resources/**, assessment-rubrics.md, instructor-training.md"
QUESTIONS = (
    "Solutions and Hints Guide exercise solutions",
    "Instructor Training Materials pedagogical approaches lesson planning",
    "assessment rubric grading criteria points",
    "Educator Guide Module 1 ROS 2 Fundamentals teaching strategies",
)


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'studyhall.db'}"


@pytest.fixture
async def shared_book(app: App, clock):
    library = Library(app.settings, app.store, clock, embedder=LexicalOnlyEmbedder("not needed"))
    library.after_ingest = app.library.after_ingest
    await app.courses.create("humanoid", "Physical AI")
    await app.courses.configure("humanoid", staff_only=PATTERNS)
    course = await app.courses.get("humanoid")
    await library.ingest(course, CORPUS)
    try:
        yield library, course
    finally:
        await library.close()


async def test_the_real_staff_files_never_reach_a_student(app: App, shared_book) -> None:
    library, course = shared_book
    stored = {d.path: d for d in await library.reader.documents(course, staff=True)}
    assert set(STAFF_FILES) <= set(stored) and all(stored[p].staff_only for p in STAFF_FILES)
    for question in QUESTIONS:
        hits = (await library.search(course, question, limit=50)).hits
        assert hits and not {h.path for h in hits} & set(STAFF_FILES), question
        staff_hits = (await library.search(course, question, limit=50, staff=True)).hits
        assert {h.path for h in staff_hits} & set(STAFF_FILES), question
    listed = {c.path for m in await library.reader.table_of_contents(course) for c in m.chapters}
    assert listed and not listed & set(STAFF_FILES)
    for path in STAFF_FILES:
        with pytest.raises(NotFound):
            await library.reader.get_section(course, path)
    units = await app.tracking.units(course)
    assert units and not any(p in u.chapters for u in units for p in STAFF_FILES)
    assert "educator-resources" not in {u.id for u in units}
