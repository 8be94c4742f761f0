"""Units, unit completion and reading progress, on both databases."""

from __future__ import annotations

import asyncio
import random

import pytest

from core.app import App
from core.errors import InvalidInput, NotFound


async def test_units_come_from_the_books_weeks(book_app: App, course) -> None:
    units = await book_app.tracking.units(course)
    assert [u.id for u in units] == [f"week-{n}" for n in range(1, 7)]
    assert all(len(u.chapters) == 1 and u.kind == "week" for u in units)
    assert (await book_app.tracking.unit(course, "3")).id == "week-3"
    with pytest.raises(NotFound, match="week-"):
        await book_app.tracking.unit(course, "week-99")


async def test_marking_complete_is_idempotent_and_reversible(book_app: App, course, students, clock) -> None:
    (student,) = await students(1)
    first = await book_app.tracking.mark(student, course, "week-1")
    clock.advance(minutes=5)
    again = await book_app.tracking.mark(student, course, "week-1")
    assert first.completed and again.completed and again.completed_at == first.completed_at
    undone = await book_app.tracking.mark(student, course, "week-1", completed=False)
    assert not undone.completed and undone.completed_at is None
    shown = await book_app.tracking.show(student, course)
    assert shown.completion == 0


async def test_reading_only_rises_and_time_only_grows(book_app: App, course, students) -> None:
    (student,) = await students(1)
    chapter = (await book_app.tracking.unit(course, "week-2")).chapters[0]
    await book_app.tracking.record_reading(student, course, chapter, 60, seconds=120)
    lower = await book_app.tracking.record_reading(student, course, chapter, 20, seconds=30)
    assert (lower.completion_pct, lower.time_spent_s, lower.read) == (60, 150, False)
    done = await book_app.tracking.record_reading(student, course, chapter, 95, seconds=10)
    assert done.read
    progress = await book_app.tracking.show(student, course)
    week2 = next(u for u in progress.units if u.unit_id == "week-2")
    assert week2.completed and week2.completion_pct == 95 and week2.time_spent_s == 160
    assert progress.completion == pytest.approx(100 / 6, abs=0.01)


async def test_concurrent_reading_updates_keep_the_maximum(book_app: App, course, students) -> None:
    (student,) = await students(1)
    chapter = (await book_app.tracking.unit(course, "week-4")).chapters[0]
    values = [random.Random(7).randint(0, 89) for _ in range(25)] + [73]
    await asyncio.gather(
        *(book_app.tracking.record_reading(student, course, chapter, v, seconds=2) for v in values)
    )
    progress = await book_app.tracking.show(student, course)
    (reading,) = progress.chapters
    assert reading.completion_pct == max(values) and reading.time_spent_s == 2 * len(values)


@pytest.mark.parametrize(
    ("pct", "seconds", "field"),
    [(101, 0, "completion"), (-1, 0, "completion"), (50, -5, "reading time in seconds")],
)
async def test_out_of_range_values(book_app: App, course, students, pct, seconds, field) -> None:
    (student,) = await students(1)
    chapter = (await book_app.tracking.unit(course, "week-1")).chapters[0]
    with pytest.raises(InvalidInput) as err:
        await book_app.tracking.record_reading(student, course, chapter, pct, seconds=seconds)
    assert err.value.field == field


async def test_unknown_chapter(book_app: App, course, students) -> None:
    (student,) = await students(1)
    with pytest.raises(NotFound, match="chapter"):
        await book_app.tracking.record_reading(student, course, "nowhere.md", 50)
