"""Instructor quiz files: loading, every rule with its line, the sample book's quizzes, grading."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from core.books.layout import SAMPLE_BOOK_ROOT, chapter_order, load_book
from core.books.model import BookDocument
from core.errors import InvalidInput, StudyhallError
from core.progress.quiz_files import (
    Quiz,
    QuizFileError,
    QuizQuestion,
    grade,
    load_quiz_file,
    load_quizzes,
    quiz_to_student,
)

MARK = "#!"  # ends the line an error is expected on

GOOD = """\
title: Week 1 — Balance
questions:
  - question: What must stay inside the support polygon for a walking robot to stay balanced?
    choices: [The centre of mass only, The zero moment point, The camera frame]
    answer: 1
    explanation: The ZMP must remain inside the support polygon.
    section: 01-foundations/balance-and-zmp.md#zmp
  - question: Which sensor measures angular velocity?
    choices:
      - Gyroscope
      - Joint encoder
    answer: Gyroscope
"""


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def marked_line(text: str) -> int:
    lines = [number for number, line in enumerate(textwrap.dedent(text).splitlines(), 1) if MARK in line]
    assert len(lines) == 1, "mark exactly one line"
    return lines[0]


def question(**overrides: str) -> str:
    """One question in block style, with lines replaced or added (value None drops the key)."""
    fields = {
        "question": "question: What is the ZMP?",
        "choices": "choices: [A point on the ground, A joint, A sensor]",
        "answer": "answer: 0",
        "explanation": "explanation: It is a point on the ground.",
        "section": "section: 01-foundations/balance-and-zmp.md#zmp",
    }
    fields.update(overrides)
    lines = [line for line in fields.values() if line is not None]
    first, *rest = lines
    return "\n".join(["  - " + first, *("    " + line for line in rest)]) + "\n"


def quiz_text(*questions: str, title: str = "title: Week 1\n") -> str:
    return title + "questions:\n" + "".join(questions)


# --- loading a good file ------------------------------------------------------------------------


def test_a_good_file_loads(tmp_path: Path) -> None:
    file = write(tmp_path, "quizzes/week-1.yaml", GOOD)
    quiz = load_quiz_file(tmp_path, file)
    assert quiz == Quiz(
        unit_id="week-1",
        title="Week 1 — Balance",
        source="quizzes/week-1.yaml",
        questions=(
            QuizQuestion(
                question="What must stay inside the support polygon for a walking robot to stay balanced?",
                choices=("The centre of mass only", "The zero moment point", "The camera frame"),
                answer=1,
                explanation="The ZMP must remain inside the support polygon.",
                section="01-foundations/balance-and-zmp.md#zmp",
            ),
            QuizQuestion(
                question="Which sensor measures angular velocity?",
                choices=("Gyroscope", "Joint encoder"),
                answer=0,
                explanation="",
                section=None,
            ),
        ),
    )
    # A path relative to the root works too.
    assert load_quiz_file(tmp_path, Path("quizzes/week-1.yaml")) == quiz


def test_title_defaults_to_the_unit_and_explanation_may_be_empty(tmp_path: Path) -> None:
    text = quiz_text(
        question(explanation='explanation: ""'),
        question(question="question: Second?", explanation="explanation:"),
        title="",
    )
    quiz = load_quiz_file(tmp_path, write(tmp_path, "quizzes/week-2.yaml", text))
    assert quiz.title == "Week 2"
    assert [q.explanation for q in quiz.questions] == ["", ""]


def test_numbers_as_choices_and_an_answer_given_as_quoted_text(tmp_path: Path) -> None:
    text = quiz_text(
        question(choices="choices: [3, 4, 0.5, yes]", answer='answer: "4"'),
        question(question="question: Again?", choices="choices: [3, 4, 0.5, yes]", answer="answer: 0.5"),
        question(question="question: Once more?", choices="choices: [3, 4, 0.5, yes]", answer="answer: 3"),
    )
    quiz = load_quiz_file(tmp_path, write(tmp_path, "quizzes/unit_1.yml", text))
    assert quiz.questions[0].choices == ("3", "4", "0.5", "yes")
    assert [q.answer for q in quiz.questions] == [1, 2, 3]  # an unquoted number is an index


def test_a_section_without_an_anchor_and_an_mdx_file(tmp_path: Path) -> None:
    text = quiz_text(
        question(section="section: 01-foundations/balance-and-zmp.md"),
        question(
            question="question: B?", section="section: 02-ros2/recovery-behaviours.mdx#when-recovery-fails"
        ),
    )
    quiz = load_quiz_file(tmp_path, write(tmp_path, "quizzes/week-1.yaml", text))
    assert [q.section for q in quiz.questions] == [
        "01-foundations/balance-and-zmp.md",
        "02-ros2/recovery-behaviours.mdx#when-recovery-fails",
    ]


# --- every rule, on its line --------------------------------------------------------------------

TOO_MANY_QUESTIONS = "questions:\n" + "".join(
    question(question=f"question: Q{n}?" + (f"  {MARK}" if n == 51 else "")) for n in range(1, 52)
)

BROKEN = {
    "not a mapping": ("- one  #!\n- two\n", "must be a mapping"),
    "a scalar": ("just words  #!\n", "must be a mapping"),
    "no questions": ("title: Week 1  #!\n", "no `questions`"),
    "questions empty": ("title: Week 1\nquestions: []  #!\n", "`questions` is empty"),
    "questions not a list": ("title: Week 1\nquestions: many  #!\n", "must be a list"),
    "unknown top key": ("title: Week 1\ntitel: x  #!\nquestions: []\n", "unknown key 'titel'"),
    "title not text": ("title: [a, b]  #!\nquestions: []\n", "the title must be text"),
    "title too long": (f"title: {'x' * 256}  #!\n" + quiz_text(question(), title=""), "longer than 255"),
    "invalid YAML": ("title: Week 1\nquestions:\n  - question: a: b  #!\n", "invalid YAML"),
    "question not a mapping": (quiz_text("  - What is the ZMP?  #!\n"), "question 1 must be a mapping"),
    "question text missing": (
        quiz_text(question(question=None, choices="choices: [a, b]  #!")),
        "is missing",
    ),
    "question text empty": (quiz_text(question(question='question: "  "  #!')), "question text is empty"),
    "question text not text": (
        quiz_text(question(question="question: 42  #!")),
        "must be text, not a number",
    ),
    "unknown question key": (quiz_text(question(explanation="explaination: typo  #!")), "unknown key"),
    "key given twice": (quiz_text(question(section="answer: 1  #!")), "'answer' is given twice"),
    "choices missing": (quiz_text(question(question="question: Q?  #!", choices=None)), "no `choices`"),
    "choices not a list": (quiz_text(question(choices="choices: a, b  #!")), "must be a list"),
    "one choice": (quiz_text(question(choices="choices: [only]  #!")), "1 choice; give between 2 and 10"),
    "eleven choices": (
        quiz_text(question(choices=f"choices: [{', '.join(f'c{n}' for n in range(11))}]  {MARK}")),
        "11 choices",
    ),
    "empty choice": (
        quiz_text(question(choices='choices:\n      - a\n      - ""  #!\n      - c')),
        "choice 1 is empty",
    ),
    "choice not text": (
        quiz_text(question(choices="choices:\n      - a\n      - [b, c]  #!")),
        "choice 1 is a list",
    ),
    "duplicate choices": (
        quiz_text(question(choices="choices:\n      - The ZMP\n      - A joint\n      - the  zmp  #!")),
        "choice 2 repeats choice 0",
    ),
    "answer missing": (quiz_text(question(question="question: Q?  #!", answer=None)), "no `answer`"),
    "answer out of range": (quiz_text(question(answer="answer: 3  #!")), "answer 3 is not a choice"),
    "answer negative": (quiz_text(question(answer="answer: -1  #!")), "answer -1 is not a choice"),
    "answer not a choice": (
        quiz_text(question(answer="answer: A sensor array  #!")),
        "'A sensor array' is not one of the choices",
    ),
    "answer a list": (quiz_text(question(answer="answer: [0]  #!")), "not a list"),
    "explanation not text": (
        quiz_text(question(explanation="explanation: [not, text]  #!")),
        "the explanation must be text",
    ),
    "explanation a number": (
        quiz_text(question(explanation="explanation: 3  #!")),
        "the explanation must be text",
    ),
    "section without .md": (quiz_text(question(section="section: balance#zmp  #!")), "ending in .md or .mdx"),
    "section absolute": (quiz_text(question(section="section: /docs/a.md#zmp  #!")), "relative to the book"),
    "section leaving the book": (quiz_text(question(section="section: ../a.md  #!")), "relative to the book"),
    "section with two anchors": (quiz_text(question(section="section: a.md#b#c  #!")), "ending in .md"),
    "section not text": (quiz_text(question(section="section: {a: b}  #!")), "the section must be text"),
    # YAML gives an alias the node it refers to, so the line is the anchor's.
    "aliased question": (
        quiz_text(question(), "  - &q {question: 'B?', choices: [a, b], answer: 0}  #!\n  - *q\n"),
        "anchors and aliases",
    ),
    "more than 50 questions": (TOO_MANY_QUESTIONS, "at most 50 questions, this has 51"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_each_rule_is_reported_on_its_line(tmp_path: Path, case: str) -> None:
    text, expected = BROKEN[case]
    write(tmp_path, "quizzes/week-3.yaml", text)
    with pytest.raises(QuizFileError) as caught:
        load_quiz_file(tmp_path, Path("quizzes/week-3.yaml"))
    err = caught.value
    line = marked_line(text)
    assert expected in err.message
    assert (err.path, err.line) == ("quizzes/week-3.yaml", line)
    assert str(err) == f"quizzes/week-3.yaml:{line}: {err.message}"
    assert isinstance(err, StudyhallError)


def test_an_empty_file(tmp_path: Path) -> None:
    write(tmp_path, "quizzes/week-1.yaml", "# nothing yet\n")
    with pytest.raises(QuizFileError, match=r"^quizzes/week-1.yaml:1: the quiz is empty"):
        load_quiz_file(tmp_path, Path("quizzes/week-1.yaml"))


def test_a_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "quizzes" / "week-1.yaml"
    path.parent.mkdir()
    path.write_bytes(b"title: ok\nquestions:\n  - question: caf\xe9?\n")
    with pytest.raises(QuizFileError, match=r"^quizzes/week-1.yaml:3: not UTF-8"):
        load_quiz_file(tmp_path, path)


@pytest.mark.parametrize(
    "name", ["Week 1.yaml", "week.1.yaml", "-week.yaml", f"{'w' * 65}.yaml", "Week-1.yaml"]
)
def test_the_file_name_must_be_a_unit_id(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, f"quizzes/{name}", GOOD)
    with pytest.raises(QuizFileError) as caught:
        load_quiz_file(tmp_path, path)
    assert caught.value.line is None
    assert caught.value.path == f"quizzes/{name}"
    assert "unit id" in caught.value.message


def test_a_section_the_book_does_not_have_is_reported_when_asked(tmp_path: Path) -> None:
    text = quiz_text(question(), question(question="question: B?", section="section: a.md#nowhere  #!"))
    write(tmp_path, "quizzes/week-1.yaml", text)
    known = {"01-foundations/balance-and-zmp.md#zmp"}.__contains__
    with pytest.raises(QuizFileError) as caught:
        load_quiz_file(tmp_path, Path("quizzes/week-1.yaml"), known=known)
    assert caught.value.line == marked_line(text)
    assert "question 2: section 'a.md#nowhere' is not in the book" in str(caught.value)
    # Without `known`, only the form is checked.
    assert load_quiz_file(tmp_path, Path("quizzes/week-1.yaml")).questions[1].section == "a.md#nowhere"


# --- a whole folder -----------------------------------------------------------------------------


def test_load_quizzes_keeps_going_past_bad_files(tmp_path: Path) -> None:
    write(tmp_path, "quizzes/week-10.yaml", GOOD)
    write(tmp_path, "quizzes/week-2.yml", GOOD)
    write(tmp_path, "quizzes/week-3.yaml", "questions: []\n")
    write(tmp_path, "quizzes/Week 4.yaml", GOOD)
    write(tmp_path, "quizzes/week-2.yaml", GOOD)  # a second quiz for week-2
    write(tmp_path, "quizzes/notes.md", "# not a quiz\n")
    write(tmp_path, "quizzes/.hidden.yaml", "broken: [")
    write(tmp_path, "quizzes/_draft.yaml", "broken: [")
    (tmp_path / "quizzes" / "folder.yaml").mkdir()

    quizzes, errors = load_quizzes(tmp_path)

    assert [(q.unit_id, q.source) for q in quizzes] == [
        ("week-2", "quizzes/week-2.yaml"),  # .yaml sorts before .yml
        ("week-10", "quizzes/week-10.yaml"),  # natural order
    ]
    by_path = {err.path: err for err in errors}
    assert sorted(by_path) == ["quizzes/Week 4.yaml", "quizzes/week-2.yml", "quizzes/week-3.yaml"]
    assert (
        str(by_path["quizzes/week-2.yml"])
        == "quizzes/week-2.yml: quizzes/week-2.yaml is already the quiz of this unit"
    )
    assert str(by_path["quizzes/week-3.yaml"]) == "quizzes/week-3.yaml:1: `questions` is empty"
    assert by_path["quizzes/Week 4.yaml"].line is None
    assert all(isinstance(err, QuizFileError) for err in errors)


def test_load_quizzes_without_a_folder(tmp_path: Path) -> None:
    assert load_quizzes(tmp_path) == ([], [])


def test_load_quizzes_passes_known_on(tmp_path: Path) -> None:
    write(tmp_path, "quizzes/week-1.yaml", GOOD)
    quizzes, errors = load_quizzes(tmp_path, known=lambda ref: False)
    assert quizzes == []
    assert [(err.line, "is not in the book" in err.message) for err in errors] == [(7, True)]


# --- the sample book ----------------------------------------------------------------------------


def sample_documents() -> list[BookDocument]:
    documents = [item for item in load_book(SAMPLE_BOOK_ROOT) if isinstance(item, BookDocument)]
    assert len(documents) == len(chapter_order(SAMPLE_BOOK_ROOT))
    return documents


def test_the_sample_book_has_one_clean_quiz_per_week() -> None:
    documents = sample_documents()
    known = {document.path for document in documents} | {
        f"{document.path}#{section.anchor}"
        for document in documents
        for section in document.sections
        if section.anchor
    }
    quizzes, errors = load_quizzes(SAMPLE_BOOK_ROOT, known=known.__contains__)
    assert errors == []

    chapters_by_week: dict[int, set[str]] = {}
    for document in documents:
        if document.metadata["week"] is not None:
            chapters_by_week.setdefault(document.metadata["week"], set()).add(document.path)
    assert [q.unit_id for q in quizzes] == [f"week-{week}" for week in sorted(chapters_by_week)]
    for quiz in quizzes:
        week = int(quiz.unit_id.removeprefix("week-"))
        assert 3 <= len(quiz.questions) <= 5
        assert quiz.title.startswith(f"Week {week} — ")
        for item in quiz.questions:
            assert item.explanation
            assert item.section is not None
            assert item.section.split("#")[0] in chapters_by_week[week]
        # The right answer is not always in the same place.
        assert len({item.answer for item in quiz.questions}) > 1


def test_the_quizzes_folder_is_not_part_of_the_book() -> None:
    assert not any(path.startswith("quizzes/") for path in chapter_order(SAMPLE_BOOK_ROOT))
    assert {document.metadata["module"] for document in sample_documents()} == {
        None,
        "01-foundations",
        "02-ros2",
        "03-simulation",
    }


# --- what a student sees, and grading -----------------------------------------------------------


@pytest.fixture
def quiz(tmp_path: Path) -> Quiz:
    text = quiz_text(
        question(),
        question(
            question="question: Which sensor drifts?",
            choices="choices: [Force sensor, IMU, Encoder]",
            answer="answer: IMU",
            explanation="explanation: Integrating a gyroscope bias makes the IMU drift.",
            section="section: 01-foundations/sensors.md#typical-pitfalls",
        ),
        question(
            question="question: Third?", choices="choices: [x, y]", answer="answer: 1", explanation=None
        ),
    )
    return load_quiz_file(tmp_path, write(tmp_path, "quizzes/week-2.yaml", text))


def test_a_student_sees_no_answers_or_explanations(quiz: Quiz) -> None:
    view = quiz_to_student(quiz)
    assert view == {
        "unit_id": "week-2",
        "title": "Week 1",
        "questions": [
            {
                "number": 1,
                "question": "What is the ZMP?",
                "choices": ["A point on the ground", "A joint", "A sensor"],
            },
            {"number": 2, "question": "Which sensor drifts?", "choices": ["Force sensor", "IMU", "Encoder"]},
            {"number": 3, "question": "Third?", "choices": ["x", "y"]},
        ],
    }
    serialised = json.dumps(view)
    for banned in ("answer", "explanation", "section", "correct", "#", "Integrating", "point on the ground."):
        assert banned not in serialised


def test_grading(quiz: Quiz) -> None:
    result = grade(quiz, [0, 1, 1])
    assert (result.unit_id, result.score, result.correct, result.total) == ("week-2", 100.0, 3, 3)

    result = grade(quiz, [0, 2, 0])
    assert (result.score, result.correct) == (33.3, 1)
    second = result.results[1]
    assert (second.chosen, second.correct, second.is_correct) == (2, 1, False)
    assert second.explanation == "Integrating a gyroscope bias makes the IMU drift."
    assert second.section == "01-foundations/sensors.md#typical-pitfalls"
    assert second.question == "Which sensor drifts?"
    assert [r.is_correct for r in result.results] == [True, False, False]

    assert grade(quiz, [0, 1, 0]).score == 66.7
    assert grade(quiz, [2, 0, 0]).score == 0.0


@pytest.mark.parametrize(
    ("answers", "words"),
    [
        ([0, 1], "This quiz has 3 questions but you answered 2"),
        ([0, 1, 1, 0], "you answered 4"),
        ([], "you answered 0"),
        ([0, 3, 1], "Question 2 has 3 choices"),
        ([0, 1, 2], "Question 3 has 2 choices"),
        ([-1, 1, 1], "Question 1 has 3 choices"),
        ([True, 1, 1], "Question 1 has 3 choices"),
        (["0", 1, 1], "Question 1 has 3 choices"),
    ],
)
def test_grading_rejects_answers_that_do_not_fit(quiz: Quiz, answers: list, words: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        grade(quiz, answers)
    assert caught.value.field == "answers"
    assert words in str(caught.value)
