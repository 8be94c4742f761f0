"""GroundedLlm against local fakes of the Anthropic Messages API: no network, no key.

Two fakes: an `httpx2.MockTransport` handler for request/response shapes and status codes, and a
small HTTP/1.1 server on 127.0.0.1 (chunked SSE, hangs, trickles, cut connections) for what only
a real socket shows: streaming as it happens, timeouts, the overall deadline.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest

from core import validation
from core.answers.llm import (
    LEVEL_PROMPTS,
    STYLE_PROMPTS,
    GroundedLlm,
    LlmAnswer,
    LlmCitation,
    LlmUnavailable,
    Passage,
    Turn,
)
from core.courses import ANSWER_STYLES
from tests.answers.messages_api import (
    REPLY_MODEL,
    MockApi,
    error_reply,
    event,
    json_reply,
    message,
    raw_reply,
    stream_events,
    text_block,
)

MODEL = "claude-test-model"

PASSAGES = [
    Passage(
        id="chunk-zmp",
        title="Bipedal Balance › Zero Moment Point",
        source="module1/balance.md#zero-moment-point",
        text="The zero moment point is where the ground reaction force has no horizontal moment.",
    ),
    Passage(
        id="chunk-support",
        title="Bipedal Balance › Support Polygon",
        source="module1/balance.md#support-polygon",
        text="A robot stays balanced while its zero moment point lies inside the support polygon.",
    ),
    Passage(
        id="chunk-gait",
        title="Walking › Gait Cycle",
        source="module1/walking.md#gait-cycle",
        text="A gait cycle has a stance phase and a swing phase for each leg.",
    ),
]


# --- Messages API shapes ------------------------------------------------------------------------


def cite(index: int, quote: str | None = None, kind: str = "search_result_location") -> dict[str, Any]:
    passage = PASSAGES[index] if 0 <= index < len(PASSAGES) else PASSAGES[0]
    return {
        "type": kind,
        "search_result_index": index,
        "cited_text": passage.text if quote is None else quote,
        "source": passage.source,
        "title": passage.title,
        "start_block_index": 0,
        "end_block_index": 1,
    }


# --- fake 2: a local HTTP server ----------------------------------------------------------------

Action = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@dataclass
class SeenRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class FakeAnthropicServer:
    """HTTP/1.1 on 127.0.0.1, one request per connection, each answered by the next scripted action."""

    def __init__(self) -> None:
        self.script: list[Action] = []
        self.requests: list[SeenRequest] = []
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            method, path, _ = head[0].split(" ", 2)
            headers = {}
            for line in head[1:]:
                if line:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.requests.append(SeenRequest(method, path, headers, json.loads(body or b"{}")))
            action = self.script.pop(0) if len(self.script) > 1 else self.script[0]
            await action(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            self._tasks.discard(task)


def _head(status: int, reason: str, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers.items()), "connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def serve_json(status: int, body: object) -> Action:
    async def act(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        content = json.dumps(body).encode()
        headers = {"content-type": "application/json", "content-length": str(len(content))}
        writer.write(_head(status, "OK", headers) + content)
        await writer.drain()

    return act


def serve_sse(items: list[bytes | asyncio.Event], *, finish: bool = True) -> Action:
    """Send each event as its own chunk, waiting at each `asyncio.Event` until the test sets it.

    `finish=False` drops the connection without the final chunk (a transfer cut short).
    """

    async def act(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(_head(200, "OK", {"content-type": "text/event-stream", "transfer-encoding": "chunked"}))
        for item in items:
            if isinstance(item, asyncio.Event):
                await item.wait()
                continue
            writer.write(b"%x\r\n%s\r\n" % (len(item), item))
            await writer.drain()
        if finish:
            writer.write(b"0\r\n\r\n")
            await writer.drain()

    return act


async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Never answer: wait until the client gives up and closes the connection."""
    await reader.read()


async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A byte every 50 ms of a body that never ends: never silent for long enough to time out."""
    writer.write(_head(200, "OK", {"content-type": "application/json", "content-length": "1000000"}))
    while not writer.is_closing():
        writer.write(b" ")
        await writer.drain()
        await asyncio.sleep(0.05)


async def trickle_pings(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A stream that starts, then only pings, every 50 ms, forever."""
    writer.write(_head(200, "OK", {"content-type": "text/event-stream", "transfer-encoding": "chunked"}))
    start = {**message(), "stop_reason": None, "content": []}
    first = event("message_start", message=start)
    writer.write(b"%x\r\n%s\r\n" % (len(first), first))
    while not writer.is_closing():
        ping = event("ping")
        writer.write(b"%x\r\n%s\r\n" % (len(ping), ping))
        await writer.drain()
        await asyncio.sleep(0.05)


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
async def server() -> AsyncIterator[FakeAnthropicServer]:
    fake = FakeAnthropicServer()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def make_llm() -> AsyncIterator[Callable[..., GroundedLlm]]:
    """Builds clients (over a MockApi when given one) and closes them after the test."""
    made: list[tuple[GroundedLlm, httpx2.AsyncClient | None]] = []

    def make(api: MockApi | None = None, **kwargs: Any) -> GroundedLlm:
        kwargs.setdefault("api_key", "test-key")
        kwargs.setdefault("model", MODEL)
        kwargs.setdefault("max_retries", 0)
        http_client = None
        if api is not None:
            http_client = httpx2.AsyncClient(transport=httpx2.MockTransport(api))
            kwargs.setdefault("base_url", "http://anthropic.test")
        llm = GroundedLlm(http_client=http_client, **kwargs)
        made.append((llm, http_client))
        return llm

    yield make
    for llm, http_client in made:
        await llm.close()
        if http_client is not None:
            await http_client.aclose()


def search_results(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [block for block in body["messages"][-1]["content"] if block["type"] == "search_result"]


# --- the request --------------------------------------------------------------------------------


async def test_request_carries_passages_as_citable_search_results(make_llm):
    api = MockApi(json_reply(200, message(text_block("It keeps its ZMP inside the support polygon."))))
    llm = make_llm(api, max_tokens=700)
    history = [
        Turn("user", "What is a gait cycle?"),
        Turn("assistant", "A stance phase and a swing phase."),
    ]

    await llm.answer(
        "How does the robot keep its balance?",
        PASSAGES,
        history=history,
        level="Beginner",
        style="concise",
        selected_text="zero moment point",
    )

    [request] = api.requests
    assert request.url.path == "/v1/messages"
    assert request.headers["authorization"] == "Bearer test-key"  # this SDK sends the key as a bearer token
    body = api.bodies[0]
    assert body["model"] == MODEL
    assert body["max_tokens"] == 700
    assert "stream" not in body or body["stream"] is False
    system = body["system"]
    assert "only" in system and "search results" in system
    assert "say so plainly" in system and "Cite" in system
    assert LEVEL_PROMPTS["beginner"] in system and "jargon" in system
    assert STYLE_PROMPTS["concise"] in system

    messages = body["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert [m["content"] for m in messages[:2]] == [turn.text for turn in history]
    content = messages[-1]["content"]
    assert search_results(body) == [
        {
            "type": "search_result",
            "source": p.source,
            "title": p.title,
            "content": [{"type": "text", "text": p.text}],
            "citations": {"enabled": True},
        }
        for p in PASSAGES
    ]
    assert content[:3] == search_results(body)  # the passages come first
    selected, question = content[3:]
    assert selected["type"] == "text"
    assert "<selected_text>\nzero moment point\n</selected_text>" in selected["text"]
    assert question == {
        "type": "text",
        "text": "<question>\nHow does the robot keep its balance?\n</question>",
    }


async def test_level_and_style_change_the_system_prompt(make_llm):
    api = MockApi(json_reply(200, message(text_block("ok"))))
    llm = make_llm(api)

    for level in ("Beginner", "Expert", None):
        await llm.answer("q", PASSAGES[:1], level=level, style="detailed")
    beginner, expert, unset = (body["system"] for body in api.bodies)

    assert LEVEL_PROMPTS["beginner"] in beginner and LEVEL_PROMPTS["expert"] not in beginner
    assert LEVEL_PROMPTS["expert"] in expert and "jargon" not in expert
    assert not any(prompt in unset for prompt in LEVEL_PROMPTS.values())
    assert all(STYLE_PROMPTS["detailed"] in system for system in (beginner, expert, unset))


async def test_every_profile_level_and_style_has_wording(make_llm):
    assert {level.lower() for level in validation.EXPERIENCE_LEVELS} == set(LEVEL_PROMPTS)
    assert set(ANSWER_STYLES) == set(STYLE_PROMPTS)
    api = MockApi(json_reply(200, message(text_block("ok"))))
    llm = make_llm(api)
    with pytest.raises(ValueError, match="level"):
        await llm.answer("q", PASSAGES, level="Wizard")
    with pytest.raises(ValueError, match="style"):
        await llm.answer("q", PASSAGES, style="verbose")
    assert api.requests == []


async def test_history_is_trimmed_oldest_first_to_the_budget(make_llm):
    api = MockApi(json_reply(200, message(text_block("ok"))))
    llm = make_llm(api, history_budget_tokens=250)  # 100 tokens a turn: room for two
    history = [Turn("user" if i % 2 == 0 else "assistant", f"{i}" * 400) for i in range(6)]

    await llm.answer("next question", PASSAGES, history=history)
    await llm.answer("next question", PASSAGES, history=[*history, Turn("user", "unanswered " * 10)])

    for body in api.bodies:
        # The newest two turns, in order; the trailing unanswered question is not sent.
        assert [(m["role"], m["content"]) for m in body["messages"][:-1]] == [
            ("user", "4" * 400),
            ("assistant", "5" * 400),
        ]


async def test_history_starts_with_the_student_and_alternates(make_llm):
    api = MockApi(json_reply(200, message(text_block("ok"))))
    llm = make_llm(api, history_budget_tokens=350)  # three turns fit, the oldest an answer
    history = [
        Turn("user", "a" * 400),
        Turn("assistant", "b" * 400),
        Turn("user", "c" * 200),
        Turn("user", "d" * 200),
        Turn("assistant", "   "),
        Turn("assistant", "e" * 400),
    ]

    await llm.answer("q", PASSAGES, history=history)

    assert [(m["role"], m["content"]) for m in api.bodies[0]["messages"][:-1]] == [
        ("user", "c" * 200 + "\n\n" + "d" * 200),
        ("assistant", "e" * 400),
    ]
    api.requests.clear()
    await make_llm(api, history_budget_tokens=0).answer("q", PASSAGES, history=history)
    assert len(api.bodies[0]["messages"]) == 1


# --- the response -------------------------------------------------------------------------------


async def test_citations_map_back_to_passage_ids(make_llm):
    reply = message(
        text_block("A robot stays upright ", cite(1), cite(0)),
        text_block("while its ZMP stays inside the polygon.", cite(1), cite(7), cite(-1)),
        text_block(" Walking alternates stance and swing.", cite(2, kind="char_location"), {"type": "x"}),
        {"type": "thinking", "thinking": "ignored", "signature": "s"},
        input_tokens=1234,
        output_tokens=56,
    )
    api = MockApi(json_reply(200, reply))
    llm = make_llm(api)

    answer = await llm.answer("How does it balance?", PASSAGES)

    assert answer == LlmAnswer(
        text="A robot stays upright while its ZMP stays inside the polygon."
        " Walking alternates stance and swing.",
        citations=[
            LlmCitation("chunk-support", PASSAGES[1].text),
            LlmCitation("chunk-zmp", PASSAGES[0].text),
        ],
        model=REPLY_MODEL,
        input_tokens=1234,
        output_tokens=56,
        stop_reason="end_turn",
    )


async def test_citation_indexes_count_only_the_passages_sent(make_llm):
    blank = Passage(id="chunk-empty", title="Empty", source="empty.md", text="  \n")
    api = MockApi(json_reply(200, message(text_block("x", cite(1), cite(2)))))
    llm = make_llm(api)

    answer = await llm.answer("q", [PASSAGES[0], blank, PASSAGES[1]])

    assert [r["source"] for r in search_results(api.bodies[0])] == [PASSAGES[0].source, PASSAGES[1].source]
    assert [c.passage_id for c in answer.citations] == ["chunk-support"]  # index 2 is out of range


# --- streaming, over a real socket --------------------------------------------------------------


async def test_stream_yields_deltas_as_they_arrive_then_one_answer(server, make_llm, monkeypatch):
    first_seen = asyncio.Event()
    events = stream_events(
        ["The robot ", "keeps its ZMP ", "inside the support polygon."],
        [cite(1), cite(0), cite(1), cite(9)],
        input_tokens=900,
        output_tokens=17,
    )
    # The server holds the rest until the client has shown the first delta: nothing is buffered.
    server.script = [serve_sse([*events[:4], first_seen, *events[4:]])]
    monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
    llm = make_llm(timeout=5)

    items: list[str | LlmAnswer] = []
    async with asyncio.timeout(5):
        async for item in llm.stream("How does it balance?", PASSAGES, level="Beginner"):
            items.append(item)
            first_seen.set()

    *deltas, final = items
    assert deltas == ["The robot ", "keeps its ZMP ", "inside the support polygon."]
    assert final == LlmAnswer(
        text="The robot keeps its ZMP inside the support polygon.",
        citations=[
            LlmCitation("chunk-support", PASSAGES[1].text),
            LlmCitation("chunk-zmp", PASSAGES[0].text),
        ],
        model=REPLY_MODEL,
        input_tokens=900,
        output_tokens=17,
        stop_reason="end_turn",
    )
    [request] = server.requests
    assert (request.method, request.path) == ("POST", "/v1/messages")
    assert request.body["stream"] is True
    assert len(search_results(request.body)) == 3
    assert LEVEL_PROMPTS["beginner"] in request.body["system"]


async def test_stream_cut_before_message_stop_is_unavailable(server, make_llm):
    events = stream_events(["The robot ", "keeps"], [])
    server.script = [serve_sse(events[:-1])]  # a clean end of the body, but no message_stop
    llm = make_llm(base_url=server.url, timeout=5)

    seen: list[str | LlmAnswer] = []
    with pytest.raises(LlmUnavailable, match="could not be read"):
        async for item in llm.stream("q", PASSAGES):
            seen.append(item)
    assert seen == ["The robot ", "keeps"]  # the caller saw deltas, then must fall back


async def test_stream_connection_dropped_midway_is_unavailable(server, make_llm):
    events = stream_events(["The robot ", "keeps"], [])
    server.script = [serve_sse(events[:5], finish=False)]
    llm = make_llm(base_url=server.url, timeout=5)

    seen = []
    with pytest.raises(LlmUnavailable, match="broke off"):
        async for item in llm.stream("q", PASSAGES):
            seen.append(item)
    assert seen == ["The robot ", "keeps"]


async def test_stream_error_event_is_unavailable(server, make_llm):
    events = stream_events(["The robot "], [])
    error = event("error", error={"type": "overloaded_error", "message": "Overloaded"})
    server.script = [serve_sse([*events[:4], error])]
    llm = make_llm(base_url=server.url, timeout=5, max_retries=2)

    with pytest.raises(LlmUnavailable, match="overloaded_error: Overloaded"):
        async for _ in llm.stream("q", PASSAGES):
            pass
    assert len(server.requests) == 1  # nothing is retried once the stream has started


async def test_stream_malformed_event_is_unavailable(make_llm):
    events = stream_events(["a"], [])
    events[3] = event("content_block_delta", index=5, delta={"type": "text_delta", "text": "?"})
    api = MockApi(raw_reply(200, b"".join(events), "text/event-stream"))
    llm = make_llm(api)

    with pytest.raises(LlmUnavailable, match="could not be read"):
        async for _ in llm.stream("q", PASSAGES):
            pass


async def test_complete_is_plain_generation(make_llm):
    events = stream_events(["Hola, ", "robot."], [], input_tokens=12, output_tokens=5)
    api = MockApi(raw_reply(200, b"".join(events), "text/event-stream"))
    llm = make_llm(api)

    result = await llm.complete("Translate into Spanish.", "Hello, robot.", max_tokens=300)

    assert result == ("Hola, robot.", 12, 5)
    [body] = api.bodies
    assert body["system"] == "Translate into Spanish."
    assert body["messages"] == [{"role": "user", "content": "Hello, robot."}]
    assert body["max_tokens"] == 300 and body["model"] == MODEL


# --- failures -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "max_retries", "attempts", "reason"),
    [
        # A retry-after of an hour is capped to max_retry_wait (0.05 s here): still retried, quickly.
        (error_reply(429, "rate_limit_error", "Slow down", **{"retry-after": "3600"}), 2, 3, "HTTP 429"),
        (error_reply(529, "overloaded_error", "Overloaded", **{"retry-after-ms": "10"}), 2, 3, "overloaded"),
        (error_reply(500, "api_error", "Internal error"), 1, 2, "HTTP 500"),
        (error_reply(400, "invalid_request_error", "messages: bad"), 2, 1, "HTTP 400: messages: bad"),
        (error_reply(401, "authentication_error", "invalid x-api-key"), 2, 1, "rejected the API key"),
        (error_reply(403, "permission_error", "nope"), 2, 1, "HTTP 403"),
        (raw_reply(200, b"<html>502 Bad Gateway</html>", "text/html"), 2, 1, "could not be read"),
        (raw_reply(200, b'{"id": "msg_1", "content": [', "application/json"), 2, 1, "could not be read"),
        (json_reply(200, {k: v for k, v in message().items() if k != "content"}), 2, 1, "could not be read"),
        (json_reply(200, {**message(text_block("x")), "usage": "lots"}), 2, 1, "could not be read"),
        (json_reply(200, message({"type": "text", "text": 42})), 2, 1, "could not be read"),
    ],
    ids=[
        "429-retry-after",
        "529",
        "500",
        "400",
        "401",
        "403",
        "non-json",
        "broken-json",
        "no-content",
        "bad-usage",
        "bad-text",
    ],
)
async def test_failures_end_in_unavailable_after_bounded_attempts(
    make_llm, reply, max_retries, attempts, reason
):
    api = MockApi(reply)
    # A short timeout keeps the overall deadline short too, should the retry-after cap ever fail.
    llm = make_llm(api, max_retries=max_retries, max_retry_wait=0.05, timeout=2)

    started = time.monotonic()
    with pytest.raises(LlmUnavailable, match=reason) as caught:
        await llm.answer("q", PASSAGES)
    elapsed = time.monotonic() - started

    assert len(api.requests) == attempts
    assert [r.headers["x-stainless-retry-count"] for r in api.requests] == [str(n) for n in range(attempts)]
    assert elapsed < 2.0  # SDK backoff without retry-after: ~0.5 s, then ~1 s
    assert caught.value.reason == str(caught.value)


async def test_a_hang_past_the_timeout_is_retried_then_unavailable(server, make_llm):
    server.script = [hang]
    llm = make_llm(base_url=server.url, timeout=0.3, max_retries=1)

    started = time.monotonic()
    with pytest.raises(LlmUnavailable, match=r"did not answer within 0\.3 s \(after 1 retry\)"):
        async with asyncio.timeout(5):  # fail, not hang, should the bound break
            await llm.answer("q", PASSAGES)
    elapsed = time.monotonic() - started

    assert len(server.requests) == 2
    assert 0.6 <= elapsed < 2.5  # two timeouts and one backoff of at most 0.5 s


async def test_a_body_that_trickles_is_stopped_by_the_overall_deadline(server, make_llm):
    server.script = [trickle]
    llm = make_llm(base_url=server.url, timeout=0.3, max_retries=1, max_retry_wait=0.1)
    assert llm.deadline == pytest.approx(0.3 * 2 + 0.1)

    started = time.monotonic()
    with pytest.raises(LlmUnavailable, match=r"longer than 0\.7 s"):
        async with asyncio.timeout(5):
            await llm.answer("q", PASSAGES)

    assert time.monotonic() - started < 1.5
    assert len(server.requests) == 1  # the read timeout never fired: only the deadline did


async def test_a_stream_that_never_ends_is_stopped_by_the_overall_deadline(server, make_llm):
    server.script = [trickle_pings]
    llm = make_llm(base_url=server.url, timeout=0.3, max_retry_wait=0)

    started = time.monotonic()
    with pytest.raises(LlmUnavailable, match=r"longer than 0\.3 s"):
        async with asyncio.timeout(5):
            async for _ in llm.stream("q", PASSAGES):
                pass
    assert time.monotonic() - started < 1.5


async def test_an_unreachable_api_is_unavailable(make_llm):
    async def refuse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    closed = await asyncio.start_server(refuse, "127.0.0.1", 0)
    port = closed.sockets[0].getsockname()[1]
    closed.close()
    await closed.wait_closed()
    llm = make_llm(base_url=f"http://127.0.0.1:{port}", timeout=1, max_retries=1)

    started = time.monotonic()
    with pytest.raises(LlmUnavailable, match="could not reach"):
        await llm.answer("q", PASSAGES)
    assert time.monotonic() - started < 2.0


async def test_no_key_is_unavailable_without_a_request(make_llm, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "from-the-environment")  # not ours to pick up
    api = MockApi(json_reply(200, message(text_block("ok"))))

    for key in (None, ""):
        llm = make_llm(api, api_key=key)
        assert llm.available is False
        with pytest.raises(LlmUnavailable, match="no ANTHROPIC_API_KEY"):
            await llm.answer("q", PASSAGES)
        with pytest.raises(LlmUnavailable, match="no ANTHROPIC_API_KEY"):
            async for _ in llm.stream("q", PASSAGES):
                pass
        with pytest.raises(LlmUnavailable, match="no ANTHROPIC_API_KEY"):
            await llm.complete("system", "prompt")
        await llm.close()

    assert api.requests == []


async def test_close_leaves_a_callers_http_client_open(make_llm):
    api = MockApi(json_reply(200, message(text_block("ok"))))
    http_client = httpx2.AsyncClient(transport=httpx2.MockTransport(api))
    llm = GroundedLlm(api_key="k", model=MODEL, base_url="http://anthropic.test", http_client=http_client)

    await llm.close()

    assert not http_client.is_closed
    assert (await llm.answer("q", PASSAGES)).text == "ok"
    await http_client.aclose()


async def test_close_closes_its_own_http_client(server, make_llm):
    server.script = [serve_json(200, message(text_block("ok")))]
    llm = make_llm(base_url=server.url, timeout=5)
    assert (await llm.answer("q", PASSAGES)).text == "ok"

    await llm.close()

    with pytest.raises(LlmUnavailable):
        await llm.answer("q", PASSAGES)
    assert len(server.requests) == 1


def test_a_course_model_the_operator_no_longer_offers_falls_back_to_the_default() -> None:
    llm = GroundedLlm(api_key="k", model="claude-default", allowed_models=("claude-default", "claude-b"))
    assert llm._course_model("claude-b") == "claude-b"
    assert llm._course_model("claude-opus-expensive") == "claude-default"
    assert llm._course_model(None) == "claude-default"
