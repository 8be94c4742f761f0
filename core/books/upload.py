"""`/book upload`: a .zip of a book becomes the course's folder `<books root>/<slug>`, then is
ingested. It is unpacked into a staging folder beside the course's (hidden, so never offered as a
book folder) and swapped in only once every check passed: a refused upload changes nothing."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from core.books.ingest import IngestReport, Progress
from core.books.library import Library
from core.books.safe_files import megabytes
from core.books.unzip import Unpacked, UnzipLimits, unpack
from core.courses import Courses
from core.errors import InvalidInput
from core.models.accounts import Course
from core.settings import Settings


@dataclass
class UploadResult:
    unpacked: Unpacked
    report: IngestReport


SHARED = (
    "This course's folder in the books root is also another course's book, so an upload here would "
    "change that course's book too: ask the operator to give each course its own folder. Nothing was changed."
)


def too_large(cap: int) -> InvalidInput:
    return InvalidInput(
        "zip", f"The .zip is larger than {megabytes(cap)} MB, the most an upload may be. Nothing was changed."
    )


class BookUpload:
    def __init__(self, settings: Settings, courses: Courses, library: Library):
        self._settings = settings
        self._courses = courses
        self._library = library

    @property
    def max_bytes(self) -> int:
        return self._settings.book_upload_max_bytes

    def check_size(self, size: int) -> None:
        """Before downloading: the size the attachment declares."""
        if size > self.max_bytes:
            raise too_large(self.max_bytes)

    async def upload(self, course: Course, data: bytes, progress: Progress | None = None) -> UploadResult:
        self.check_size(len(data))
        root = await asyncio.to_thread(self._settings.books_folder)
        folder = root / course.slug
        if await self._courses.folder_taken(course, folder):  # the operator shared it with another course
            raise InvalidInput("zip", SHARED)
        s = self._settings
        limits = UnzipLimits(
            max_entries=s.book_upload_max_entries,
            max_files=s.book_max_files,
            max_file_bytes=s.book_max_file_bytes,
            max_total_bytes=s.book_max_total_bytes,
        )
        with self._library.exclusive(course):  # no ingest reads the folder while it is swapped
            staging = Path(
                await asyncio.to_thread(tempfile.mkdtemp, prefix=f".{course.slug}.upload-", dir=root)
            )
            try:
                unpacked = await asyncio.to_thread(unpack, data, staging, limits)
                await asyncio.to_thread(_swap, staging, folder)
            finally:
                await asyncio.to_thread(shutil.rmtree, staging, ignore_errors=True)
            course = await self._courses.configure(course.slug, book_path=course.slug)
            report = await self._library.ingest_held(course, folder, progress)
        return UploadResult(unpacked, report)


def _swap(staging: Path, folder: Path) -> None:
    """Put `staging` where `folder` is, the old book (if any) removed once the new one is in."""
    old = None
    if os.path.lexists(folder):
        old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old-", dir=folder.parent)) / "book"
        os.rename(folder, old)
    os.rename(staging, folder)
    if old is not None:
        shutil.rmtree(old.parent, ignore_errors=True)
