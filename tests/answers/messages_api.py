"""Shapes of the Anthropic Messages API, and a scripted MockTransport handler, for tests."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx2

from core.answers.explain import Explainer
from core.answers.llm import GroundedLlm
from core.app import App

REPLY_MODEL = "claude-test-model-20990101"


def text_block(text: str, *citations: dict[str, Any]) -> dict[str, Any]:
    return {"type": "text", "text": text, "citations": list(citations) or None}


def message(*blocks: dict[str, Any], input_tokens: int = 321, output_tokens: int = 42) -> dict[str, Any]:
    return {
        "id": "msg_test",
        "type": "message",
        "role": "assistant",
        "model": REPLY_MODEL,
        "content": list(blocks),
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
    }


def event(kind: str, **data: Any) -> bytes:
    return f"event: {kind}\ndata: {json.dumps({'type': kind, **data})}\n\n".encode()


def stream_events(
    deltas: list[str], citations: list[dict[str, Any]], *, input_tokens: int = 321, output_tokens: int = 42
) -> list[bytes]:
    """A streamed answer of one text block: its text deltas, then its citations, as the API sends them."""
    start = {**message(input_tokens=input_tokens, output_tokens=1), "stop_reason": None}
    return [
        event("message_start", message=start),
        event("content_block_start", index=0, content_block={"type": "text", "text": "", "citations": []}),
        event("ping"),
        *(event("content_block_delta", index=0, delta={"type": "text_delta", "text": d}) for d in deltas),
        *(
            event("content_block_delta", index=0, delta={"type": "citations_delta", "citation": c})
            for c in citations
        ),
        event("content_block_stop", index=0),
        event(
            "message_delta",
            delta={"stop_reason": "end_turn", "stop_sequence": None},
            usage={"output_tokens": output_tokens},
        ),
        event("message_stop"),
    ]


Reply = Callable[[], httpx2.Response]


def json_reply(status: int, body: object, **headers: str) -> Reply:
    return lambda: httpx2.Response(status, json=body, headers=headers)


def raw_reply(status: int, content: bytes, content_type: str) -> Reply:
    return lambda: httpx2.Response(status, content=content, headers={"content-type": content_type})


def error_reply(status: int, kind: str, text: str, **headers: str) -> Reply:
    return json_reply(status, {"type": "error", "error": {"type": kind, "message": text}}, **headers)


class MockApi:
    """Answers each request with the next scripted reply; the last one repeats."""

    def __init__(self, *replies: Reply):
        self.replies = list(replies)
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        return reply()

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(request.content) for request in self.requests]


@asynccontextmanager
async def scripted_llm(handler: Callable[[httpx2.Request], Any]) -> AsyncIterator[GroundedLlm]:
    """A real GroundedLlm whose Messages API is `handler` (a MockApi or an async function); no
    retries, so a scripted failure is seen at once. Closed on exit."""
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    llm = GroundedLlm(
        api_key="test-key",
        model="claude-test",
        base_url="http://anthropic.test",
        max_retries=0,
        http_client=http,
    )
    try:
        yield llm
    finally:
        await llm.close()
        await http.aclose()


def explainer_over(app: App, llm: GroundedLlm) -> Explainer:
    """The app's explainer, as open_app wires it (quotas included), over another LLM."""
    return Explainer(app.store, app.library.reader, app.accounts, llm, app.clock, quotas=app.quotas)
