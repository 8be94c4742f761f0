"""The reader's navigation helpers: short keys back to places, neighbouring chapters, how far in."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.app import App
from core.books.short_keys import chapter_key, section_key, unit_key
from core.errors import NotFound
from tests.sample_app import sample_book_app

BALANCE = "01-foundations/balance-and-zmp.md"


@pytest.fixture
async def book(app: App, clock) -> AsyncIterator[App]:
    async with sample_book_app(app, clock) as wired:
        yield wired


def test_keys_are_short_stable_and_distinct() -> None:
    assert chapter_key(BALANCE) == chapter_key(BALANCE) and len(chapter_key(BALANCE)) == 8
    assert chapter_key(BALANCE) != chapter_key("01-foundations/sensors.md")
    assert len(section_key("zmp")) == 6 and section_key("") == ""
    assert len(unit_key("a-very-long-module-name-" * 3)) == 6


async def test_keys_find_the_place_again(book: App) -> None:
    course = await book.courses.get("sample")
    reader = book.library.reader
    assert await reader.find_by_keys(course, chapter_key(BALANCE), section_key("zmp")) == (BALANCE, "zmp")
    assert await reader.find_by_keys(course, chapter_key(BALANCE)) == (BALANCE, "")
    # A section that has gone: the whole chapter; a chapter that has gone: said in words.
    assert await reader.find_by_keys(course, chapter_key(BALANCE), section_key("gone")) == (BALANCE, "")
    with pytest.raises(NotFound, match="book has changed"):
        await reader.find_by_keys(course, chapter_key("01-foundations/gone.md"))


async def test_adjacent_chapters_follow_reading_order(book: App) -> None:
    course = await book.courses.get("sample")
    reader = book.library.reader
    assert await reader.adjacent_chapters(course, "index.md") == (None, BALANCE)
    assert await reader.adjacent_chapters(course, BALANCE) == ("index.md", "01-foundations/sensors.md")
    assert (await reader.adjacent_chapters(course, "03-simulation/sim-to-real.md"))[1] is None


async def test_percent_reached_counts_from_the_chapter_start(book: App) -> None:
    course = await book.courses.get("sample")
    reader = book.library.reader
    whole = await reader.get_section(course, BALANCE)
    assert await reader.percent_reached(course, whole, len(whole.markdown)) == 100
    assert await reader.percent_reached(course, whole, 0) == 0
    zmp = await reader.get_section(course, BALANCE, "zmp")
    start = whole.markdown.find(zmp.markdown)
    expected = round(100 * (start + len(zmp.markdown)) / len(whole.markdown))
    assert await reader.percent_reached(course, zmp, 10**6) == expected < 100
