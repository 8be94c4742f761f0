"""Per-question results of a unit's quiz for its staff: how many students tried it, how each
question went, and the wrong choice picked most often (the misconception worth a word in class).

Pure: the caller gives the quiz as students take it now and the attempts of the course's students.
An attempt counts when it answered this version of the quiz; attempts on an earlier version (other
questions, other answers) are only counted, since their answers mean something else."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from core.progress.quiz_files import Quiz


@dataclass(frozen=True)
class QuestionStats:
    number: int  # 1-based
    question: str
    answer: str  # the right choice
    answered: int
    correct: int
    common_wrong: str | None  # the wrong choice picked most often
    common_wrong_count: int

    @property
    def pct_correct(self) -> float:
        return round(100 * self.correct / self.answered, 1) if self.answered else 0.0


@dataclass(frozen=True)
class StudentScore:
    name: str  # as the class knows them (their name in the course's server)
    attempts: int
    best: float
    last: float


@dataclass(frozen=True)
class QuizResults:
    unit_id: str
    title: str
    source: str  # "generated" or the quiz file's path
    attempts: int  # on this version of the quiz
    earlier_attempts: int  # on earlier versions, not in the figures
    average_score: float | None  # over the counted attempts
    questions: tuple[QuestionStats, ...]
    students: tuple[StudentScore, ...]  # by name


def quiz_results(quiz: Quiz, revision: str, attempts: Iterable[Mapping[str, Any]]) -> QuizResults:
    """`attempts`: rows with user_id, display_name, score, answers (a list or its JSON) and
    quiz_revision (None for attempts recorded before revisions were kept)."""
    size = len(quiz.questions)
    counted: list[tuple[Mapping[str, Any], list[int]]] = []
    earlier = 0
    for row in attempts:
        answers = row["answers"]
        answers = json.loads(answers) if isinstance(answers, str) else list(answers)
        same = row["quiz_revision"] == revision if row["quiz_revision"] else len(answers) == size
        if same and len(answers) == size:
            counted.append((row, answers))
        else:
            earlier += 1
    questions = []
    for index, question in enumerate(quiz.questions):
        picks = Counter(answers[index] for _, answers in counted)
        wrong = [(n, choice) for choice, n in picks.items() if choice != question.answer]
        wrong.sort(key=lambda item: (-item[0], item[1]))
        top = wrong[0] if wrong else None
        questions.append(
            QuestionStats(
                number=index + 1,
                question=question.question,
                answer=question.choices[question.answer],
                answered=len(counted),
                correct=picks[question.answer],
                common_wrong=_choice(question.choices, top[1]) if top else None,
                common_wrong_count=top[0] if top else 0,
            )
        )
    by_student: dict[str, list[Mapping[str, Any]]] = {}
    for row, _ in counted:
        by_student.setdefault(row["user_id"], []).append(row)
    students = sorted(
        (
            StudentScore(
                name=rows[-1]["display_name"],
                attempts=len(rows),
                best=max(float(r["score"]) for r in rows),
                last=float(rows[-1]["score"]),
            )
            for rows in by_student.values()
        ),
        key=lambda s: (s.name.lower(), s.name),
    )
    scores = [float(row["score"]) for row, _ in counted]
    return QuizResults(
        unit_id=quiz.unit_id,
        title=quiz.title,
        source=quiz.source,
        attempts=len(counted),
        earlier_attempts=earlier,
        average_score=round(sum(scores) / len(scores), 1) if scores else None,
        questions=tuple(questions),
        students=tuple(students),
    )


def _choice(choices: tuple[str, ...], index: int) -> str:
    return choices[index] if 0 <= index < len(choices) else f"choice {index + 1}"
