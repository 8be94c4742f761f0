"""`studyhall course create --instructor` and `studyhall course bind-code`, run as a real process on
each database: the operator names a course's first instructor, or makes a one-time code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from core.app import open_app
from core.settings import Settings
from core.store import Database
from tests.cli import runner

TEACHER = "123456789012345678"
STRANGER = "876543210987654321"


@pytest.fixture
def run(tmp_path: Path, database_url: str, db: Database):
    return runner(tmp_path, database_url)


def _roles(run, discord_id: str) -> list[str]:
    exported = run("user", "export", "--discord-id", discord_id)
    assert exported.returncode == 0, exported.stderr
    return [e["role"] for e in json.loads(exported.stdout)["enrollments"]]


def test_create_names_the_first_instructor(run) -> None:
    made = run("course", "create", "robotics", "--name", "Robotics", "--instructor", TEACHER)
    assert made.returncode == 0, made.stderr
    assert TEACHER in made.stdout
    assert _roles(run, TEACHER) == ["instructor"]


def test_create_without_an_instructor_says_how_to_bind_it(run) -> None:
    made = run("course", "create", "robotics", "--name", "Robotics")
    assert made.returncode == 0, made.stderr
    assert "no instructor" in made.stdout and "studyhall course bind-code robotics" in made.stdout


def test_create_with_a_bad_instructor_id_creates_nothing(run) -> None:
    bad = run("course", "create", "robotics", "--name", "Robotics", "--instructor", "42")
    assert bad.returncode == 1 and "not a Discord user id" in bad.stderr
    assert json.loads(run("course", "list", "--json").stdout) == []


async def test_bind_code_prints_a_code_that_binds_once(run, tmp_path: Path, database_url: str) -> None:
    assert run("course", "create", "robotics", "--name", "Robotics").returncode == 0
    made = run("course", "bind-code", "robotics", "--expires-in", "2h")
    assert made.returncode == 0, made.stderr
    assert "once" in made.stdout and "/course setup slug:robotics code:" in made.stdout
    code = re.search(r"code:(\S+)", made.stdout)[1]
    other = run("course", "bind-code", "robotics")
    assert re.search(r"code:(\S+)", other.stdout)[1] != code

    settings = Settings(home=tmp_path / "home", database_url=database_url, _env_file=None)
    async with open_app(settings) as app:
        async with app.db.read() as conn:
            stored = await conn.fetch("SELECT * FROM bind_codes")
        assert len(stored) == 2 and code not in json.dumps(stored, default=str)
        stranger = await app.accounts.resolve("discord", STRANGER, "Stranger")
        bound = await app.staff.setup_guild(
            stranger, "700000000000000777", "robotics", None, manages_guild=True, code=code
        )
        assert bound.done and bound.role == "instructor"
    assert _roles(run, STRANGER) == ["instructor"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("course", "bind-code", "missing"), "No course 'missing'"),
        (("course", "bind-code", "robotics", "--expires-in", "forever"), "--expires-in"),
        (("course", "bind-code", "robotics", "--expires-in", "90d"), "--expires-in"),
    ],
)
def test_bind_code_mistakes_are_one_line(run, args, words) -> None:
    assert run("course", "create", "robotics", "--name", "Robotics").returncode == 0
    done = run(*args)
    assert done.returncode == 1 and words in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_ingest_can_name_the_instructor_of_the_course_it_creates(run) -> None:
    done = run("ingest", "--sample", "--course", "robotics", "--instructor", TEACHER)
    assert done.returncode == 0, done.stderr
    assert _roles(run, TEACHER) == ["instructor"]


def test_ingest_creating_a_course_without_instructor_says_so(run) -> None:
    done = run("ingest", "--sample", "--course", "robotics")
    assert done.returncode == 0, done.stderr
    assert "studyhall course bind-code robotics" in done.stdout + done.stderr
