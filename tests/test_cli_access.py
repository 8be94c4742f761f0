"""`studyhall token create --course`: a token for one course, shown as such; run as a user would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.store import Database
from tests.cli import runner

DISCORD_ID = "123456789012345678"


@pytest.fixture
def run(tmp_path: Path, database_url: str, db: Database):
    run = runner(tmp_path, database_url)
    assert run("course", "create", "robotics-101", "--name", "Robotics 101").returncode == 0
    return run


def test_a_token_for_one_course(run) -> None:
    made = run("token", "create", "--discord-id", DISCORD_ID, "--name", "laptop", "--course", "robotics-101")
    assert made.returncode == 0, made.stderr
    assert "only for the course 'robotics-101'" in made.stdout
    anywhere = run("token", "create", "--discord-id", DISCORD_ID, "--name", "desktop", "--json")
    assert json.loads(anywhere.stdout)["course"] is None
    tokens = json.loads(run("token", "list", "--discord-id", DISCORD_ID, "--json").stdout)
    assert sorted((t["name"], t["course"]) for t in tokens) == [("desktop", None), ("laptop", "robotics-101")]
    listed = run("token", "list", "--discord-id", DISCORD_ID).stdout
    assert "robotics-101" in next(line for line in listed.splitlines() if "laptop" in line)
    assert "any course" in next(line for line in listed.splitlines() if "desktop" in line)


def test_an_unknown_course_is_one_clear_line(run) -> None:
    done = run("token", "create", "--discord-id", DISCORD_ID, "--name", "x", "--course", "nope")
    assert done.returncode == 1 and "No course 'nope'" in done.stderr
