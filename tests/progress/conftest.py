"""An app whose course `sample` has the sample book (and its quizzes) ingested, keyword-only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.app import App
from core.models.accounts import Course
from tests.sample_app import sample_book_app


@pytest.fixture
async def book_app(app: App, clock) -> AsyncIterator[App]:
    async with sample_book_app(app, clock) as wired:
        yield wired


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
