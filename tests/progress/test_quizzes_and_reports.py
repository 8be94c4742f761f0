"""Quizzes, instructor reports and recommendations, on both databases."""

from __future__ import annotations

import csv
import io
import json

import pytest

from core.app import App
from core.errors import InvalidInput, LlmRequired, NotFound


async def test_students_see_questions_not_answers_until_they_submit(book_app: App, course, students) -> None:
    (student,) = await students(1)
    shown = await book_app.quizzes.for_student(course, "week-1")
    text = json.dumps(shown)
    quiz = await book_app.quizzes.quiz(course, "week-1")
    assert shown["questions"] and "explanation" not in text and '"answer"' not in text
    wrong = [(q.answer + 1) % len(q.choices) for q in quiz.questions]
    first = await book_app.quizzes.submit(student, course, "week-1", wrong)
    best = await book_app.quizzes.submit(student, course, "week-1", [q.answer for q in quiz.questions])
    last = await book_app.quizzes.submit(student, course, "week-1", wrong)
    assert (first.score, best.score, last.score) == (0, 100, 0)
    unit = next(u for u in (await book_app.tracking.show(student, course)).units if u.unit_id == "week-1")
    assert (unit.best_quiz_score, unit.last_quiz_score) == (100, 0)
    with pytest.raises(InvalidInput):
        await book_app.quizzes.submit(student, course, "week-1", [0])


async def test_quiz_mistakes(book_app: App, course) -> None:
    with pytest.raises(NotFound, match="unit"):
        await book_app.quizzes.quiz(course, "week-42")
    with pytest.raises(LlmRequired):
        await book_app.quizzes.generate(course, "week-1")


async def test_reports_as_csv(book_app: App, course, students) -> None:
    a, b = await students(2)
    await book_app.tracking.mark(a, course, "week-1")
    quiz = await book_app.quizzes.quiz(course, "week-1")
    await book_app.quizzes.submit(b, course, "week-1", [q.answer for q in quiz.questions])
    progress = list(csv.DictReader(io.StringIO(await book_app.reports.csv(course, "progress"))))
    assert len(progress) == 2 * 6  # every student × every unit
    mine = [r for r in progress if r["student"] == a.display_name and r["unit"] == "week-1"]
    assert mine[0]["completed"] == "yes" and mine[0]["discord_id"]
    quizzes = list(csv.DictReader(io.StringIO(await book_app.reports.csv(course, "quizzes"))))
    assert [(r["student"], r["score"]) for r in quizzes] == [(b.display_name, "100.0")]
    questions = list(csv.DictReader(io.StringIO(await book_app.reports.csv(course, "questions"))))
    assert questions == []
    with pytest.raises(InvalidInput):
        await book_app.reports.csv(course, "grades")


async def test_recommendations_skip_what_was_read_and_can_be_dismissed(
    book_app: App, course, students
) -> None:
    (student,) = await students(1)
    await book_app.accounts.update_profile(
        student.id,
        experience_level="Beginner",
        programming_languages=["Python"],
        available_hardware=["CPU only"],
    )
    first = await book_app.recommendations.next_for(student, course)
    assert first and all(r.reason and 0 <= r.score <= 1 for r in first)
    top = first[0].path
    await book_app.tracking.record_reading(student, course, top, 100)
    after = await book_app.recommendations.next_for(student, course)
    assert top not in [r.path for r in after]
    await book_app.recommendations.dismiss(student, course, after[0].path)
    assert after[0].path not in [r.path for r in await book_app.recommendations.next_for(student, course)]
    with pytest.raises(NotFound):
        await book_app.recommendations.dismiss(student, course, "never-recommended.md")
    async with book_app.store.read() as s:
        kept = await s.recommendations.latest(student.id, course.id)
    assert len(kept) <= 10
