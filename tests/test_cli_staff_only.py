"""`studyhall course set --staff-only`, `search` and `toc` as a subprocess: the CLI shows what the
class sees unless asked for staff material with --staff (then marked), and the course's globs
decide what is staff-only, recomputed at once when they change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.store import Database
from tests.cli import runner
from tests.staff_book import ANSWER_KEY, ANSWER_WORD, SOLUTIONS, SOLUTIONS_WORD, STAFF_PATHS, build_staff_book


@pytest.fixture
def run(tmp_path: Path, database_url: str, db: Database):
    run = runner(tmp_path, database_url)
    book = build_staff_book(tmp_path / "book")
    ingested = run("ingest", str(book), "--course", "demo", "--json")
    assert ingested.returncode == 0, ingested.stderr
    return run


def toc_paths(run, *extra: str) -> dict[str, bool]:
    shown = run("toc", "--course", "demo", "--json", *extra)
    assert shown.returncode == 0, shown.stderr
    return {c["path"]: c.get("staff_only", False) for m in json.loads(shown.stdout) for c in m["chapters"]}


def hit_paths(run, query: str, *extra: str) -> list[str]:
    found = run("search", query, "--course", "demo", "--json", *extra)
    assert found.returncode == 0, found.stderr
    return [h["path"] for h in json.loads(found.stdout)["hits"]]


def test_search_and_toc_hide_staff_pages_and_globs_take_effect_at_once(run) -> None:
    # Front matter and the folder's _category_ file hide two pages; the solutions file is not marked.
    assert hit_paths(run, ANSWER_WORD) == []
    assert hit_paths(run, SOLUTIONS_WORD) == [SOLUTIONS]
    paths = toc_paths(run)
    assert ANSWER_KEY not in paths and SOLUTIONS in paths

    changed = run("course", "set", "demo", "--staff-only", "*solutions*, educator-resources/**")
    assert changed.returncode == 0, changed.stderr
    assert hit_paths(run, SOLUTIONS_WORD) == []
    assert not set(STAFF_PATHS) & set(toc_paths(run))
    text = run("toc", "--course", "demo")
    assert "Solutions" not in text.stdout and "Answer Key" not in text.stdout

    # --staff: what the course's staff see, marked.
    assert hit_paths(run, SOLUTIONS_WORD, "--staff") == [SOLUTIONS]
    staff = toc_paths(run, "--staff")
    assert all(staff[p] for p in STAFF_PATHS) and not staff["01-foundations/sensors.md"]
    marked = run("toc", "--course", "demo", "--staff")
    assert "Answer Key" in marked.stdout and "staff only" in marked.stdout

    cleared = run("course", "set", "demo", "--staff-only", "")
    assert cleared.returncode == 0, cleared.stderr
    assert hit_paths(run, SOLUTIONS_WORD) == [SOLUTIONS]
    listed = json.loads(run("course", "list", "--json").stdout)
    assert next(c for c in listed if c["slug"] == "demo")["staff_only"] == []


def test_a_bad_glob_is_refused_in_words(run) -> None:
    refused = run("course", "set", "demo", "--staff-only", "../secrets/**")
    assert refused.returncode == 1 and "staff-only pattern" in refused.stderr
    assert "Traceback" not in refused.stderr
