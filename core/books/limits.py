"""Caps on what one ingest takes: bytes per file, number of files, bytes in all. Each is refused
with a sentence that names the cap, before anything is stored."""

from __future__ import annotations

import os
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from core.books.layout import walk_book
from core.books.safe_files import is_plain_file, is_plain_folder, megabytes
from core.errors import InvalidInput

NOTHING_CHANGED = "Nothing was changed."
SYLLABUS_FILES = ("syllabus.yaml", "syllabus.yml")  # as core.progress reads them
QUIZ_FOLDER = "quizzes"
QUIZ_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class BookLimits:
    max_file_bytes: int = 5_000_000
    max_files: int = 2_000
    max_total_bytes: int = 100_000_000

    @classmethod
    def from_settings(cls, settings) -> BookLimits:
        return cls(settings.book_max_file_bytes, settings.book_max_files, settings.book_max_total_bytes)

    def listed(self, root: Path, skipped: list[str]) -> list[Path]:
        """The book's documents in sidebar order, once they fit every cap (else InvalidInput).
        The walk stops at the first file over the count, so a huge tree costs little."""
        files = list(islice(walk_book(root, skipped), self.max_files + 1))
        course_files = _course_files(root, self.max_files + 1 - len(files))
        if len(files) + len(course_files) > self.max_files:
            raise too_many_files(self.max_files)
        total = 0
        for file in files + course_files:
            size = os.lstat(file).st_size
            if size > self.max_file_bytes:
                raise file_too_large(file.relative_to(root).as_posix(), self.max_file_bytes)
            total += size
            if total > self.max_total_bytes:
                raise too_many_bytes(self.max_total_bytes)
        return files


def _course_files(root: Path, most: int) -> list[Path]:
    """The syllabus and quiz files the course reads from the book (regular files only), up to `most`."""
    found = [root / name for name in SYLLABUS_FILES if is_plain_file(root / name)]
    quizzes = root / QUIZ_FOLDER
    if is_plain_folder(quizzes):
        with os.scandir(quizzes) as listing:
            for entry in listing:
                if len(found) >= most:
                    break
                if entry.name.lower().endswith(QUIZ_SUFFIXES) and entry.is_file(follow_symlinks=False):
                    found.append(Path(entry.path))
    return found[: max(most, 0)]


def file_too_large(path: str, cap: int) -> InvalidInput:
    return InvalidInput(
        "book",
        f"The book's file `{path}` is larger than {megabytes(cap)} MB, the most one file may be: "
        f"split it, or leave it out, then try again. {NOTHING_CHANGED}",
    )


def too_many_files(cap: int) -> InvalidInput:
    return InvalidInput(
        "book", f"The book has more than {cap} files, the most one ingest takes. {NOTHING_CHANGED}"
    )


def too_many_bytes(cap: int) -> InvalidInput:
    return InvalidInput(
        "book",
        f"The book's files come to more than {megabytes(cap)} MB in all, the most one ingest takes. "
        f"{NOTHING_CHANGED}",
    )
