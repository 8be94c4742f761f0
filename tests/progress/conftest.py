"""Students of the sample course (`book_app` and `course` come from tests/conftest.py)."""

from __future__ import annotations

import pytest

from core.app import App
from core.models.accounts import Course


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
