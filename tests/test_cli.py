"""The `studyhall` command, run as a user would: a real process on each database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.store import Database
from tests.cli import runner

DISCORD_ID = "123456789012345678"


@pytest.fixture
def run(tmp_path: Path, database_url: str, db: Database):
    run = runner(tmp_path, database_url)
    return run


def test_round_trip_course_token_export_forget(run) -> None:
    assert run("migrate").returncode == 0
    created = run("course", "create", "robotics-101", "--name", "Robotics 101")
    assert created.returncode == 0, created.stderr
    listed = json.loads(run("course", "list", "--json").stdout)
    assert [c["slug"] for c in listed] == ["robotics-101"]

    made = run(
        "token",
        "create",
        "--discord-id",
        DISCORD_ID,
        "--name",
        "laptop",
        "--scope",
        "read",
        "--expires-days",
        "30",
        "--json",
    )
    assert made.returncode == 0, made.stderr
    token = json.loads(made.stdout)
    assert token["token"].startswith("sth_") and token["id"] and token["expires_at"]
    tokens = json.loads(run("token", "list", "--discord-id", DISCORD_ID, "--json").stdout)
    assert [(t["id"], t["scopes"], t["state"]) for t in tokens] == [(token["id"], ["read"], "active")]
    assert token["token"] not in json.dumps(tokens)

    hidden = run("user", "set", "--discord-id", DISCORD_ID, "--leaderboard", "hidden")
    assert hidden.returncode == 0, hidden.stderr
    exported = run("user", "export", "--discord-id", DISCORD_ID)
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    assert data["identities"][0]["subject"] == DISCORD_ID
    assert data["api_tokens"][0]["id"] == token["id"]
    assert data["user_profiles"][0]["leaderboard_visible"] is False

    assert run("token", "revoke", token["id"][:8], "--discord-id", DISCORD_ID).returncode == 0
    tokens = json.loads(run("token", "list", "--discord-id", DISCORD_ID, "--json").stdout)
    assert tokens[0]["state"] == "revoked"

    refused = run("user", "forget", "--discord-id", DISCORD_ID)
    assert refused.returncode == 1 and "--yes" in refused.stderr
    forgot = run("user", "forget", "--discord-id", DISCORD_ID, "--yes")
    assert forgot.returncode == 0, forgot.stderr
    gone = run("user", "export", "--discord-id", DISCORD_ID)
    assert gone.returncode == 1 and gone.stdout == ""


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("course", "create", "Bad Slug", "--name", "x"), "not a valid course slug"),
        (("course", "create", "ok", "--name", ""), "cannot be empty"),
        (("user", "export", "--discord-id", "42"), "not a Discord user id"),
        (("user", "export", "--discord-id", DISCORD_ID), "No user"),
        (
            ("token", "create", "--discord-id", DISCORD_ID, "--name", "x", "--expires-days", "0"),
            "from 1 to 3650",
        ),
        (("token", "revoke", "deadbeef", "--discord-id", DISCORD_ID), "No user"),
        (("user", "set", "--discord-id", DISCORD_ID, "--leaderboard", "hidden"), "No user"),
    ],
)
def test_mistakes_get_one_clear_line(run, args, words) -> None:
    done = run(*args)
    assert done.returncode == 1
    assert words in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_duplicate_course_is_an_error(run) -> None:
    assert run("course", "create", "dup", "--name", "Dup").returncode == 0
    again = run("course", "create", "dup", "--name", "Dup")
    assert again.returncode == 1 and "already exists" in again.stderr


def test_usage_errors_exit_2(run) -> None:
    done = run("token", "create", "--name", "x")
    assert done.returncode == 2 and "--discord-id" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_configuration_is_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "STUDYHALL_HOME": str(tmp_path), "STUDYHALL_DATABASE_URL": "mysql://x"}
    done = subprocess.run(
        [sys.executable, "-m", "core.cli", "migrate"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1 and "STUDYHALL_DATABASE_URL" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_unreachable_postgres_is_one_line(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "STUDYHALL_HOME": str(tmp_path),
        "STUDYHALL_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none",
    }
    done = subprocess.run(
        [sys.executable, "-m", "core.cli", "course", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "cannot reach the database" in done.stderr
    assert "Traceback" not in done.stderr


def test_default_database_lives_in_the_data_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "STUDYHALL_DATABASE_URL"}
    env["STUDYHALL_HOME"] = str(tmp_path / "fresh-home")
    done = subprocess.run(
        [sys.executable, "-m", "core.cli", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "fresh-home" / "studyhall.db").is_file()


def test_course_settings(run) -> None:
    assert run("course", "create", "cfg", "--name", "Cfg").returncode == 0
    changed = run(
        "course", "set", "cfg", "--quota", "5", "--answer-mode", "extractive", "--leaderboard-day", "4"
    )
    assert changed.returncode == 0, changed.stderr
    course = json.loads(run("course", "list", "--json").stdout)[0]
    assert (course["hourly_question_quota"], course["answer_mode"], course["leaderboard_day"]) == (
        5,
        "extractive",
        4,
    )
    bad = run("course", "set", "cfg", "--leaderboard-day", "9")
    assert bad.returncode == 1 and "from 0 to 6" in bad.stderr
    nothing = run("course", "set", "cfg")
    assert nothing.returncode == 1 and "at least one setting" in nothing.stderr


def test_book_address_folder_and_roles(run, tmp_path: Path) -> None:
    assert run("course", "create", "cfg", "--name", "Cfg").returncode == 0
    changed = run("course", "set", "cfg", "--book-url", "https://book.example/", "--book-path", str(tmp_path))
    assert changed.returncode == 0, changed.stderr
    course = json.loads(run("course", "list", "--json").stdout)[0]
    assert (course["book_url"], course["book_path"]) == ("https://book.example/", str(tmp_path.resolve()))
    bad = run("course", "set", "cfg", "--book-url", "book.example")
    assert bad.returncode == 1 and "web address" in bad.stderr
    made = run("user", "role", "--discord-id", DISCORD_ID, "--course", "cfg", "--role", "ta")
    assert made.returncode == 0 and "now ta of 'cfg'" in made.stdout
    data = json.loads(run("user", "export", "--discord-id", DISCORD_ID).stdout)
    assert [e["role"] for e in data["enrollments"]] == ["ta"]
    wrong = run("user", "role", "--discord-id", "not-an-id", "--course", "cfg", "--role", "ta")
    assert wrong.returncode == 1
