"""What counts on the board, on both databases: marks alone only when the course says so; reading or
a quiz attempt always; frozen weeks follow the same rule. (The front-end attack is in
tests/bot/test_hygiene.py.)"""

from __future__ import annotations

from core.app import App


async def _marked_all(app: App, course, student) -> None:
    for unit in await app.tracking.units(course):
        await app.tracking.mark(student, course, unit.id)


async def test_marks_alone_do_not_count_on_the_board_but_do_in_the_own_view(
    book_app: App, course, students
) -> None:
    marker, reader = await students(2)
    await _marked_all(book_app, course, marker)
    unit = (await book_app.tracking.units(course))[0]
    for chapter in unit.chapters:
        await book_app.tracking.record_reading(reader, course, chapter, 100)
    board = await book_app.leaderboards.board(course)
    assert [r.display_name for r in board.rows] == [reader.display_name, marker.display_name]
    assert board.rows[1].completion == 0
    own = await book_app.tracking.show(marker, course)
    assert own.completion == 100 and all(u.completed for u in own.units)


async def test_a_quiz_attempt_backs_a_marked_unit(book_app: App, course, students) -> None:
    (student,) = await students(1)
    await book_app.tracking.mark(student, course, "week-1")
    quiz = await book_app.quizzes.quiz(course, "week-1")
    await book_app.quizzes.submit(student, course, "week-1", [0 for _ in quiz.questions])
    board = await book_app.leaderboards.board(course, viewer_id=student.id)
    assert board.viewer.completion > 0


async def test_the_setting_recounts_every_standing_and_frozen_weeks_follow(
    book_app: App, course, students, clock
) -> None:
    marker, _ = await students(2)
    await _marked_all(book_app, course, marker)
    await book_app.leaderboards.freeze_due(course)
    clock.advance(days=7)
    counted = await book_app.courses.configure(course.slug, self_marked_counts=True)
    live = await book_app.leaderboards.board(counted, viewer_id=marker.id)
    assert live.viewer.completion == 100
    key = await book_app.leaderboards.freeze_due(counted)
    frozen = await book_app.leaderboards.board(counted, week=key)
    assert frozen.rows[0].display_name == marker.display_name and frozen.rows[0].completion == 100
    await book_app.courses.configure(course.slug, self_marked_counts=False)
    off = await book_app.leaderboards.board(course, viewer_id=marker.id)
    assert off.viewer.completion == 0
