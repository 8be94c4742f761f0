"""The first minutes of a new user, in real processes: `studyhall demo`, one line about a missing
model, quiet exits when a pipe closes, and one-line start-up failures of every front end."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from core.books.embeddings import NO_MODEL
from tests.cli import runner
from tests.shared import REPO


@pytest.fixture
def run(tmp_path: Path):
    """`studyhall …` on a fresh data directory, with no model and no hub (as on a fresh machine)."""
    run = runner(tmp_path, f"sqlite:///{tmp_path / 'studyhall.db'}")
    return lambda *args, **env: run(*args, HF_HUB_OFFLINE="1", **env)


def test_demo_answers_two_questions_with_citations_and_says_what_next(run):
    done = run("demo")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("The sample book is in course 'demo' (7 chapters).")
    assert out.count("\n> ") == 2  # two questions
    assert out.count("Sources:") == 2  # each answered, not declined
    assert "Bipedal Balance › Why Balance Is Hard — 01-foundations/balance-and-zmp.md" in out
    assert "Recovery Behaviours" in out
    steps = out.rstrip().splitlines()[-3:]
    assert steps[0].startswith("Next: your own book") and "studyhall ingest" in steps[0]
    assert "studyhall-bot" in steps[1] and "studyhall-mcp --course demo" in steps[2]
    # Without a model: the one line that says what is missing and what fixes it, nothing else.
    assert done.stderr == f"studyhall: warning: {NO_MODEL}\n"

    again = run("demo")  # a second run reuses the course and the unchanged book
    assert again.returncode == 0 and again.stdout.count("Sources:") == 2


def test_demo_never_takes_over_a_course_of_ones_own(run):
    assert run("course", "create", "demo", "--name", "My own course").returncode == 0
    done = run("demo")
    assert done.returncode == 1 and done.stdout == ""
    assert "not the demo's" in done.stderr and "studyhall demo --course" in done.stderr
    assert run("demo", "--course", "try-it").returncode == 0


@pytest.mark.parametrize(
    "command",
    [
        ("ingest", "--sample", "--course", "demo"),
        ("search", "balance", "--course", "demo"),
        ("ask", "what keeps a robot upright?", "--course", "demo"),
    ],
)
def test_a_missing_model_is_one_line_once_per_command(run, command):
    assert run("ingest", "--sample", "--course", "demo").returncode == 0
    done = run(*command)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if "embedding model" in line]
    assert lines == [f"studyhall: warning: {NO_MODEL}"]
    assert "STUDYHALL_EMBEDDING_MODEL_PATH" in NO_MODEL and len(NO_MODEL) < 160
    verbose = run("-v", *command)  # the detail is still there for who asks
    assert "hub" in verbose.stderr or "HF_HUB_OFFLINE" in verbose.stderr


def test_a_closed_stdout_ends_quietly_with_status_0(tmp_path: Path, run):
    assert run("ingest", "--sample", "--course", "demo").returncode == 0
    env = {
        **os.environ,
        "STUDYHALL_HOME": str(tmp_path / "home"),
        "STUDYHALL_DATABASE_URL": f"sqlite:///{tmp_path / 'studyhall.db'}",
        "PYTHONPATH": str(REPO),
        "HF_HUB_OFFLINE": "1",
    }
    # The reader is gone before the command writes (as `studyhall toc | head -0`).
    process = subprocess.Popen(
        [sys.executable, "-m", "core.cli", "toc", "--course", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    process.stdout.close()
    _, err = process.communicate(timeout=120)
    assert (process.returncode, err.decode()) == (0, "")


def _front_end(module: str, *args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("STUDYHALL_", "DISCORD_"))},
        "STUDYHALL_HOME": str(tmp_path / "home"),
        "STUDYHALL_DATABASE_URL": f"sqlite:///{tmp_path / 'studyhall.db'}",
        "PYTHONPATH": str(REPO),
        "HF_HUB_OFFLINE": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


UNREACHABLE = "postgresql://postgres@127.0.0.1:1/nowhere"


def test_start_up_failures_are_one_line_and_status_1(tmp_path: Path, run):
    assert run("ingest", "--sample", "--course", "demo").returncode == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        cases = {
            "port in use": _front_end(
                "mcp_server", "--course", "demo", "--http", "--port", port, tmp_path=tmp_path
            ),
            "no course": _front_end("mcp_server", "--course", "nope", "--http", tmp_path=tmp_path),
            "mcp, no database": _front_end(
                "mcp_server", "--course", "demo", tmp_path=tmp_path, STUDYHALL_DATABASE_URL=UNREACHABLE
            ),
            "bot, no database": _front_end(
                "bot", tmp_path=tmp_path, DISCORD_TOKEN="x.y.z", STUDYHALL_DATABASE_URL=UNREACHABLE
            ),
            "cli, no database": _front_end(
                "core.cli", "toc", "--course", "demo", tmp_path=tmp_path, STUDYHALL_DATABASE_URL=UNREACHABLE
            ),
        }
    for case, done in cases.items():
        assert done.returncode == 1, (case, done.stderr)
        assert len(done.stderr.splitlines()) == 1, (case, done.stderr)
        assert ": error: " in done.stderr and "Traceback" not in done.stderr, case
    assert f"127.0.0.1:{port} is already in use; pick another --port" in cases["port in use"].stderr
    assert "No course 'nope'" in cases["no course"].stderr
    for case in ("mcp, no database", "bot, no database", "cli, no database"):
        assert "cannot reach the database" in cases[case].stderr, case
