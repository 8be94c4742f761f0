"""An app whose course `sample` has the sample book (and its quizzes) ingested, keyword-only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from core.app import App
from core.books.embeddings import LexicalOnlyEmbedder
from core.books.layout import SAMPLE_BOOK_ROOT
from core.books.library import Library
from core.models.accounts import Course


@pytest.fixture
async def book_app(app: App, clock) -> AsyncIterator[App]:
    # Progress needs the book's structure, not embeddings: skip the model to keep tests quick.
    library = Library(app.settings, app.store, clock, embedder=LexicalOnlyEmbedder("not needed here"))
    library.after_ingest = app.library.after_ingest
    course = await app.courses.create("sample", "Sample Book")
    report = await library.ingest(course, SAMPLE_BOOK_ROOT)
    assert not report.failed, report.failed
    try:
        yield replace(app, library=library)
    finally:
        await library.close()


@pytest.fixture
async def course(book_app: App) -> Course:
    return await book_app.courses.get("sample")


@pytest.fixture
def students(book_app: App, course: Course):
    """Students of the class: known by Discord id, enrolled in `sample`."""

    async def make(count: int, prefix: str = "5") -> list:
        made = []
        for i in range(count):
            user = await book_app.accounts.resolve("discord", f"{prefix}{i:017d}", f"Student {i}")
            await book_app.accounts.enroll(user.id, course.id)
            made.append(user)
        return made

    return make
