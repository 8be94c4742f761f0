"""Book folders under the operator's books root: which ones Discord staff may name, and whose they are.

Discord staff never name a path of the bot's machine: they name a folder under the books root,
relative to it. Every step down from the root must be a real folder (no symlink, nothing hidden),
and one sentence answers both "missing" and "forbidden", so the answers draw no map of the host.
A course's folder is its own: `<root>/<slug>` and whatever folder it is configured with.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from core.errors import InvalidInput

FIELD = "book folder"
AUTOCOMPLETE_DEPTH = 2  # folders and their sub-folders are offered


def refused(value: str) -> InvalidInput:
    """The one answer for a folder that is missing, outside the root, linked or another course's."""
    return InvalidInput(
        FIELD,
        f"There is no book folder {value!r} you can use. Pick one of the suggested folders: they are "
        "the folders of this Studyhall's books root, named relative to it (or upload the book with "
        "`/book upload`).",
    )


def under_root(root: Path, value: str) -> Path:
    """`value` (relative to `root`) as an absolute folder inside it; raise `refused` otherwise."""
    text = value.strip().replace("\\", "/")
    relative = PurePosixPath(text)
    parts = relative.parts
    if (
        not text
        or relative.is_absolute()
        or text.startswith("~")
        or not parts
        or any(part in ("", ".", "..") or part.startswith(".") for part in parts)
    ):
        raise refused(value)
    here = root
    for part in parts:
        here = here / part
        try:
            mode = os.lstat(here).st_mode
        except OSError:
            raise refused(value) from None
        if not stat.S_ISDIR(mode):  # a symlink is not a folder to lstat
            raise refused(value)
    return here


def overlaps(a: Path, b: Path) -> bool:
    """One folder is the other or holds it: either way, one course would read the other's book."""
    return a == b or a in b.parents or b in a.parents


def owned_by_others(root: Path | None, course_id: str, courses: Iterable) -> list[tuple[Path, str]]:
    """(folder, slug) of every other course: its own `<root>/<slug>` and its configured folder."""
    taken: list[tuple[Path, str]] = []
    for other in courses:
        if other.id == course_id:
            continue
        if root is not None:
            taken.append((root / other.slug, other.slug))
        if other.book_path:
            taken.append((Path(other.book_path), other.slug))
    return taken


def free_folders(root: Path, own_slug: str, taken: list[Path], typed: str = "") -> list[str]:
    """Folders under the root (relative, posix) a course may pick: its own first, then by name."""
    found: list[str] = []

    def walk(folder: Path, prefix: str, depth: int) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
                continue
            path = Path(entry.path)
            name = f"{prefix}{entry.name}"
            if not any(overlaps(path, other) for other in taken):
                found.append(name)
            if depth > 1:
                walk(path, f"{name}/", depth - 1)

    walk(root, "", AUTOCOMPLETE_DEPTH)
    words = typed.lower().split()
    picked = [name for name in found if all(w in name.lower() for w in words)]
    return sorted(picked, key=lambda name: (name != own_slug, name))


def shown(path: str | None, root: Path) -> str | None:
    """A course's folder as staff see it: relative to the root, never a host path."""
    if not path:
        return None
    folder = Path(path)
    if folder == root or root in folder.parents:
        return folder.relative_to(root).as_posix()
    return "a folder the operator set"
