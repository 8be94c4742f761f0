"""`studyhall course set --book-folder`: the operator may name any folder of the host, but a folder
another course uses is shared only when they say so (--share-folder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.store import Database
from tests.cli import runner


@pytest.fixture
def run(tmp_path: Path, database_url: str, db: Database):
    return runner(tmp_path, database_url)


def test_a_folder_another_course_uses_is_shared_only_on_request(run, tmp_path: Path) -> None:
    book = tmp_path / "physics-book"
    (book / "week-1").mkdir(parents=True)
    for slug in ("physics", "copycat"):
        assert run("course", "create", slug, "--name", slug.title()).returncode == 0
    assert run("course", "set", "physics", "--book-folder", str(book)).returncode == 0
    for folder in (book, book / "week-1", tmp_path):
        refused = run("course", "set", "copycat", "--book-folder", str(folder))
        assert refused.returncode == 1, refused.stdout
        assert "book folder of course 'physics'" in refused.stderr and "--share-folder" in refused.stderr
    shared = run("course", "set", "copycat", "--book-folder", str(book), "--share-folder")
    assert shared.returncode == 0, shared.stderr
    paths = {c["slug"]: c["book_path"] for c in json.loads(run("course", "list", "--json").stdout)}
    assert paths == {"physics": str(book.resolve()), "copycat": str(book.resolve())}
