"""Migration 0011 recounts standings stored under the old rule (every mark counted), on both databases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.app import open_app
from core.settings import Settings
from core.store import database_for
from core.store.migrations import default_migrations_dir, migrate
from tests.conftest import FakeClock
from tests.sample_app import sample_book_app

pytestmark = pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)


async def test_upgrading_recounts_marks_that_reading_does_not_back(
    fresh_database_url: str, tmp_path: Path
) -> None:
    before = tmp_path / "before-0011"
    shutil.copytree(default_migrations_dir(), before, ignore=shutil.ignore_patterns("0011_*"))
    async with database_for(fresh_database_url) as db:
        await migrate(db, before)
    settings = Settings(home=tmp_path / "home", database_url=fresh_database_url, _env_file=None)
    clock = FakeClock()
    async with (
        open_app(settings, clock=clock, run_migrations=False) as app,
        sample_book_app(app, clock) as wired,
    ):
        course = await wired.courses.get("sample")
        student = await wired.accounts.resolve("discord", "500000000000000001", "Marker")
        await wired.accounts.enroll(student.id, course.id)
        await wired.tracking.mark(student, course, "week-1")
        async with wired.store.transaction() as s:  # as the old code stored it: the mark counted
            await s.progress.set_standing(student.id, course.id, 16.67, 0.0, clock())
    async with open_app(settings, clock=clock) as app:  # applies 0011
        course = await app.courses.get("sample")
        assert course.self_marked_counts is False
        board = await app.leaderboards.board(course, viewer_id=student.id)
        assert board.viewer.completion == 0
