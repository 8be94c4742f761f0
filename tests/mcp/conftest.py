"""An app with the sample book (keyword-only) and an MCP server over it, acting as a local student."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from core.app import App
from core.books.embeddings import LexicalOnlyEmbedder
from core.books.layout import SAMPLE_BOOK_ROOT
from core.books.library import Library
from core.models.accounts import Course
from mcp_server.identity import LocalIdentity
from mcp_server.server import Runtime, build_server


@pytest.fixture
async def book_app(app: App, clock) -> AsyncIterator[App]:
    # The tools translate; the model is not needed to test them (tests/mcp/test_stdio.py uses it).
    library = Library(app.settings, app.store, clock, embedder=LexicalOnlyEmbedder("not needed here"))
    library.after_ingest = app.library.after_ingest
    course = await app.courses.create("sample", "Sample Book")
    report = await library.ingest(course, SAMPLE_BOOK_ROOT)
    assert not report.failed, report.failed
    wired = replace(app, library=library)
    wired.answers = app.answers.using(llm=None, library=library)
    try:
        yield wired
    finally:
        await library.close()


@pytest.fixture
async def course(book_app: App) -> Course:
    return await book_app.courses.get("sample")


@pytest.fixture
def server(book_app: App, course: Course):
    return build_server(Runtime(book_app, "sample", LocalIdentity(book_app)))
