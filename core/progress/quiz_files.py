"""Quizzes an instructor writes next to the book: `quizzes/<unit-id>.yaml` in the book folder.

    title: Week 1 — Balance
    questions:
      - question: What must stay inside the support polygon for a walking robot to stay balanced?
        choices: [The centre of mass only, The zero moment point, The camera frame]
        answer: 1            # index into choices (0-based), or the exact text of the right choice
        explanation: The ZMP must remain inside the support polygon ...
        section: 01-foundations/balance-and-zmp.md#zmp     # path#anchor; the anchor is optional

Every mistake is reported with the file and the line it is on, so an instructor can fix it
without guessing. A bad file is reported and skipped; it never stops the other quizzes loading.
The same checks apply to quizzes an LLM writes (`core.progress.quiz_generation`), which have no
file and no lines.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from core.books.safe_files import TooLarge, is_link, is_plain_folder, read_capped
from core.errors import InvalidInput, StudyhallError

log = logging.getLogger(__name__)

QUIZ_FOLDER = "quizzes"
QUIZ_SUFFIXES = frozenset({".yaml", ".yml"})
UNIT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MAX_QUESTIONS = 50
MIN_CHOICES = 2
MAX_CHOICES = 10
MAX_TITLE_CHARS = 255  # the database's limit on a quiz title
MAX_FILE_BYTES = 1_000_000
NOT_FOLLOWED = "a symbolic link: not followed (links could reach outside the book)"
GENERATED = "generated"

# `path.md` or `path.mdx`, optionally `#anchor`; anchors may be any Unicode slug or custom id.
_SECTION = re.compile(r"(?P<path>[^#]*[^#/]\.mdx?)(?:#(?P<anchor>[^#\s]+))?", re.IGNORECASE)
_QUESTION_KEYS = ("question", "choices", "answer", "explanation", "section")
_QUIZ_KEYS = ("title", "questions")

try:  # libyaml is faster; both give the same nodes and marks
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how pyyaml was built
    _Loader = yaml.SafeLoader


class BookFileError(StudyhallError):
    """A YAML file of the book folder that cannot be used: names the file and, when known, the line."""

    def __init__(self, path: str, line: int | None, message: str):
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.message = message


class QuizFileError(BookFileError):
    """A quiz file (or a generated quiz, path "generated") that breaks a rule; `line` is 1-based."""


@dataclass(frozen=True)
class QuizQuestion:
    question: str
    choices: tuple[str, ...]
    answer: int  # index into choices
    explanation: str  # "" when the author gave none
    section: str | None  # "path.md#anchor" or "path.md"


@dataclass(frozen=True)
class Quiz:
    unit_id: str
    title: str
    questions: tuple[QuizQuestion, ...]
    source: str  # the file's path relative to the book root, or "generated"


@dataclass(frozen=True)
class QuestionResult:
    question: str
    chosen: int  # the student's choice (index)
    correct: int  # the right choice (index)
    is_correct: bool
    explanation: str
    section: str | None


@dataclass(frozen=True)
class Grade:
    unit_id: str
    score: float  # 0–100, rounded to one decimal
    correct: int  # how many answers were right
    total: int
    results: tuple[QuestionResult, ...]


# --- loading ------------------------------------------------------------------------------------


def load_quiz_file(root: Path, file: Path, known: Callable[[str], bool] | None = None) -> Quiz:
    """Read and check one quiz file (absolute, or relative to `root`); raise QuizFileError.

    `known`, when given, is asked about every `section` ("path.md#anchor" or "path.md"); a section
    it does not know is an error on that line.
    """
    root = Path(root)
    file = Path(file)
    if not file.is_absolute() and not (not root.is_absolute() and file.is_relative_to(root)):
        file = root / file
    relative = _relative(root, file)
    unit_id = file.stem
    if not UNIT_ID.fullmatch(unit_id):
        raise QuizFileError(
            relative,
            None,
            f"the file name must be the unit id, {unit_id!r} is not one: use 1–64 lowercase letters, "
            "digits, '-' or '_', starting with a letter or digit (e.g. week-1.yaml)",
        )
    text = read_text(file, relative, QuizFileError)
    root_node = parse_yaml(text, relative, QuizFileError)
    return quiz_from_node(root_node, unit_id, relative, known)


def load_quizzes(
    root: Path, known: Callable[[str], bool] | None = None
) -> tuple[list[Quiz], list[QuizFileError]]:
    """Every `quizzes/*.yaml|*.yml` of the book (none if the folder is absent), and the errors of
    the files that could not be used. Files starting with '.' or '_' are ignored."""
    root = Path(root)
    folder = root / QUIZ_FOLDER
    if is_link(folder):  # the answer keys of whatever it points to: never followed
        return [], [QuizFileError(QUIZ_FOLDER, None, NOT_FOLLOWED)]
    if not is_plain_folder(folder):
        return [], []
    quizzes: list[Quiz] = []
    errors: list[QuizFileError] = []
    seen: dict[str, str] = {}
    with os.scandir(folder) as listing:
        entries = [
            e
            for e in listing
            if e.name.lower().endswith(tuple(QUIZ_SUFFIXES)) and not e.name.startswith((".", "_"))
        ]
    for entry in entries:
        if entry.is_symlink():
            errors.append(QuizFileError(f"{QUIZ_FOLDER}/{entry.name}", None, NOT_FOLLOWED))
    files = sorted(
        (Path(e.path) for e in entries if e.is_file(follow_symlinks=False)),
        key=lambda child: _natural(child.name),
    )
    for file in files:
        relative = _relative(root, file)
        try:
            quiz = load_quiz_file(root, file, known)
        except QuizFileError as err:
            log.debug("skipping quiz %s", err)
            errors.append(err)
            continue
        except Exception as exc:  # one bad file must never stop the others
            log.error("unexpected error loading quiz %s", relative, exc_info=True)
            errors.append(QuizFileError(relative, None, f"unexpected {type(exc).__name__}: {exc}"))
            continue
        if quiz.unit_id in seen:
            errors.append(
                QuizFileError(relative, None, f"{seen[quiz.unit_id]} is already the quiz of this unit")
            )
            continue
        seen[quiz.unit_id] = relative
        quizzes.append(quiz)
    return quizzes, errors


# --- what a student sees ------------------------------------------------------------------------


def quiz_to_student(quiz: Quiz) -> dict:
    """The quiz as a student may see it before submitting: no answers, no explanations, no sections."""
    return {
        "unit_id": quiz.unit_id,
        "title": quiz.title,
        "questions": [
            {"number": number, "question": q.question, "choices": list(q.choices)}
            for number, q in enumerate(quiz.questions, start=1)
        ],
    }


def grade(quiz: Quiz, answers: list[int]) -> Grade:
    """Mark a submission: `answers[i]` is the index of the choice picked for question i."""
    total = len(quiz.questions)
    if len(answers) != total:
        raise InvalidInput(
            "answers",
            f"This quiz has {_plural(total, 'question')} but you answered {len(answers)}; "
            "answer every question once.",
        )
    results = []
    for number, (question, chosen) in enumerate(zip(quiz.questions, answers, strict=True), start=1):
        if isinstance(chosen, bool) or not isinstance(chosen, int) or not 0 <= chosen < len(question.choices):
            raise InvalidInput(
                "answers",
                f"Question {number} has {len(question.choices)} choices; pick one of them.",
            )
        results.append(
            QuestionResult(
                question=question.question,
                chosen=chosen,
                correct=question.answer,
                is_correct=chosen == question.answer,
                explanation=question.explanation,
                section=question.section,
            )
        )
    right = sum(result.is_correct for result in results)
    score = round(100 * right / total, 1) if total else 0.0
    return Grade(unit_id=quiz.unit_id, score=score, correct=right, total=total, results=tuple(results))


# --- located values: YAML nodes or JSON, each with the line it starts on ------------------------


@dataclass(frozen=True)
class Node:
    """A parsed value and where it starts. `kind` is map, seq, str, int, float, bool, null (or
    another YAML scalar tag such as timestamp); `value` is a list of (key, value) Node pairs for a
    map, a list of Nodes for a seq, the Python value for a scalar. `text` is a scalar as written."""

    kind: str
    value: Any
    line: int | None  # 1-based; None for JSON
    text: str = ""

    @property
    def is_scalar(self) -> bool:
        return self.kind not in ("map", "seq")


ErrorType = Callable[[str, int | None, str], BookFileError]


def read_text(file: Path, relative: str, error: ErrorType) -> str:
    """A file's UTF-8 text, or `error` naming the file (and the line of the first bad byte)."""
    try:
        raw = read_capped(file, MAX_FILE_BYTES)  # never through a symlink
    except TooLarge as err:
        raise error(relative, None, f"larger than {MAX_FILE_BYTES // 1000} kB") from err
    except OSError as err:
        raise error(relative, None, f"cannot read: {err.strerror or err}") from err
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        raise error(relative, raw[: err.start].count(b"\n") + 1, "not UTF-8 text") from err


def parse_yaml(text: str, path: str, error: ErrorType) -> Node | None:
    """One YAML document as Nodes (None when empty); anchors/aliases and unsafe tags are refused."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _from_yaml(node, loader, path, error, set())
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = err.problem or err.context or "cannot be parsed"
        raise error(path, mark.line + 1 if mark else None, f"invalid YAML: {problem}") from err
    except yaml.YAMLError as err:
        raise error(path, None, f"invalid YAML: {err}") from err
    finally:
        loader.dispose()


def _from_yaml(node: yaml.Node, loader: Any, path: str, error: ErrorType, seen: set[int]) -> Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        if id(node) in seen:
            raise error(path, line, "anchors and aliases (& and *) are not supported here")
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            return Node("seq", [_from_yaml(item, loader, path, error, seen) for item in node.value], line)
        pairs = [
            (_from_yaml(key, loader, path, error, seen), _from_yaml(value, loader, path, error, seen))
            for key, value in node.value
        ]
        return Node("map", pairs, line)
    kind = node.tag.rsplit(":", 1)[-1]
    try:
        value = loader.construct_object(node, deep=True)
    except yaml.YAMLError as err:
        raise error(path, line, f"cannot read this value: {getattr(err, 'problem', None) or err}") from err
    return Node(kind, value, line, node.value if isinstance(node.value, str) else str(value))


def from_json(value: Any) -> Node:
    """Parsed JSON as Nodes without lines."""
    if isinstance(value, dict):
        return Node("map", [(from_json(key), from_json(item)) for key, item in value.items()], None)
    if isinstance(value, list):
        return Node("seq", [from_json(item) for item in value], None)
    if value is None:
        return Node("null", None, None, "")
    if isinstance(value, bool):
        return Node("bool", value, None, json.dumps(value))
    if isinstance(value, int):
        return Node("int", value, None, str(value))
    if isinstance(value, float):
        return Node("float", value, None, repr(value))
    return Node("str", str(value), None, str(value))


def fields(
    node: Node,
    allowed: tuple[str, ...],
    path: str,
    error: ErrorType,
    what: str,
    *,
    ignore_unknown: bool = False,
) -> dict[str, Node]:
    """A map's entries by key; repeated keys, and unknown keys unless ignored, are errors on their line."""
    if node.kind != "map":
        raise error(
            path, node.line, f"{what} must be a mapping of {', '.join(allowed)}, not {describe(node)}"
        )
    entries: dict[str, Node] = {}
    for key, value in node.value:
        name = key.text if key.is_scalar else "?"
        if name not in allowed:
            if ignore_unknown:
                continue
            raise error(path, key.line, f"{what}: unknown key {name!r} (expected {', '.join(allowed)})")
        if name in entries:
            raise error(path, key.line, f"{what}: {name!r} is given twice")
        entries[name] = value
    return entries


def describe(node: Node) -> str:
    return {"map": "a mapping", "seq": "a list", "null": "empty", "str": "text", "bool": "true/false"}.get(
        node.kind, f"a {node.kind}" if node.kind != "int" else "a number"
    )


def text_field(
    node: Node | None, path: str, error: ErrorType, what: str, *, line: int | None, required: bool
) -> str | None:
    """A text value, stripped; None when absent or empty and not required."""
    if node is None or node.kind == "null":
        if required:
            raise error(path, node.line if node else line, f"{what} is missing")
        return None
    if node.kind != "str":
        raise error(path, node.line, f"{what} must be text, not {describe(node)}")
    text = node.value.strip()
    if not text and required:
        raise error(path, node.line, f"{what} is empty")
    return text or None


def check_title(title: str | None, path: str, error: ErrorType, line: int | None) -> None:
    if title is not None and len(title) > MAX_TITLE_CHARS:
        raise error(path, line, f"the title is longer than {MAX_TITLE_CHARS} characters")


def unit_title(unit_id: str) -> str:
    """`week-1` -> `Week 1`."""
    words = re.sub(r"[-_]+", " ", unit_id).strip() or unit_id
    return words[:1].upper() + words[1:]


def valid_section(ref: str) -> bool:
    """Whether `ref` looks like `path.md`, `path.mdx` or either with `#anchor` (relative path)."""
    match = _SECTION.fullmatch(ref)
    if not match:
        return False
    parts = match.group("path").split("/")
    return not ref.startswith("/") and "\\" not in ref and ".." not in parts and "" not in parts


# --- the rules ----------------------------------------------------------------------------------


def quiz_from_node(
    root: Node | None,
    unit_id: str,
    path: str,
    known: Callable[[str], bool] | None = None,
    *,
    generated: bool = False,
    allowed_sections: set[str] | None = None,
) -> Quiz:
    """Check a whole quiz and raise the first mistake. A `generated` quiz is treated leniently:
    unknown keys are ignored, a bad title is replaced, questions past the limit and questions that
    break a rule (or cite a section outside `allowed_sections`) are left out; only a quiz with no
    good question left is an error."""
    error = QuizFileError
    if root is None:
        raise error(path, 1, "the quiz is empty: it needs `questions`")
    entries = fields(root, _QUIZ_KEYS, path, error, "a quiz", ignore_unknown=generated)
    title_node = entries.get("title")
    try:
        title = text_field(title_node, path, error, "the title", line=root.line, required=False)
        check_title(title, path, error, title_node.line if title_node else None)
    except QuizFileError:
        if not generated:
            raise
        title = None
    questions_node = entries.get("questions")
    if questions_node is None or questions_node.kind == "null":
        raise error(path, questions_node.line if questions_node else root.line, "the quiz has no `questions`")
    if questions_node.kind != "seq":
        raise error(path, questions_node.line, f"`questions` must be a list, not {describe(questions_node)}")
    items = questions_node.value
    if not items:
        raise error(path, questions_node.line, "`questions` is empty")
    if len(items) > MAX_QUESTIONS:
        if not generated:
            raise error(
                path,
                items[MAX_QUESTIONS].line,
                f"a quiz has at most {MAX_QUESTIONS} questions, this has {len(items)}",
            )
        items = items[:MAX_QUESTIONS]
    questions: list[QuizQuestion] = []
    problems: list[QuizFileError] = []
    for number, item in enumerate(items, start=1):
        try:
            question = _question(item, number, path, known, generated)
            if allowed_sections is not None and question.section not in allowed_sections:
                cited = f"section {question.section!r}" if question.section else "no section"
                raise error(path, item.line, f"question {number} cites {cited}, not one of the passages")
        except QuizFileError as err:
            if not generated:
                raise
            log.debug("dropping a generated question: %s", err)
            problems.append(err)
            continue
        questions.append(question)
    if not questions:
        reasons = "; ".join(problem.message for problem in problems[:3])
        raise error(path, None, f"no usable question: {reasons}")
    return Quiz(unit_id=unit_id, title=title or unit_title(unit_id), questions=tuple(questions), source=path)


def _question(
    node: Node, number: int, path: str, known: Callable[[str], bool] | None, generated: bool
) -> QuizQuestion:
    error = QuizFileError
    what = f"question {number}"
    entries = fields(node, _QUESTION_KEYS, path, error, what, ignore_unknown=generated)
    text = text_field(
        entries.get("question"), path, error, f"{what}: the question text", line=node.line, required=True
    )
    assert text is not None
    choices = _choices(entries.get("choices"), node, what, path)
    answer = _answer(entries.get("answer"), node, choices, what, path)
    explanation = text_field(
        entries.get("explanation"), path, error, f"{what}: the explanation", line=node.line, required=False
    )
    section = text_field(
        entries.get("section"), path, error, f"{what}: the section", line=node.line, required=False
    )
    if section is not None:
        line = entries["section"].line
        if not valid_section(section):
            raise error(
                path,
                line,
                f"{what}: section {section!r} must be a chapter path relative to the book root, "
                "ending in .md or .mdx, optionally followed by #anchor",
            )
        if known is not None and not known(section):
            raise error(path, line, f"{what}: section {section!r} is not in the book")
    return QuizQuestion(
        question=text, choices=choices, answer=answer, explanation=explanation or "", section=section
    )


def _choices(node: Node | None, question: Node, what: str, path: str) -> tuple[str, ...]:
    error = QuizFileError
    if node is None or node.kind == "null":
        raise error(path, node.line if node else question.line, f"{what} has no `choices`")
    if node.kind != "seq":
        raise error(path, node.line, f"{what}: `choices` must be a list, not {describe(node)}")
    items = node.value
    if not MIN_CHOICES <= len(items) <= MAX_CHOICES:
        raise error(
            path,
            node.line,
            f"{what} has {_plural(len(items), 'choice')}; give between {MIN_CHOICES} and {MAX_CHOICES}",
        )
    choices: list[str] = []
    seen: dict[str, int] = {}
    for position, item in enumerate(items):
        if not item.is_scalar or item.kind == "null" or not item.text.strip():
            shown = "empty" if item.is_scalar else describe(item)
            raise error(path, item.line, f"{what}: choice {position} is {shown}; every choice must be text")
        choice = item.text.strip()
        folded = " ".join(choice.casefold().split())
        if folded in seen:
            raise error(
                path, item.line, f"{what}: choice {position} repeats choice {seen[folded]} ({choice!r})"
            )
        seen[folded] = position
        choices.append(choice)
    return tuple(choices)


def _answer(node: Node | None, question: Node, choices: tuple[str, ...], what: str, path: str) -> int:
    error = QuizFileError
    if node is None or node.kind == "null":
        raise error(path, node.line if node else question.line, f"{what} has no `answer`")
    last = len(choices) - 1
    if node.kind == "int":
        if 0 <= node.value <= last:
            return node.value
        raise error(
            path,
            node.line,
            f"{what}: answer {node.value} is not a choice; it is the index of the right choice, "
            f"0 to {last} (to give the choice's text instead, quote it)",
        )
    if not node.is_scalar:
        raise error(path, node.line, f"{what}: answer must be a choice's index or text, not {describe(node)}")
    wanted = node.text.strip()
    if wanted in choices:
        return choices.index(wanted)
    raise error(
        path,
        node.line,
        f"{what}: answer {wanted!r} is not one of the choices (give its exact text or its index)",
    )


# --- small helpers ------------------------------------------------------------------------------


def _relative(root: Path, file: Path) -> str:
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        try:
            return file.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return file.as_posix()


def _natural(name: str) -> list:
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part.lower()) for part in re.split(r"(\d+)", name)
    ]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
