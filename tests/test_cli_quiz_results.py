"""`studyhall quiz results UNIT --course C`: the per-question results staff see in Discord."""

from __future__ import annotations

import json
from pathlib import Path

from core.app import App
from tests.cli import runner


async def test_quiz_results_from_the_cli(book_app: App, course, tmp_path: Path, database_url: str) -> None:
    run = runner(tmp_path, database_url)
    empty = run("quiz", "results", "week-1", "--course", "sample")
    assert empty.returncode == 0, empty.stderr
    assert "No student has taken this version of the quiz yet." in empty.stdout

    ada = await book_app.accounts.resolve("discord", "200000000000000001", "Ada")
    await book_app.accounts.enter_course(ada.id, course.id, "Ada in class")
    quiz = await book_app.quizzes.quiz(course, "week-1")
    right = [q.answer for q in quiz.questions]
    await book_app.quizzes.submit(ada, course, "week-1", [(right[0] + 1) % 2, *right[1:]])

    shown = run("quiz", "results", "week-1", "--course", "sample")
    assert shown.returncode == 0, shown.stderr
    assert "1 attempt(s) by 1 student(s), average score 80%" in shown.stdout
    assert " 1.   0.0% right (0/1)" in shown.stdout and "most chosen wrong:" in shown.stdout
    assert "Ada in class" in shown.stdout
    data = json.loads(run("quiz", "results", "week-1", "--course", "sample", "--json").stdout)
    assert data["attempts"] == 1 and data["questions"][0]["pct_correct"] == 0.0
    assert data["students"] == [{"name": "Ada in class", "attempts": 1, "best": 80.0, "last": 80.0}]

    unknown = run("quiz", "results", "week-12", "--course", "sample")
    assert (
        unknown.returncode != 0
        and "No unit 'week-12'" in unknown.stderr
        and "Units like it" in unknown.stderr
    )
