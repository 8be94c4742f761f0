"""The board of the week that just ended, as the weekly post shows it."""

from __future__ import annotations

from core.app import App


async def test_last_week_is_frozen_when_due_and_none_without_students(
    book_app: App, course, students, clock
) -> None:
    assert await book_app.leaderboards.last_week(course) is None  # nobody enrolled yet
    (ada,) = await students(1)
    await book_app.tracking.mark(ada, course, "week-1")
    # Monday 2 November: last week ended before the course was created, so it has no board.
    assert await book_app.leaderboards.last_week(course) is None
    clock.advance(days=7)
    board = await book_app.leaderboards.last_week(course)
    assert board is not None and board.week_start == "2026-11-02"
    assert [r.user_id for r in board.rows] == [ada.id] and not board.frozen_late
    await book_app.tracking.mark(ada, course, "week-2")
    again = await book_app.leaderboards.last_week(course)
    assert again.rows[0].completion == board.rows[0].completion  # frozen: later progress not in it
    await book_app.courses.configure("sample", leaderboard_day=2)
    moved = await book_app.courses.get("sample")
    clock.advance(days=2)  # Wednesday 11 November: the week from Wednesday 4 November ended
    assert (await book_app.leaderboards.last_week(moved)).week_start == "2026-11-04"
