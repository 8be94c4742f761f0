"""An app whose course has the sample book ingested, on each database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from core.app import App
from core.books.embeddings import load_embedder
from core.books.layout import SAMPLE_BOOK_ROOT
from core.books.library import EMBED_MAX_TOKENS, Library
from core.models.accounts import Course
from tests.shared import MODEL_DIR


@pytest.fixture(scope="session")
def sample_embedder():
    if not MODEL_DIR.is_dir():
        pytest.skip(f"{MODEL_DIR} is absent")
    return load_embedder(None, MODEL_DIR, None, max_tokens=EMBED_MAX_TOKENS)


@pytest.fixture
async def book_app(app: App, sample_embedder, clock) -> AsyncIterator[App]:
    """`app` with the local model and the sample book ingested into course `sample`."""
    library = Library(app.settings, app.store, clock, embedder=sample_embedder)
    wired = replace(app, library=library)
    wired.answers = app.answers.using(llm=None, library=library)
    course = await app.courses.create("sample", "Sample Book")
    await library.ingest(course, SAMPLE_BOOK_ROOT)
    try:
        yield wired
    finally:
        await library.close()


@pytest.fixture
async def course(book_app: App) -> Course:
    return await book_app.courses.get("sample")


@pytest.fixture
async def student(book_app: App):
    return await book_app.accounts.resolve("discord", "111122223333444455", "Stu Dent")
