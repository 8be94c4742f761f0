"""`studyhall units | progress | leaderboard | report | recommend`, run as a user would."""

from __future__ import annotations

import csv
import json
import struct
from pathlib import Path

import pytest

from core.store import Database
from tests.cli import runner

ADA, BO = "200000000000000001", "200000000000000002"


@pytest.fixture
def run(tmp_path: Path, database_url: str, db: Database):
    studyhall = runner(tmp_path, database_url)
    # keyword-only search is enough here: no model, no network
    ingested = studyhall(
        "ingest",
        "--sample",
        "--course",
        "demo",
        HF_HUB_OFFLINE="1",
        FASTEMBED_CACHE_PATH=str(tmp_path / "no-models"),
    )
    assert ingested.returncode == 0, ingested.stderr
    return studyhall


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_progress_round_trip(run, tmp_path: Path) -> None:
    units = json.loads(run("units", "--course", "demo", "--json").stdout)
    assert [u["id"] for u in units] == [f"week-{n}" for n in range(1, 7)]
    assert all(u["chapters"] and u["title"] for u in units)

    counted = run("course", "set", "demo", "--self-marked-counts", "yes")  # the board counts marks here
    assert counted.returncode == 0 and "self_marked_counts = True" in counted.stdout, counted.stderr
    for unit in ("week-1", "week-2"):
        done = run("progress", "complete", unit, "--discord-id", ADA, "--course", "demo")
        assert done.returncode == 0 and "completed" in done.stdout, done.stderr
    assert run("progress", "complete", "week-1", "--discord-id", BO, "--course", "demo").returncode == 0
    undone = run("progress", "complete", "week-1", "--discord-id", BO, "--course", "demo", "--undo")
    assert "not completed" in undone.stdout

    chart = tmp_path / "ada.png"
    shown = json.loads(
        run("progress", "show", "--discord-id", ADA, "--course", "demo", "--json", "--png", str(chart)).stdout
    )
    assert shown["completion"] == pytest.approx(100 * 2 / 6, abs=0.01)
    assert [u["completed"] for u in shown["units"]][:3] == [True, True, False]
    assert png_size(chart) == (1000, 600)

    board_png = tmp_path / "board.png"
    board = json.loads(run("leaderboard", "--course", "demo", "--json", "--png", str(board_png)).stdout)
    assert [(r["rank"], r["discord_id"]) for r in board] == [(1, ADA), (2, BO)]
    assert set(board[0]) == {"rank", "discord_id", "display_name", "completion", "quiz_average"}
    assert png_size(board_png) == (1000, 600)

    hidden = run("user", "set", "--discord-id", ADA, "--leaderboard", "hidden")
    assert hidden.returncode == 0
    board = json.loads(run("leaderboard", "--course", "demo", "--json").stdout)
    assert [r["discord_id"] for r in board] == [BO]

    for kind in ("progress", "quizzes", "questions"):
        target = tmp_path / f"{kind}.csv"
        written = run("report", kind, "--course", "demo", "--csv", str(target))
        assert written.returncode == 0, written.stderr
        rows = list(csv.reader(target.open()))
        assert rows[0]  # a header
    progress_rows = list(csv.DictReader((tmp_path / "progress.csv").open()))
    assert len(progress_rows) == 2 * 6

    picks = json.loads(run("recommend", "--discord-id", ADA, "--course", "demo", "--json").stdout)
    assert picks and all(p["reason"] for p in picks)
    assert not {p["path"] for p in picks} & {u["chapters"][0] for u in units[:0]}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_progress_mistakes(run) -> None:
    unknown = run("progress", "complete", "week-99", "--discord-id", ADA, "--course", "demo")
    assert unknown.returncode == 1 and "No unit" in unknown.stderr and "week-" in unknown.stderr
    stranger = run("progress", "show", "--discord-id", "299999999999999999", "--course", "demo")
    assert stranger.returncode == 1 and "No user" in stranger.stderr
    week = run("leaderboard", "--course", "demo", "--week", "someday")
    assert week.returncode == 1 and "not a week" in week.stderr
    assert "Traceback" not in unknown.stderr + stranger.stderr + week.stderr
