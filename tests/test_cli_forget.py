"""`studyhall user forget`, run as an operator would: the frozen week no longer shows the student,
and `user export` carries the frozen boards a student is on (security review, finding 7)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.progress.leaderboard import week_start
from core.store import Database
from tests.cli import runner

ZELDA, BO = "800000000000004242", "200000000000000002"


@pytest.fixture
def run(tmp_path: Path, database_url: str, db: Database):
    studyhall = runner(tmp_path, database_url)
    ingested = studyhall(
        "ingest", "--sample", "--course", "demo", HF_HUB_OFFLINE="1", FASTEMBED_CACHE_PATH=str(tmp_path / "m")
    )
    assert ingested.returncode == 0, ingested.stderr
    marks = studyhall("course", "set", "demo", "--self-marked-counts", "yes")  # the board ranks marks here
    assert marks.returncode == 0, marks.stderr
    return studyhall


async def frozen_last_week(run, db: Database) -> str:
    """Both students progress, and the next look at the board freezes the week that just ended."""
    for who, units in ((ZELDA, ("week-1", "week-2")), (BO, ("week-1",))):
        for unit in units:
            done = run("progress", "complete", unit, "--discord-id", who, "--course", "demo")
            assert done.returncode == 0, done.stderr
    # As if the class had begun in the week that just ended (a week before the course existed
    # has no board): the course, its students and their progress date from its first day.
    start = week_start(datetime.now(UTC), 0) - timedelta(days=7)
    began = datetime(start.year, start.month, start.day, 9, tzinfo=UTC)
    async with db.transaction() as conn:
        await conn.execute("UPDATE courses SET created_at = $1", began)
        await conn.execute("UPDATE enrollments SET joined_at = $1, reached_at = $1", began)
        await conn.execute("UPDATE progress SET updated_at = $1", began)
    assert run("leaderboard", "--course", "demo").returncode == 0
    return start.isoformat()


def week_board(run, week: str) -> list[dict]:
    shown = run("leaderboard", "--course", "demo", "--week", week, "--json")
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)


async def test_a_forgotten_student_is_gone_from_the_frozen_week(run, db: Database) -> None:
    week = await frozen_last_week(run, db)
    assert [(r["rank"], r["discord_id"]) for r in week_board(run, week)] == [(1, ZELDA), (2, BO)]
    exported = json.loads(run("user", "export", "--discord-id", ZELDA).stdout)
    assert [(b["course"], b["week_start"], b["row"]["rank"]) for b in exported["leaderboard_snapshots"]] == [
        ("demo", week, 1)
    ]

    forgot = run("user", "forget", "--discord-id", ZELDA, "--yes")
    assert forgot.returncode == 0, forgot.stderr

    assert [(r["rank"], r["discord_id"]) for r in week_board(run, week)] == [(2, BO)]
    text = run("leaderboard", "--course", "demo", "--week", week).stdout
    assert ZELDA not in text and "Unnamed student" in text  # Bo, never seen on Discord


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_hidden_student_is_hidden_on_past_weeks_until_shown_again(run, db: Database) -> None:
    week = await frozen_last_week(run, db)
    hidden = run("user", "set", "--discord-id", ZELDA, "--leaderboard", "hidden")
    assert hidden.returncode == 0, hidden.stderr
    assert [(r["rank"], r["discord_id"]) for r in week_board(run, week)] == [(2, BO)]
    assert run("user", "set", "--discord-id", ZELDA, "--leaderboard", "visible").returncode == 0
    assert [r["discord_id"] for r in week_board(run, week)] == [ZELDA, BO]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_forget_says_the_bot_will_delete_her_public_answers(run, db: Database) -> None:
    assert run("progress", "complete", "week-1", "--discord-id", ZELDA, "--course", "demo").returncode == 0
    async with db.transaction() as conn:  # as the bot records a public /ask answer
        user_id = await conn.fetchval("SELECT user_id FROM identities WHERE subject = $1", ZELDA)
        await conn.execute(
            "INSERT INTO public_posts (id, user_id, guild_id, channel_id, message_id, created_at)"
            " VALUES ('p1', $1, '70', '71', '72', '2026-11-02T09:00:00.000000+00:00')",
            user_id,
        )
    forgot = run("user", "forget", "--discord-id", ZELDA, "--yes")
    assert forgot.returncode == 0, forgot.stderr
    assert "1 public Discord message is left for the bot to delete" in forgot.stdout
