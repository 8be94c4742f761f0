"""A submission is recorded once (even two at once, on both databases), a changed quiz is refused
mid-attempt, and staff get per-question results of the course's students only."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from core.app import App
from core.errors import NotFound
from core.progress.quizzes import QuizChanged


async def attempt_count(app: App, course) -> int:
    async with app.store.read() as s:
        return len(await s.progress.attempts(course.id))


async def test_the_same_submission_twice_at_once_records_one_attempt(book_app: App, course, students) -> None:
    (student,) = await students(1)
    shown = await book_app.quizzes.for_student(course, "week-1")
    quiz = await book_app.quizzes.quiz(course, "week-1")
    right = [q.answer for q in quiz.questions]
    both = await asyncio.gather(
        *(
            book_app.quizzes.submit(
                student, course, "week-1", right, revision=shown["revision"], submission="message-1"
            )
            for _ in range(2)
        )
    )
    assert [g.score for g in both] == [100.0, 100.0]  # both presses see their score
    assert await attempt_count(book_app, course) == 1
    await book_app.quizzes.submit(student, course, "week-1", right, submission="message-2")  # a new try
    await book_app.quizzes.submit(student, course, "week-1", right)  # no submission given: each counts
    assert await attempt_count(book_app, course) == 3


async def test_an_answer_on_an_older_version_is_refused(book_app: App, course, students) -> None:
    (student,) = await students(1)
    started = (await book_app.quizzes.for_student(course, "week-1"))["revision"]
    quiz = await book_app.quizzes.quiz(course, "week-1")
    await book_app.quizzes.load_from_book(course, [dataclasses.replace(quiz, questions=quiz.questions[:2])])
    with pytest.raises(QuizChanged, match="changed since you started"):
        await book_app.quizzes.for_student(course, "week-1", started)
    with pytest.raises(QuizChanged):
        await book_app.quizzes.submit(student, course, "week-1", [0, 0], revision=started, submission="m")
    assert await attempt_count(book_app, course) == 0


async def test_per_question_results_count_only_this_courses_students(book_app: App, course, students) -> None:
    ada, bob, cy = await students(3)
    await book_app.accounts.enter_course(ada.id, course.id, "Ada (server nickname)")
    quiz = await book_app.quizzes.quiz(course, "week-1")
    right = [q.answer for q in quiz.questions]
    wrong_first = [(right[0] + 1) % len(quiz.questions[0].choices), *right[1:]]
    await book_app.quizzes.submit(ada, course, "week-1", right)
    await book_app.quizzes.submit(bob, course, "week-1", wrong_first)
    await book_app.quizzes.submit(bob, course, "week-1", right)
    teacher = await book_app.accounts.resolve("discord", "700000000000000001", "Teacher")
    await book_app.accounts.set_role(teacher.id, course.id, "instructor", surface="cli")
    await book_app.quizzes.submit(teacher, course, "week-1", wrong_first)  # staff trying it: left out

    results = await book_app.quizzes.results(course, "week-1")
    assert results.attempts == 3 and results.earlier_attempts == 0
    assert results.average_score == round((100 + 80 + 100) / 3, 1)
    first = results.questions[0]
    assert (first.answered, first.correct, first.pct_correct) == (3, 2, 66.7)
    assert first.common_wrong == quiz.questions[0].choices[wrong_first[0]] and first.common_wrong_count == 1
    assert results.questions[1].pct_correct == 100.0 and results.questions[1].common_wrong is None
    assert [(s.name, s.attempts, s.best, s.last) for s in results.students] == [
        ("Ada (server nickname)", 1, 100.0, 100.0),
        ("Student 1", 2, 100.0, 100.0),
    ]

    await book_app.quizzes.load_from_book(course, [dataclasses.replace(quiz, questions=quiz.questions[:2])])
    changed = await book_app.quizzes.results(course, "week-1")
    assert changed.attempts == 0 and changed.earlier_attempts == 3 and changed.average_score is None
    await book_app.quizzes.load_from_book(course, [])
    with pytest.raises(NotFound, match="generate one and publish it"):
        await book_app.quizzes.results(course, "week-1")
    with pytest.raises(NotFound, match="No unit 'week-42'"):
        await book_app.quizzes.results(course, "week-42")
