"""`studyhall ingest PATH` as the operator runs it: trusted to name any folder, yet symlinks in the
book are not followed and the caps on file size, count and total bytes hold there too."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from core.store import Database
from tests.cli import runner

SECRET = "DISCORD_TOKEN=MTFAKE.discord.token"


@pytest.fixture
def run(tmp_path: Path, database_url: str, db: Database):
    return runner(tmp_path, database_url)


def _book(tmp_path: Path) -> Path:
    book = tmp_path / "book"
    (book / "ch").mkdir(parents=True)
    (book / "ch" / "one.md").write_text("# One\n\nThe first chapter.\n")
    (book / "ch" / "two.md").write_text("# Two\n\nThe second chapter.\n")
    (tmp_path / "secret.env").write_text(SECRET + "\n")
    os.symlink(tmp_path / "secret.env", book / "ch" / "notes.md")
    return book


def test_cli_ingest_does_not_follow_symlinks(run, tmp_path: Path) -> None:
    done = run("ingest", str(_book(tmp_path)), "--course", "ops")
    assert done.returncode == 0, done.stderr
    assert "not followed" in done.stdout and "ch/notes.md" in done.stdout
    found = run("search", "DISCORD_TOKEN", "--course", "ops", "--json")
    assert found.returncode == 0, found.stderr
    assert SECRET not in found.stdout and json.loads(found.stdout)["hits"] == []


def test_cli_ingest_keeps_the_caps(run, tmp_path: Path) -> None:
    book = _book(tmp_path)
    many = run("ingest", str(book), "--course", "ops", STUDYHALL_BOOK_MAX_FILES="1")
    assert many.returncode == 1 and "more than 1 files" in many.stderr, many.stderr
    (book / "ch" / "big.md").write_bytes(b"# Big\n\n" + b"word " * 300)
    big = run("ingest", str(book), "--course", "ops", STUDYHALL_BOOK_MAX_FILE_BYTES="1000")
    assert big.returncode == 1 and "`ch/big.md` is larger than 0.001 MB" in big.stderr, big.stderr
    toc = run("toc", "--course", "ops", "--json")
    assert json.loads(toc.stdout) == []  # nothing was stored by the refused ingests


def test_cli_ingest_refuses_a_symlinked_book_folder(run, tmp_path: Path) -> None:
    book = _book(tmp_path)
    os.symlink(book, tmp_path / "linked-book")
    refused = run("ingest", str(tmp_path / "linked-book"), "--course", "ops")
    assert refused.returncode == 1 and "symbolic link" in refused.stderr, refused.stderr
