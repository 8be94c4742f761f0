"""Quizzes written by the LLM from a unit's passages, cached until the unit changes."""

from __future__ import annotations

import dataclasses
import json

import httpx2
import pytest

from core.answers.llm import GroundedLlm
from core.app import App
from core.errors import InvalidInput, NotFound
from core.progress.quizzes import Quizzes
from tests.answers.messages_api import MockApi, stream_events


def quiz_reply(section: str):
    body = {
        "title": "Week 1 check",
        "questions": [
            {
                "question": "What must stay inside the support polygon?",
                "choices": ["The ZMP", "The camera"],
                "answer": 0,
                "explanation": "The ZMP must stay inside.",
                "section": section,
            },
            {
                "question": "Which section does not exist?",
                "choices": ["a", "b"],
                "answer": 1,
                "explanation": "",
                "section": "nowhere.md#x",
            },
        ],
    }
    events = stream_events([json.dumps(body)], [], input_tokens=900, output_tokens=200)
    return lambda: httpx2.Response(
        200, content=b"".join(events), headers={"content-type": "text/event-stream"}
    )


async def test_generated_quiz_cites_sections_and_is_cached(book_app: App, course, students, clock) -> None:
    unit = await book_app.tracking.unit(course, "week-1")
    chapter = unit.chapters[0]
    anchors = [a for a, _ in await book_app.library.reader.passages(course, chapter) if a]
    api = MockApi(quiz_reply(f"{chapter}#{anchors[0]}"))
    llm = GroundedLlm(
        api_key="k",
        model="m",
        base_url="http://fake.invalid",
        max_retries=0,
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(api)),
    )
    quizzes = Quizzes(book_app.store, book_app.tracking, book_app.library.reader, llm, clock)
    await quizzes.load_from_book(course, [])  # no instructor's quiz: a generated one may stand in
    try:
        quiz = await quizzes.generate(course, "week-1")
        again = await quizzes.generate(course, "week-1")
    finally:
        await llm.close()
    assert [q.question for q in quiz.questions] == ["What must stay inside the support polygon?"]
    assert quiz.questions[0].section == f"{chapter}#{anchors[0]}"  # the made-up section was dropped
    assert again == quiz and len(api.requests) == 1
    prompt = json.dumps(api.bodies[0])
    assert anchors[0] in prompt  # the unit's passages went to the model
    (student,) = await students(1)
    with pytest.raises(NotFound, match="your instructor can add one"):
        await quizzes.for_student(course, "week-1")  # a draft until staff publish it
    draft = await quizzes.draft(course, "week-1")
    assert not draft.published and not draft.fresh
    with pytest.raises(InvalidInput, match="A newer draft replaced this one"):
        await quizzes.publish(course, "week-1", "0" * len(draft.revision))  # not the draft shown
    async with book_app.store.transaction() as s:  # as if the chapters changed since it was written
        await s.progress.save_generated_quiz(
            course.id, "week-1", quiz.title, [dataclasses.asdict(q) for q in quiz.questions], "old", clock()
        )
    with pytest.raises(InvalidInput, match="chapters changed since this draft was written"):
        await quizzes.publish(course, "week-1", draft.revision)
    draft = await quizzes.draft(course, "week-1")  # written again for the chapters as they are
    assert draft.fresh and len(api.requests) == 2
    await quizzes.publish(course, "week-1", draft.revision)
    shown = await quizzes.for_student(course, "week-1")
    assert "ZMP" in json.dumps(shown) and "explanation" not in json.dumps(shown)
    result = await quizzes.submit(student, course, "week-1", [0] * len(shown["questions"]))
    assert 0 <= result.score <= 100
