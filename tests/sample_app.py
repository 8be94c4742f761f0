"""The app over a course `sample` with the sample book ingested, shared by several test folders."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from core.app import App
from core.books.embeddings import Embedder, LexicalOnlyEmbedder
from core.books.layout import SAMPLE_BOOK_ROOT
from core.books.library import Library
from core.clock import Clock


@asynccontextmanager
async def sample_book_app(
    app: App,
    clock: Clock,
    embedder: Embedder | None = None,
    *,
    book: Path = SAMPLE_BOOK_ROOT,
    **settings: Any,
) -> AsyncIterator[App]:
    """`app` whose library uses `embedder` (keyword-only when None: quick, no model) and whose
    course `sample` holds `book` (the sample book by default), units and quizzes included; the
    course gets `settings` before the ingest."""
    library = Library(app.settings, app.store, clock, embedder=embedder or LexicalOnlyEmbedder("not needed"))
    library.after_ingest = app.library.after_ingest
    course = await app.courses.create("sample", "Sample Book")
    if settings:
        course = await app.courses.configure("sample", **settings)
    report = await library.ingest(course, book)
    assert not report.failed, report.failed
    wired = replace(app, library=library)
    wired.answers = app.answers.using(llm=None, library=library)
    try:
        yield wired
    finally:
        await library.close()
