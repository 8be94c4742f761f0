"""Running the `studyhall` command in a real process, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.shared import MODEL_DIR

CHECKOUT = Path(__file__).resolve().parent.parent
Runner = Callable[..., subprocess.CompletedProcess[str]]
# Settings a developer's shell may hold that would change what a test sees.
_UNSET = (
    "STUDYHALL_EMBEDDING_MODEL",
    "STUDYHALL_EMBEDDING_MODEL_PATH",
    "ANTHROPIC_API_KEY",
    "STUDYHALL_ANTHROPIC_API_KEY",
    "STUDYHALL_QDRANT_URL",
)


def runner(home: Path, database_url: str, *, model: bool = False) -> Runner:
    """`run(*args, stdin=None, **env)`: `studyhall ARGS…` on the given data; the finished process."""
    base = {k: v for k, v in os.environ.items() if k not in _UNSET}
    base |= {"STUDYHALL_HOME": str(home / "home"), "STUDYHALL_DATABASE_URL": database_url}
    # This checkout's code, not whatever copy the environment has installed (e.g. another worktree).
    base["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CHECKOUT), base.get("PYTHONPATH")]))
    if model:
        base["STUDYHALL_EMBEDDING_MODEL_PATH"] = str(MODEL_DIR)

    def run(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "core.cli", *args],
            env={**base, **env},
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=home,
        )

    return run
