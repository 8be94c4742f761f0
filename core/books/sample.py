"""The sample book shipped with Studyhall, loaded into a course from a front end (the CLI's
`ingest --sample` reads the same folder). Ingesting a folder makes the course's book exactly that
folder, so the sample never silently replaces another book: the caller must say `replace`."""

from __future__ import annotations

from pathlib import Path

from core.books.folders import shown
from core.books.layout import SAMPLE_BOOK_ROOT
from core.books.library import Library
from core.courses import Courses
from core.errors import InvalidInput
from core.models.accounts import Course

REPLACE_HINT = "run `/book ingest sample:true replace:true` to replace it with the sample book"


async def course_for_sample(courses: Courses, library: Library, course: Course, *, replace: bool) -> Course:
    """The course, ready to take the sample book: refused when it names or holds another book,
    unless `replace` (then its book folder is cleared, so a later ingest doesn't bring it back)."""
    other = await _other_book(courses, library, course)
    if other is None:
        return course
    if not replace:
        raise InvalidInput("book", f"{other} Loading the sample book would replace it: {REPLACE_HINT}.")
    if course.book_path:
        course = await courses.configure(course.slug, book_path=None)
    return course


async def _other_book(courses: Courses, library: Library, course: Course) -> str | None:
    """Why the course's book is not the sample book, in words; None when it is (or has none)."""
    if course.book_path:
        folder = shown(course.book_path, courses.books_root())
        return f"This course's book comes from its book folder `{folder}`."
    stored = (await library.status(course)).book_path
    if stored and Path(stored) != SAMPLE_BOOK_ROOT.resolve():
        return "This course already holds another book (loaded by the operator or from an earlier folder)."
    return None
