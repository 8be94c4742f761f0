"""Quizzes per unit: written by the instructor (quizzes/<unit>.yaml in the book folder, checked at
ingest) or, with an Anthropic key, generated from the unit's passages and cached until the unit's
chapters change. A student sees the questions, never the answers, until they submit."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from core.answers.generate import complete_text, require_llm
from core.answers.llm import GroundedLlm
from core.books.reading import BookReader
from core.clock import Clock, utcnow
from core.errors import NotFound
from core.models.accounts import Course, User
from core.progress.quiz_files import Quiz, QuizQuestion, grade, quiz_to_student
from core.progress.quiz_generation import generation_prompt, parse_generated_quiz
from core.progress.tracking import Tracking
from core.quotas import Quotas
from core.store.session import Store

GENERATED_QUESTIONS = 5
PASSAGES_PER_CHAPTER = 6
GENERATING = "Generating a quiz"


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
        """The unit's quiz: the instructor's when there is one, else a still-valid generated one."""
        unit = await self._tracking.unit(course, unit_id)
        async with self._store.read() as s:
            stored = await s.progress.quizzes(course.id, unit.id)
        for item in stored:
            if item.source == "file" or item.source_hash == await self._unit_hash(course, unit.chapters):
                return _quiz(unit.id, item.title, item.questions, item.source)
        hint = (
            "Ask for a generated one."
            if self._llm is not None and self._llm.available
            else "The instructor has not written one yet."
        )
        raise NotFound("quiz for unit", unit.id, hint)

    async def for_student(self, course: Course, unit_id: str) -> dict[str, Any]:
        return quiz_to_student(await self.quiz(course, unit_id))

    async def submit(self, user: User, course: Course, unit_id: str, answers: list[int]):
        quiz = await self.quiz(course, unit_id)
        result = grade(quiz, answers)  # InvalidInput on a wrong number of answers or a bad choice
        now = self._clock()
        async with self._store.transaction() as s:
            await s.progress.add_attempt(
                user.id, course.id, quiz.unit_id, _source(quiz), result.score, list(answers), now
            )
            await s.progress.save_unit(user.id, course.id, quiz.unit_id, now, quiz_score=result.score)
            await self._tracking.restand(s, user.id, course)
        return result

    async def generate(self, course: Course, unit_id: str, *, user: User | None = None) -> Quiz:
        """Write a quiz for the unit with the LLM (cached per unit and chapter content). When a user
        asks for it, writing a new one counts as one question of their hourly quota."""
        unit = await self._tracking.unit(course, unit_id)
        require_llm(self._llm, GENERATING)  # before the cache: without a key, nothing is generated
        source_hash = await self._unit_hash(course, unit.chapters)
        async with self._store.read() as s:
            for item in await s.progress.quizzes(course.id, unit.id):
                if item.source == "generated" and item.source_hash == source_hash:
                    return _quiz(unit.id, item.title, item.questions, "generated")
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
            quiz = parse_generated_quiz(unit.id, text, {ref for ref, _ in passages})
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
        return quiz

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
