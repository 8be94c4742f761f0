"""Studyhall's data is private to the account that runs it: its folder 0700, its database files 0600,
whatever the umask. A looser folder or file that already exists is tightened, and the log says so."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create the folder 0700 (its missing parents as usual), or tighten it if others may enter."""
    if not path.exists():
        path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        os.chmod(path, DIR_MODE)  # mkdir's mode passes through the umask
        return path
    _tighten(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create the file empty 0600 if missing (SQLite then gives its -wal and -shm the same mode), or
    tighten it."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
        os.chmod(path, FILE_MODE)
    except FileExistsError:
        _tighten(path, FILE_MODE)
    return path


def _tighten(path: Path, wanted: int) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & ~wanted & 0o077 == 0:
        return
    try:
        os.chmod(path, mode & wanted)
    except PermissionError:
        log.warning(
            "%s is readable by other users (mode %o) and cannot be tightened: chmod it to %o",
            path,
            mode,
            wanted,
        )
        return
    log.warning("tightened %s from mode %o to %o: Studyhall's data is private", path, mode, mode & wanted)
