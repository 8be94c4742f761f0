"""Quizzes per unit: written by the instructor (quizzes/<unit>.yaml in the book folder, checked at
ingest) or, with an Anthropic key, generated from the unit's passages and cached until the unit's
chapters change. A generated quiz is a draft that only staff see until they publish it. A student
sees the questions, never the answers, until they submit.

Every quiz has a revision (a digest of its title, questions and answers): an attempt started on
one revision cannot be finished on another, and a submission (one student's answers on one quiz
message) is recorded once however often it arrives."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from core.answers.generate import complete_text, require_llm
from core.answers.llm import GroundedLlm
from core.books.reading import BookReader
from core.clock import Clock, utcnow
from core.errors import InvalidInput, NotFound, StudyhallError
from core.models.accounts import Course, User
from core.progress.quiz_files import Quiz, QuizFileError, QuizQuestion, grade, quiz_to_student
from core.progress.quiz_generation import generation_prompt, parse_generated_quiz
from core.progress.quiz_results import QuizResults, quiz_results
from core.progress.tracking import Tracking
from core.quotas import Quotas
from core.store.session import Store

GENERATED_QUESTIONS = 5
PASSAGES_PER_CHAPTER = 6
GENERATING = "Generating a quiz"
NO_QUIZ_YET = "There is no quiz for this unit yet; your instructor can add one."
STAFF_NO_QUIZ = (
    "Students have no quiz for it: write quizzes/{unit}.yaml in the book and ingest it again, "
    "or generate one and publish it."
)
DRAFT_ONLY = (
    "Students have no quiz for it: its generated quiz is a draft (or out of date); publish one first."
)
REVISION_CHARS = 8


class QuizChanged(InvalidInput):
    """An answer given on one version of a quiz, when the quiz is now another."""

    def __init__(self) -> None:
        super().__init__("quiz", "This quiz changed since you started it: start it again.")


@dataclasses.dataclass(frozen=True)
class Draft:
    """A generated quiz as staff review it."""

    quiz: Quiz
    revision: str
    published: bool
    fresh: bool  # written just now (False: the unit's existing generated quiz, free)


def quiz_revision(quiz: Quiz) -> str:
    """A short digest of what a student answers and how it is marked."""
    content = [quiz.title, [[q.question, list(q.choices), q.answer] for q in quiz.questions]]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()[:REVISION_CHARS]


def submission_key(unit_id: str, revision: str, answers: list[int], submission: str) -> str:
    joined = f"{unit_id}|{revision}|{''.join(map(str, answers))}|{submission}"
    return hashlib.sha256(joined.encode()).hexdigest()


class Quizzes:
    def __init__(
        self,
        store: Store,
        tracking: Tracking,
        reader: BookReader,
        llm: GroundedLlm | None,
        clock: Clock = utcnow,
        *,
        quotas: Quotas | None = None,
    ):
        self._store = store
        self._tracking = tracking
        self._reader = reader
        self._llm = llm
        self._clock = clock
        self._quotas = quotas  # when set, a quiz written for a user counts as one of their questions

    async def quiz(self, course: Course, unit_id: str) -> Quiz:
        """The unit's quiz for students: the instructor's when there is one, else a published
        generated one that is still valid (the unit's chapters have not changed since)."""
        unit = await self._tracking.unit(course, unit_id)
        async with self._store.read() as s:
            stored = await s.progress.quizzes(course.id, unit.id)
        for item in stored:
            if item.source == "file":
                return _quiz(unit.id, item.title, item.questions, item.source)
            if item.published and item.source_hash == await self._unit_hash(course, unit.chapters):
                return _quiz(unit.id, item.title, item.questions, item.source)
        raise NotFound("quiz for unit", unit.id, NO_QUIZ_YET)

    async def for_student(self, course: Course, unit_id: str, revision: str | None = None) -> dict[str, Any]:
        """The questions without the answers, and the quiz's revision. Given the revision an attempt
        started on, QuizChanged when the quiz is no longer that one."""
        quiz = await self.quiz(course, unit_id)
        current = quiz_revision(quiz)
        if revision is not None and revision != current:
            raise QuizChanged()
        return {**quiz_to_student(quiz), "revision": current}

    async def submit(
        self,
        user: User,
        course: Course,
        unit_id: str,
        answers: list[int],
        *,
        revision: str | None = None,
        submission: str | None = None,
    ):
        """Grade and record an attempt. `revision`: the quiz version it was started on (QuizChanged
        if the quiz is now another); `submission`: where it was answered (e.g. a message id), so
        that the same answers sent again from there are graded but recorded only once."""
        quiz = await self.quiz(course, unit_id)
        current = quiz_revision(quiz)
        if revision is not None and revision != current:
            raise QuizChanged()
        result = grade(quiz, answers)  # InvalidInput on a wrong number of answers or a bad choice
        key = None if submission is None else submission_key(quiz.unit_id, current, answers, submission)
        now = self._clock()
        async with self._store.transaction() as s:
            recorded = await s.progress.add_attempt(
                user.id,
                course.id,
                quiz.unit_id,
                _source(quiz),
                result.score,
                list(answers),
                now,
                revision=current,
                submission_key=key,
            )
            if recorded:
                await s.progress.save_unit(user.id, course.id, quiz.unit_id, now, quiz_score=result.score)
                await self._tracking.restand(s, user.id, course)
        return result

    async def generate(self, course: Course, unit_id: str, *, user: User | None = None) -> Quiz:
        """Write a quiz for the unit with the LLM (cached per unit and chapter content), saved as a
        draft. When a user asks for it, writing a new one counts against their generation quota."""
        return (await self.draft(course, unit_id, user=user)).quiz

    async def draft(self, course: Course, unit_id: str, *, user: User | None = None) -> Draft:
        """The unit's generated quiz for staff to review: the existing one while the unit's chapters
        are unchanged, else a new draft written by the LLM. Refused when the book has the
        instructor's own quiz for the unit (students would never see a generated one)."""
        unit = await self._tracking.unit(course, unit_id)
        require_llm(self._llm, GENERATING)  # before the cache: without a key, nothing is generated
        source_hash = await self._unit_hash(course, unit.chapters)
        async with self._store.read() as s:
            stored = await s.progress.quizzes(course.id, unit.id)
        for item in stored:
            if item.source == "file":
                raise InvalidInput(
                    "unit",
                    f"The unit {unit.id!r} already has the instructor's quiz from the book "
                    f"(quizzes/{unit.id}.yaml); students take that one. Remove the file first.",
                )
            if item.source_hash == source_hash:
                quiz = _quiz(unit.id, item.title, item.questions, "generated")
                return Draft(quiz, quiz_revision(quiz), item.published, fresh=False)
        passages: list[tuple[str, str]] = []
        for chapter in unit.chapters:
            for anchor, text in (await self._reader.passages(course, chapter))[:PASSAGES_PER_CHAPTER]:
                passages.append((f"{chapter}#{anchor}" if anchor else chapter, text))
        system, prompt = generation_prompt(unit.title, passages, GENERATED_QUESTIONS)
        charged = None
        if self._quotas is not None and user is not None:
            charged = await self._quotas.take_generation(course, user.id)
        try:
            text, _, _ = await complete_text(self._llm, GENERATING, system, prompt)
            try:
                quiz = parse_generated_quiz(unit.id, text, {ref for ref, _ in passages})
            except QuizFileError as err:
                raise StudyhallError(
                    f"The AI model's quiz could not be used ({err.message}); nothing was charged: try again."
                ) from err
        except Exception:
            if self._quotas is not None and user is not None:
                await self._quotas.give_back(course, user.id, charged)
            raise
        async with self._store.transaction() as s:
            await s.progress.save_generated_quiz(
                course.id,
                unit.id,
                quiz.title,
                [dataclasses.asdict(q) for q in quiz.questions],
                source_hash,
                self._clock(),
            )
        return Draft(quiz, quiz_revision(quiz), published=False, fresh=True)

    async def publish(self, course: Course, unit_id: str, revision: str) -> Quiz:
        """Let students take the generated quiz staff reviewed (the revision they saw), if it was
        written from the unit's chapters as they are now."""
        quiz = await self._reviewed(course, unit_id, revision, current=True)
        async with self._store.transaction() as s:
            await s.progress.publish_generated_quiz(course.id, quiz.unit_id)
        return quiz

    async def discard(self, course: Course, unit_id: str, revision: str) -> Quiz:
        """Delete the generated quiz staff reviewed; its past attempts stay in the reports."""
        quiz = await self._reviewed(course, unit_id, revision)
        async with self._store.transaction() as s:
            await s.progress.delete_generated_quiz(course.id, quiz.unit_id)
        return quiz

    async def _reviewed(self, course: Course, unit_id: str, revision: str, *, current: bool = False) -> Quiz:
        """The unit's generated quiz, if it is still the revision staff saw (and, if `current`,
        written from the unit's chapters as they are now)."""
        unit = await self._tracking.unit(course, unit_id)
        async with self._store.read() as s:
            stored = [q for q in await s.progress.quizzes(course.id, unit.id) if q.source == "generated"]
        if not stored:
            raise NotFound("generated quiz for unit", unit.id, "It was discarded; generate a new one.")
        if current and stored[0].source_hash != await self._unit_hash(course, unit.chapters):
            raise InvalidInput(
                "quiz", "The unit's chapters changed since this draft was written: generate a new one."
            )
        quiz = _quiz(unit.id, stored[0].title, stored[0].questions, "generated")
        if quiz_revision(quiz) != revision:
            raise InvalidInput(
                "quiz", "A newer draft replaced this one since it was shown: generate it again to see it."
            )
        return quiz

    async def results(self, course: Course, unit_id: str) -> QuizResults:
        """Per-question results of the quiz students take now for the unit, over the attempts of
        the course's students (staff trying it out are left out)."""
        try:
            quiz = await self.quiz(course, unit_id)
        except NotFound as err:
            if err.kind != "quiz for unit":
                raise
            async with self._store.read() as s:
                drafted = any(q.source == "generated" for q in await s.progress.quizzes(course.id, err.key))
            hint = DRAFT_ONLY if drafted else STAFF_NO_QUIZ.format(unit=err.key)
            raise NotFound("quiz for unit", err.key, hint) from err
        async with self._store.read() as s:
            rows = await s.progress.unit_attempts(course.id, quiz.unit_id)
        return quiz_results(quiz, quiz_revision(quiz), rows)

    async def load_from_book(self, course: Course, quizzes: list[Quiz]) -> None:
        """Store the instructor's quizzes found at ingest (replacing the previous ones)."""
        rows = []
        for q in quizzes:
            questions = [dataclasses.asdict(x) for x in q.questions]
            digest = hashlib.sha256(json.dumps([q.title, questions], sort_keys=True).encode()).hexdigest()
            rows.append(
                {"unit_key": q.unit_id, "title": q.title, "source_hash": digest, "questions": questions}
            )
        async with self._store.transaction() as s:
            await s.progress.replace_file_quizzes(course.id, rows, self._clock())

    async def _unit_hash(self, course: Course, chapters: list[str]) -> str:
        documents = {d.path: d.content_hash for d in await self._reader.documents(course)}
        joined = "|".join(f"{c}:{documents.get(c, '')}" for c in chapters)
        return hashlib.sha256(joined.encode()).hexdigest()


def _quiz(unit_id: str, title: str, questions: list[dict], source: str) -> Quiz:
    return Quiz(
        unit_id=unit_id,
        title=title,
        source=source,
        questions=tuple(
            QuizQuestion(
                question=q["question"],
                choices=tuple(q["choices"]),
                answer=q["answer"],
                explanation=q.get("explanation", ""),
                section=q.get("section"),
            )
            for q in questions
        ),
    )


def _source(quiz: Quiz) -> str:
    return "generated" if quiz.source == "generated" else "file"
