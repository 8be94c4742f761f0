"""What the stored book looks like, and a keyword-only book re-ingested without changes."""

from __future__ import annotations

import shutil
from pathlib import Path

from core.books.layout import SAMPLE_BOOK_ROOT
from tests.sample_app import sample_book_app


async def test_status_counts_the_book_and_names_failed_files(app, clock, tmp_path: Path) -> None:
    async with sample_book_app(app, clock) as wired:
        course = await wired.courses.get("sample")
        status = await wired.library.status(course)
        assert status.ingested and status.documents == status.ready > 0
        assert status.sections > 0 and status.chunks > 0 and not status.failed
        assert status.embedding_model is None  # keyword-only
        root = tmp_path / "book"
        shutil.copytree(SAMPLE_BOOK_ROOT, root)
        (root / "broken.md").write_bytes(b"\xff\xfe")
        report = await wired.library.ingest(course, root)
        assert len(report.unchanged) == status.documents  # same text, same (no) model: skipped
        assert not report.added and not report.changed
        after = await wired.library.status(course)
        assert [f.path for f in after.failed] == ["broken.md"] and "UTF-8" in after.failed[0].error
        assert after.book_path == str(root.resolve()) and after.revision > status.revision


async def test_status_before_any_ingest(app) -> None:
    course = await app.courses.create("empty", "Empty")
    status = await app.library.status(course)
    assert not status.ingested and status.documents == 0 and status.chunks == 0
