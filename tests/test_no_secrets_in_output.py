"""Passwords in database and Qdrant URLs never reach output: each entry point, run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import runner
from tests.shared import REPO, needs_model

UNREACHABLE_DB = "postgresql://u:S3cret@127.0.0.1:1/x"
UNREACHABLE_QDRANT = "http://admin:QdrantPassw0rd@127.0.0.1:1"


def _everything(done: subprocess.CompletedProcess[str]) -> str:
    return done.stdout + done.stderr


@pytest.mark.parametrize("args", [("doctor",), ("course", "list"), ("-v", "migrate")])
def test_cli_hides_the_database_password_it_cannot_reach(tmp_path: Path, args: tuple[str, ...]) -> None:
    run = runner(tmp_path, UNREACHABLE_DB)
    done = run(*args)
    assert done.returncode == 1
    assert "S3cret" not in _everything(done)
    assert "cannot reach the database (postgresql://u:***@127.0.0.1:1/x)" in done.stderr


def test_cli_hides_the_password_of_a_malformed_database_url(tmp_path: Path) -> None:
    done = runner(tmp_path, "postgresql://u:S3cret@[bad/x")("doctor")
    assert done.returncode == 1 and "S3cret" not in _everything(done)


def _entry_point(module: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STUDYHALL_", "DISCORD"))}
    env |= {
        "STUDYHALL_HOME": str(tmp_path / "home"),
        "STUDYHALL_DATABASE_URL": UNREACHABLE_DB,
        "DISCORD_TOKEN": "not-a-real-token",
        "PYTHONPATH": str(REPO),
    }
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )


@pytest.mark.parametrize(("module", "args"), [("bot", ()), ("mcp_server", ("--course", "demo"))])
def test_bot_and_mcp_name_the_database_without_its_password(
    tmp_path: Path, module: str, args: tuple[str, ...]
) -> None:
    done = _entry_point(module, tmp_path, *args)
    assert done.returncode == 1
    assert "S3cret" not in _everything(done)
    assert "cannot reach the database (postgresql://u:***@127.0.0.1:1/x)" in done.stderr
    assert "Discord" not in done.stderr  # it was the database, not Discord, that did not answer


@needs_model
def test_doctor_hides_qdrant_credentials_and_says_it_does_not_answer(tmp_path: Path) -> None:
    run = runner(tmp_path, f"sqlite:///{tmp_path / 'studyhall.db'}", model=True)
    done = run("doctor", STUDYHALL_QDRANT_URL=UNREACHABLE_QDRANT, STUDYHALL_QDRANT_API_KEY="qk-secret-key")
    out = _everything(done)
    assert "QdrantPassw0rd" not in out and "qk-secret-key" not in out
    assert "http://admin:***@127.0.0.1:1" in done.stdout
    assert "All good" not in done.stdout
    assert "QDRANT DOES NOT ANSWER" in done.stdout
    assert done.returncode == 1


@needs_model
def test_doctor_json_hides_qdrant_credentials(tmp_path: Path) -> None:
    run = runner(tmp_path, f"sqlite:///{tmp_path / 'studyhall.db'}", model=True)
    done = run("doctor", "--json", STUDYHALL_QDRANT_URL=UNREACHABLE_QDRANT)
    assert "QdrantPassw0rd" not in _everything(done)
    assert '"ok": false' in done.stdout and done.returncode == 1
