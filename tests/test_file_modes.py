"""The data directory is 0700 and the SQLite files 0600, whatever the umask: `studyhall` run for real."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.shared import REPO


def _studyhall(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYHALL_")}
    env |= {"STUDYHALL_HOME": str(home), "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "core.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.umask(0o022),  # the usual, permissive umask
        cwd=home.parent if home.parent.exists() else home.parent.parent,
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_home_is_private(tmp_path: Path) -> None:
    home = tmp_path / "fresh" / "studyhall"
    done = _studyhall(home, "course", "create", "demo", "--name", "Demo")
    assert done.returncode == 0, done.stderr
    assert _mode(home) == 0o700
    files = sorted(home.glob("studyhall.db*"))
    assert home / "studyhall.db" in files
    assert {p.name: oct(_mode(p)) for p in files} == {p.name: oct(0o600) for p in files}


def test_a_loose_existing_home_and_database_are_tightened(tmp_path: Path) -> None:
    home = tmp_path / "studyhall"
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    assert _studyhall(home, "migrate").returncode == 0
    (home / "studyhall.db").chmod(0o644)
    home.chmod(0o755)
    done = _studyhall(home, "course", "list")
    assert done.returncode == 0, done.stderr
    assert _mode(home) == 0o700 and _mode(home / "studyhall.db") == 0o600
    assert "tightened" in done.stderr  # the operator is told
