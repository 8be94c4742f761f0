"""A quiz the LLM writes for a student counts as one question of their hourly quota; a cached quiz
is free, a failed one is given back, and at quota 0 students cannot have one written."""

from __future__ import annotations

import httpx2
import pytest

from core.answers.llm import GroundedLlm
from core.app import App
from core.errors import PermissionDenied, RateLimited, StudyhallError
from core.progress.quizzes import Quizzes
from tests.progress.test_generated_quizzes import quiz_reply


async def quizzes_with(book_app: App, clock, *replies) -> tuple[Quizzes, list, GroundedLlm]:
    requests: list = []

    def api(request: httpx2.Request) -> httpx2.Response:
        requests.append(request)
        return replies[min(len(requests), len(replies)) - 1]()

    llm = GroundedLlm(
        api_key="k",
        model="m",
        base_url="http://fake.invalid",
        max_retries=0,
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(api)),
    )
    wired = Quizzes(
        book_app.store, book_app.tracking, book_app.library.reader, llm, clock, quotas=book_app.quotas
    )
    return wired, requests, llm


async def test_generating_quizzes_counts_against_the_question_quota(book_app: App, course, students, clock):
    course = await book_app.courses.configure("sample", hourly_question_quota=1)
    (student,) = await students(1)
    await book_app.quizzes.load_from_book(course, [])  # no instructor's quizzes: generated ones may stand in
    unit = await book_app.tracking.unit(course, "week-1")
    anchor = next(a for a, _ in await book_app.library.reader.passages(course, unit.chapters[0]) if a)
    failing = lambda: httpx2.Response(500, json={"type": "error", "error": {"type": "api_error"}})  # noqa: E731
    quizzes, requests, llm = await quizzes_with(
        book_app, clock, failing, quiz_reply(f"{unit.chapters[0]}#{anchor}")
    )
    try:
        with pytest.raises(StudyhallError, match="unavailable"):
            await quizzes.generate(course, "week-1", user=student)
        assert await book_app.quotas.remaining(course, student.id) == 1  # the failure was given back
        await quizzes.generate(course, "week-1", user=student)
        await quizzes.generate(course, "week-1", user=student)  # cached: free
        assert len(requests) == 2 and await book_app.quotas.remaining(course, student.id) == 0
        others = [u.id for u in await book_app.tracking.units(course) if u.id != "week-1"]
        with pytest.raises(RateLimited):
            await quizzes.generate(course, others[0], user=student)
        assert len(requests) == 2
        course = await book_app.courses.configure("sample", hourly_question_quota=0)
        with pytest.raises(PermissionDenied, match="turned off"):
            await quizzes.generate(course, others[0], user=student)
    finally:
        await llm.close()
