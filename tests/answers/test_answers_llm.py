"""Asking the book with an LLM, against a local fake of the Anthropic Messages API."""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest

from core.answers.explain import Explainer
from core.answers.llm import GroundedLlm
from core.app import App
from core.books.layout import SAMPLE_BOOK_ROOT
from core.models.conversations import Answer
from tests.answers.messages_api import MockApi, error_reply, event, message, raw_reply, stream_events
from tests.shared import needs_model

pytestmark = needs_model

BALANCE = "what stops a walking robot from falling over?"


def sse(*chunks: bytes):
    return lambda: httpx2.Response(
        200, content=b"".join(chunks), headers={"content-type": "text/event-stream"}
    )


def cited_answer(deltas: list[str], index: int = 0, block: int = 0, quote: str = "quoted"):
    citation = {
        "type": "search_result_location",
        "search_result_index": index,
        "cited_text": quote,
        "source": "s",
        "title": "t",
        "start_block_index": block,
        "end_block_index": block + 1,
    }
    return sse(*stream_events(deltas, [citation], input_tokens=500, output_tokens=60))


def plain_text(text: str):
    return sse(*stream_events([text], [], input_tokens=200, output_tokens=80))


@pytest.fixture
async def wire(book_app: App, clock):
    """Rewire the app's answers and explainer onto an LLM that talks to the given fake."""
    made: list[GroundedLlm] = []

    def connect(api: MockApi) -> App:
        llm = GroundedLlm(
            api_key="test-key",
            model="claude-test-model",
            max_retries=1,
            base_url="http://fake.invalid",
            max_retry_wait=0.01,
            http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(api)),
        )
        made.append(llm)
        book_app.answers = book_app.answers.using(llm=llm)
        book_app.explainer = Explainer(book_app.store, book_app.library.reader, book_app.accounts, llm, clock)
        return book_app

    yield connect
    for llm in made:
        await llm.close()


async def collect(stream: AsyncIterator) -> tuple[list[str], Answer]:
    deltas, final = [], None
    async for item in stream:
        if isinstance(item, str):
            deltas.append(item)
        else:
            final = item
    assert final is not None
    return deltas, final


async def test_llm_answer_streams_and_cites_retrieved_passages(wire, course, student) -> None:
    api = MockApi(cited_answer(["The robot keeps ", "its ZMP inside ", "the support polygon."]))
    app = wire(api)
    await app.accounts.update_profile(student.id, experience_level="Beginner")
    deltas, answer = await collect(app.answers.stream(course, student, BALANCE))
    assert deltas == ["The robot keeps ", "its ZMP inside ", "the support polygon."]
    assert answer.mode == "llm" and answer.covered and answer.text == "".join(deltas)
    assert (answer.input_tokens, answer.output_tokens) == (500, 60)
    (body,) = api.bodies
    results = [b for b in body["messages"][-1]["content"] if b["type"] == "search_result"]
    assert results and all(r["citations"] == {"enabled": True} for r in results)
    assert "beginner" in body["system"].lower()
    assert body["messages"][-1]["content"][-1]["text"].endswith(f"{BALANCE}\n</question>")
    assert answer.citations and answer.citations[0].quote == "quoted"
    cited_source = results[0]["source"]
    assert cited_source.startswith(answer.citations[0].path)
    _, messages = await app.conversations.get(student.id, answer.conversation_id)
    assert messages[1].answer_mode == "llm" and messages[1].model and messages[1].input_tokens == 500


async def test_citations_outside_the_passages_are_dropped(wire, course, student) -> None:
    app = wire(MockApi(cited_answer(["Made up."], index=42)))
    answer = await app.answers.ask(course, student, BALANCE)
    assert answer.mode == "llm" and answer.citations == []


@pytest.mark.parametrize(
    "failure",
    [
        error_reply(529, "overloaded_error", "busy"),
        error_reply(429, "rate_limit_error", "slow", **{"retry-after": "3600"}),
        error_reply(500, "api_error", "oops"),
        raw_reply(200, b"{not json", "application/json"),
        sse(event("message_start", message={**message(), "stop_reason": None})),
    ],
    ids=["529", "429", "500", "malformed", "cut-stream"],
)
async def test_api_failures_fall_back_to_an_extractive_answer(
    wire, book_app, course, student, failure
) -> None:
    api = MockApi(failure)
    app = wire(api)
    answer = await app.answers.ask(course, student, BALANCE)
    assert answer.mode == "extractive" and answer.covered and answer.citations
    assert "unavailable" in (answer.notice or "")
    assert len(api.requests) <= 2  # bounded retries
    report = await app.usage.report(course)
    assert report.llm_fallbacks == 1


async def test_follow_up_carries_the_conversation(wire, course, student) -> None:
    api = MockApi(
        cited_answer(["The ZMP must stay inside the support polygon."]),
        cited_answer(["A margin of a few centimetres."]),
    )
    app = wire(api)
    first = await app.answers.ask(course, student, "what is the zero moment point?")
    await app.answers.ask(course, student, "how big a margin?", conversation_id=first.conversation_id)
    second = api.bodies[1]["messages"]
    assert second[0] == {"role": "user", "content": "what is the zero moment point?"}
    assert second[1]["role"] == "assistant" and "support polygon" in second[1]["content"]


async def test_no_request_when_the_book_does_not_cover_it_or_the_course_says_extractive(
    wire, book_app, course, student
) -> None:
    api = MockApi(cited_answer(["never"]))
    app = wire(api)
    declined = await app.answers.ask(course, student, "how long should I knead sourdough bread?")
    assert not declined.covered
    course = await app.courses.configure("sample", answer_mode="extractive")
    plain = await app.answers.ask(course, student, BALANCE)
    assert plain.mode == "extractive" and plain.notice is None
    assert api.requests == []


async def test_explanations_are_personal_cached_and_invalidated(
    wire, book_app, course, student, clock, tmp_path: Path
) -> None:
    api = MockApi(
        plain_text("Imagine balancing a broom."), plain_text("Updated explanation."), plain_text("Third.")
    )
    app = wire(api)
    path = "01-foundations/balance-and-zmp.md"
    first = await app.explainer.explain(course, student, path, "zmp")
    again = await app.explainer.explain(course, student, path, "zmp")
    assert (first.cached, again.cached, again.text) == (False, True, "Imagine balancing a broom.")
    assert len(api.requests) == 1
    assert "Beginner" in api.bodies[0]["system"]
    # the section changes: the cache no longer applies
    book = tmp_path / "book"
    shutil.copytree(SAMPLE_BOOK_ROOT, book)
    chapter = book / path
    chapter.write_text(
        chapter.read_text().replace(
            "## Zero Moment Point {#zmp}", "## Zero Moment Point {#zmp}\n\nA new first line."
        )
    )
    await app.library.ingest(course, book)
    changed = await app.explainer.explain(course, student, path, "zmp")
    assert (changed.cached, changed.text) == (False, "Updated explanation.")
    clock.advance(days=8)  # personalised entries expire after a week
    assert (await app.explainer.explain(course, student, path, "zmp")).text == "Third."


async def test_translation_leaves_code_untouched_and_is_shared(wire, book_app, course, student) -> None:
    api = MockApi(plain_text("ترجمہ\n\n[[CODE-0]]\n\nمزید"))
    app = wire(api)
    path = "02-ros2/recovery-behaviours.mdx"
    section = await app.library.reader.get_section(course, path)
    code_start = section.markdown.index("```")
    code_block = section.markdown[code_start : section.markdown.index("```", code_start + 3) + 3]
    result = await app.explainer.translate(course, path, "", "ur")
    assert code_block in result.text and "ترجمہ" in result.text
    sent = json.dumps(api.bodies[0])
    assert "max_rotation_attempts: int = 3" not in sent  # code never went to the model
    assert "Urdu" in api.bodies[0]["system"]
    again = await app.explainer.translate(course, path, "", "ur")  # shared by every student
    assert again.cached and len(api.requests) == 1
