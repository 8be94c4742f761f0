"""A frozen weekly board holds the week as it ended: never a week before the course existed, and
standings as of the week's end even when nobody looked until later (said so when estimated)."""

from __future__ import annotations

import pytest

from core.app import App
from core.errors import NotFound


async def read_unit(app: App, course, student, unit_id: str) -> None:
    unit = await app.tracking.unit(course, unit_id)
    for chapter in unit.chapters:
        await app.tracking.record_reading(student, course, chapter, 100)


async def test_a_week_before_the_course_existed_is_never_frozen(book_app: App, course, students) -> None:
    (ada,) = await students(1)
    await read_unit(book_app, course, ada, "week-1")  # Monday 2 November: the course is new
    assert await book_app.leaderboards.freeze_due(course) is None
    assert await book_app.leaderboards.last_week(course) is None
    assert await book_app.leaderboards.weeks(course) == []
    with pytest.raises(NotFound, match="No week has been frozen yet"):
        await book_app.leaderboards.board(course, week="2026-10-26")


async def test_a_late_freeze_holds_the_standings_of_the_weeks_end(
    book_app: App, course, students, clock
) -> None:
    ada, bob = await students(2)
    await read_unit(book_app, course, ada, "week-1")
    clock.advance(days=1)
    await read_unit(book_app, course, bob, "week-1")
    clock.advance(days=7)  # Tuesday 10 November: the week ended on Monday; nobody has looked yet
    await read_unit(book_app, course, ada, "week-2")  # after the week
    (cat,) = await students(1, prefix="6")  # joined after the week
    await read_unit(book_app, course, cat, "week-1")
    board = await book_app.leaderboards.last_week(course)
    assert board is not None and board.week_start == "2026-11-02"
    assert [r.user_id for r in board.rows] == [ada.id, bob.id]  # equal; Ada got there first
    first, second = board.rows
    assert first.completion == second.completion > 0 and first.rank == second.rank == 1
    assert first.estimated and not second.estimated and board.frozen_late
    live = await book_app.leaderboards.board(course)
    assert live.rows[0].user_id == ada.id and live.rows[0].completion > first.completion


async def test_a_freeze_with_nothing_changed_since_the_week_is_exact(
    book_app: App, course, students, clock
) -> None:
    ada, bob = await students(2)
    await read_unit(book_app, course, bob, "week-1")
    clock.advance(days=8)
    board = await book_app.leaderboards.last_week(course)
    assert [r.user_id for r in board.rows] == [bob.id, ada.id]
    assert not board.frozen_late and not any(r.estimated for r in board.rows)
