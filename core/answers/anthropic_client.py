"""The Anthropic SDK client, built only when a key is set (the SDK takes a second to import)."""

from __future__ import annotations

from typing import Any

import anthropic
import httpx2

from core.answers.llm import _retry_after_seconds


def make_client(
    api_key: str,
    base_url: str | None,
    max_retries: int,
    timeout: float,
    http_client: httpx2.AsyncClient | None,
    max_retry_wait: float,
) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(
        api_key=api_key,
        base_url=base_url,  # None: ANTHROPIC_BASE_URL, else the SDK's default
        max_retries=max_retries,
        timeout=timeout,
        http_client=http_client,
        middleware=[_CapRetryAfter(max_retry_wait)],
    )


class _CapRetryAfter(anthropic.Middleware):
    """Caps the wait a failed attempt's `retry-after`/`retry-after-ms` asks for.

    The SDK honours `retry-after` up to ~50 days; this rewrites a longer wait to `cap` seconds
    (via `retry-after-ms`, which the SDK reads first) so the retry still happens, bounded.
    """

    def __init__(self, cap: float):
        self.cap = cap

    async def handle_async(
        self, request: anthropic.APIRequest, call_next: anthropic.AsyncCallNext
    ) -> anthropic.AsyncAPIResponse[Any]:
        response = await call_next(request)
        http_response = response.http_response
        if not http_response.is_success:
            wait = _retry_after_seconds(http_response.headers)
            if wait is not None and not wait <= self.cap:  # also NaN
                http_response.headers["retry-after-ms"] = str(round(self.cap * 1000))
        return response
