"""Bad input to `studyhall`, run as a user would on each database: refused in words, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.store import Database
from tests.cli import runner


@pytest.fixture
def run(tmp_path: Path, database_url: str, db: Database):
    run = runner(tmp_path, database_url)
    assert run("course", "create", "demo", "--name", "Demo").returncode == 0
    return run


def test_a_far_past_week_is_refused_in_words(run) -> None:
    assert run("course", "set", "demo", "--leaderboard-day", "6").returncode == 0
    done = run("leaderboard", "--course", "demo", "--week", "0001-01-01")
    assert done.returncode == 1
    assert "is not a week" in done.stderr and "unexpected error" not in done.stderr


def test_a_question_with_an_escape_code_is_refused_in_words(run) -> None:
    done = run("ask", "what is\x1b[2J the zmp?", "--course", "demo")
    assert done.returncode == 1
    assert "control character" in done.stderr and "unexpected error" not in done.stderr


def test_a_chapter_holding_a_nul_fails_alone_and_in_words(run, tmp_path: Path) -> None:
    book = tmp_path / "book"
    book.mkdir()
    (book / "good.md").write_text("# Good\n\nBalance is about the support polygon.\n")
    (book / "bad.md").write_text("# Bad\n\nA stray\x00 byte.\n")
    done = run("ingest", str(book), "--course", "demo", "--json")
    assert done.returncode in (0, 1) and "unexpected error" not in done.stderr, done.stderr
    assert "NUL" in done.stdout + done.stderr
    found = run("search", "support polygon", "--course", "demo", "--json")
    assert found.returncode == 0 and "good.md" in found.stdout
