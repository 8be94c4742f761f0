"""The bot over a real core on SQLite with the sample book ingested, its Discord HTTP faked."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.app import App
from tests.bot.harness import GUILD_ID, INSTRUCTOR, BotHarness, start_bot
from tests.sample_app import sample_book_app


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """Bot tests run on SQLite: the store itself is tested on both databases elsewhere."""
    return f"sqlite:///{tmp_path / 'studyhall.db'}"


@pytest.fixture
async def book_app(app: App, clock) -> AsyncIterator[App]:
    """The sample book in course `sample`, bound to the test server, with one instructor."""
    async with sample_book_app(app, clock) as wired:
        await wired.courses.bind_guild("sample", GUILD_ID)
        course = await wired.courses.get("sample")
        teacher = await wired.accounts.resolve("discord", INSTRUCTOR.id, INSTRUCTOR.name)
        await wired.accounts.set_role(teacher.id, course.id, "instructor", surface="cli")
        yield wired


@pytest.fixture
async def discord_bot(book_app: App) -> AsyncIterator[BotHarness]:
    harness = await start_bot(book_app)
    try:
        yield harness
    finally:
        await harness.bot.close()
