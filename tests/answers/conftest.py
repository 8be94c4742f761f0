"""An app whose course has the sample book ingested, on each database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.app import App
from tests.sample_app import sample_book_app


@pytest.fixture
async def book_app(app: App, library_embedder, clock) -> AsyncIterator[App]:
    async with sample_book_app(app, clock, library_embedder) as wired:
        yield wired


@pytest.fixture
async def student(book_app: App):
    """A student of the course `sample` (only members ask a course's book)."""
    user = await book_app.accounts.resolve("discord", "111122223333444455", "Stu Dent")
    await book_app.accounts.enroll(user.id, (await book_app.courses.get("sample")).id)
    return user
