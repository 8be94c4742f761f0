"""`studyhall ask` at quota 0 and the operator's caps on `course set`, run as a user would."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.store import Database
from tests.cli import runner
from tests.shared import needs_model

pytestmark = needs_model


@pytest.fixture
def run(tmp_path: Path, database_url: str, db: Database):
    studyhall = runner(tmp_path, database_url, model=True)
    assert studyhall("ingest", "--sample", "--course", "demo").returncode == 0
    return studyhall


def test_quota_zero_means_no_questions_on_the_cli(run) -> None:
    assert "0 = no questions" in run("course", "set", "--help").stdout
    assert run("course", "set", "demo", "--quota", "0").returncode == 0
    asked = run("ask", "what stops a walking robot from falling over?", "--course", "demo")
    assert asked.returncode != 0
    assert "Questions are turned off in this course" in asked.stderr
    assert "try again" not in asked.stderr


def test_the_operator_caps_hold_on_the_cli_until_the_operator_widens_them(run) -> None:
    too_many = run("course", "set", "demo", "--quota", "100000")
    assert too_many.returncode != 0 and "at most 1000" in too_many.stderr
    assert (
        run("course", "set", "demo", "--quota", "100000", STUDYHALL_MAX_HOURLY_QUOTA="100000").returncode == 0
    )
    other = run("course", "set", "demo", "--model", "claude-opus-expensive")
    assert other.returncode != 0 and "is not a model this Studyhall offers" in other.stderr
    widened = run(
        "course",
        "set",
        "demo",
        "--model",
        "claude-opus-expensive",
        STUDYHALL_LLM_MODELS="claude-opus-expensive",
    )
    assert widened.returncode == 0, widened.stderr
