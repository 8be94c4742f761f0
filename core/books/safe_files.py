"""Reading a book's files without ever leaving the book: no symlink is opened, no FIFO or device
is read, and no file is read past its cap (a huge file costs cap + 1 bytes, not its size)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
)
CHUNK = 1 << 16


class TooLarge(OSError):
    """A file holds more than the cap allows."""

    def __init__(self, path: Path, cap: int):
        super().__init__(f"larger than {megabytes(cap)} MB")
        self.path = path
        self.cap = cap


def megabytes(count: int) -> str:
    """5000000 -> '5', 1500000 -> '1.5': caps as people write them."""
    return f"{count / 1_000_000:g}"


def is_plain_file(path: Path) -> bool:
    """A regular file itself, not a link to one (nor a FIFO, socket or device)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def is_plain_folder(path: Path) -> bool:
    """A folder itself, not a link to one."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def is_link(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


def read_capped(path: Path, cap: int) -> bytes:
    """The bytes of a regular file (never through a symlink); TooLarge past `cap` bytes."""
    fd = os.open(path, _FLAGS)  # O_NOFOLLOW: a symlink fails here (ELOOP) instead of being followed
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path.name} is not a regular file")
        chunks: list[bytes] = []
        left = cap + 1
        while left > 0:
            chunk = os.read(fd, min(CHUNK, left))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > cap:
        raise TooLarge(path, cap)
    return data
