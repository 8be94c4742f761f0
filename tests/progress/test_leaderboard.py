"""Leaderboards on both databases: ranks with ties, opt-outs, weekly snapshots."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.app import App
from core.errors import InvalidInput, NotFound


@pytest.fixture
async def course(book_app: App):
    """These tests rank students who mark units complete: the course lets self-marked units count."""
    return await book_app.courses.configure("sample", self_marked_counts=True)


async def _complete(app: App, course, student, units: list[str]) -> None:
    for unit in units:
        await app.tracking.mark(student, course, unit)


async def test_ranking_with_ties_and_who_got_there_first(book_app: App, course, students, clock) -> None:
    a, b, c, d = await students(4)
    await _complete(book_app, course, a, ["week-1", "week-2"])
    clock.advance(minutes=1)
    await _complete(book_app, course, b, ["week-1", "week-2"])
    clock.advance(minutes=1)
    await _complete(book_app, course, c, ["week-1", "week-2", "week-3"])
    board = await book_app.leaderboards.board(course)
    assert [(r.display_name, r.rank) for r in board.rows] == [
        (c.display_name, 1),
        (a.display_name, 2),
        (b.display_name, 2),
        (d.display_name, 4),
    ]
    assert board.rows[0].discord_id and board.students == 4


async def test_quiz_average_breaks_equal_completion(book_app: App, course, students) -> None:
    a, b = await students(2)
    await _complete(book_app, course, a, ["week-1"])
    await _complete(book_app, course, b, ["week-1"])
    quiz = await book_app.quizzes.quiz(course, "week-1")
    await book_app.quizzes.submit(b, course, "week-1", [q.answer for q in quiz.questions])
    board = await book_app.leaderboards.board(course)
    assert [r.display_name for r in board.rows[:2]] == [b.display_name, a.display_name]
    assert board.rows[0].quiz_average == 100


async def test_opted_out_students_are_hidden_but_see_their_rank(book_app: App, course, students) -> None:
    a, b, c = await students(3)
    await _complete(book_app, course, a, ["week-1", "week-2"])
    await _complete(book_app, course, b, ["week-1"])
    await book_app.accounts.set_leaderboard_visibility(a.id, False, surface="discord")
    board = await book_app.leaderboards.board(course, viewer_id=a.id)
    assert a.display_name not in [r.display_name for r in board.rows]
    assert [r.rank for r in board.rows] == [2, 3]  # ranks still count the hidden leader
    assert board.viewer is not None and board.viewer.rank == 1 and board.viewer_hidden


async def test_weekly_snapshots_freeze_and_stay_viewable(book_app: App, course, students, clock) -> None:
    a, b = await students(2)
    await _complete(book_app, course, a, ["week-1"])
    monday = clock.now.date() - timedelta(days=clock.now.weekday())
    clock.advance(days=7)  # the week ends: the next look freezes it
    frozen = await book_app.leaderboards.board(course)
    assert await book_app.leaderboards.weeks(course) == [monday.isoformat()]
    await _complete(book_app, course, b, ["week-1", "week-2", "week-3"])
    live = await book_app.leaderboards.board(course)
    past = await book_app.leaderboards.board(course, week=monday.isoformat())
    assert live.rows[0].display_name == b.display_name
    assert past.rows[0].display_name == a.display_name and past.week_start == monday.isoformat()
    assert frozen.rows[0].display_name == a.display_name
    iso = monday.isocalendar()
    assert (await book_app.leaderboards.board(course, week=f"{iso[0]}-W{iso[1]:02d}")).rows == past.rows
    assert await book_app.leaderboards.freeze_due(course) is None  # frozen once
    with pytest.raises(NotFound, match="Frozen weeks"):
        await book_app.leaderboards.board(course, week="2020-01-06")
    with pytest.raises(InvalidInput):
        await book_app.leaderboards.board(course, week="last tuesday")


async def test_the_freeze_day_is_the_courses(book_app: App, course, students, clock) -> None:
    (a,) = await students(1)
    await _complete(book_app, course, a, ["week-1"])
    course = await book_app.courses.configure("sample", leaderboard_day=3)  # Thursday
    clock.advance(days=7)
    await book_app.leaderboards.board(course)
    (week,) = await book_app.leaderboards.weeks(course)
    from datetime import date

    assert date.fromisoformat(week).weekday() == 3


async def test_maintenance_freezes_the_week_on_time(book_app: App, course, students, clock) -> None:
    (a,) = await students(1)
    await _complete(book_app, course, a, ["week-1"])
    # The week that ended last was before the course existed: nothing to freeze.
    assert (await book_app.maintenance.run())["leaderboard_weeks_frozen"] == 0
    clock.advance(days=7)
    assert (await book_app.maintenance.run())["leaderboard_weeks_frozen"] == 1  # the week that ended last
    assert (await book_app.maintenance.run())["leaderboard_weeks_frozen"] == 0  # this one is not over yet
    clock.advance(days=7)
    assert (await book_app.maintenance.run())["leaderboard_weeks_frozen"] == 1
    assert (await book_app.maintenance.run())["leaderboard_weeks_frozen"] == 0
