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
