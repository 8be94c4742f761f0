"""`studyhall ingest | search | toc | reindex | doctor`, run as a user would, on each database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.books.layout import SAMPLE_BOOK_ROOT
from core.store import Database
from tests.cli import runner
from tests.shared import needs_model

pytestmark = needs_model


@pytest.fixture
def run(tmp_path: Path, database_url: str, db: Database):
    run = runner(tmp_path, database_url, model=True)
    return run


def test_ingest_search_toc_reindex_doctor(run, tmp_path: Path) -> None:
    ingested = run("ingest", "--sample", "--course", "demo", "--name", "Demo", "--json")
    assert ingested.returncode == 0, ingested.stderr
    summary = json.loads(ingested.stdout)
    assert summary["added"] == 7 and summary["failed"] == 0 and summary["embedded"] > 0
    again = json.loads(run("ingest", str(SAMPLE_BOOK_ROOT), "--course", "demo", "--json").stdout)
    assert again["unchanged"] == 7 and again["embedded"] == 0

    found = run("search", "what stops a walking robot from falling over?", "--course", "demo", "--json")
    assert found.returncode == 0, found.stderr
    result = json.loads(found.stdout)
    assert result["hits"][0]["path"] == "01-foundations/balance-and-zmp.md"
    assert set(result["hits"][0]) == {"path", "heading", "headings", "anchor", "score", "chunk_id", "text"}
    assert result["ms"] > 0

    module = json.loads(
        run("search", "robot", "--course", "demo", "--module", "03-simulation", "--json").stdout
    )
    assert module["hits"] and all(h["path"].startswith("03-simulation/") for h in module["hits"])

    batch = tmp_path / "queries.txt"
    batch.write_text("max_rotation_attempts\n\nwhat is a ros 2 topic\n")
    lines = run("search", "--course", "demo", "--batch", str(batch), "--json").stdout.splitlines()
    answers = [json.loads(line) for line in lines]
    assert [a["query"] for a in answers] == ["max_rotation_attempts", "what is a ros 2 topic"]
    assert answers[0]["hits"][0]["path"] == "02-ros2/recovery-behaviours.mdx"
    assert all(a["ms"] > 0 and a["hits"] for a in answers)

    toc = json.loads(run("toc", "--course", "demo", "--json").stdout)
    assert sum(len(m["chapters"]) for m in toc) == 7

    reindexed = run("reindex", "--course", "demo")
    assert reindexed.returncode == 0 and "nothing re-embedded" in reindexed.stdout

    doctor = run("doctor", "--json")
    report = json.loads(doctor.stdout)
    assert doctor.returncode == 0 and report["ok"] and report["embedding"]["available"]
    assert report["courses"][0]["chunks"] == summary["chunks"]


def test_without_a_model_it_says_so_and_still_searches(run, tmp_path: Path) -> None:
    offline = {
        "STUDYHALL_EMBEDDING_MODEL_PATH": "",
        "HF_HUB_OFFLINE": "1",
        "FASTEMBED_CACHE_PATH": str(tmp_path / "empty-cache"),
    }
    ingested = run("ingest", "--sample", "--course", "demo", **offline)
    assert ingested.returncode == 0, ingested.stderr
    assert "studyhall: warning: no embedding model" in ingested.stderr
    assert "STUDYHALL_EMBEDDING_MODEL_PATH" in ingested.stderr
    found = run("search", "max_rotation_attempts", "--course", "demo", "--json", **offline)
    assert json.loads(found.stdout)["hits"][0]["path"] == "02-ros2/recovery-behaviours.mdx"
    assert "search matches keywords only" in found.stderr
    doctor = run("doctor", **offline)
    assert doctor.returncode == 1 and "LEXICAL-ONLY" in doctor.stdout


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # wording, not storage
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("ingest", "/no/such/folder", "--course", "demo"), "No book folder"),
        (("ingest", "--course", "demo"), "--sample"),
        (("search", "x", "--course", "nope"), "No course"),
        (("search", "--course", "demo"), "Give something to search for"),
        (("search", "x", "--course", "demo", "--limit", "0"), "limit"),
        (("search", "x", "--course", "demo", "--module", "basket weaving"), "No module"),
    ],
)
def test_book_mistakes_get_one_line(run, args, words) -> None:
    run("course", "create", "demo", "--name", "Demo")
    done = run(*args)
    assert done.returncode == 1, done.stdout
    assert words in done.stderr and "Traceback" not in done.stderr
    assert len([ln for ln in done.stderr.splitlines() if ln.startswith("studyhall: error")]) == 1
