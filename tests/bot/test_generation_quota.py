"""/explain and /translate count against the hourly question quota when the LLM writes something;
a cached explanation or translation is free, and staff are exempt, as for /ask."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx2
import pytest

from tests.answers.messages_api import MockApi, explainer_over, raw_reply, scripted_llm, stream_events
from tests.bot.explaining import bot_explaining_with
from tests.bot.harness import INSTRUCTOR, BotHarness

TOPICS = "02-ros2/nodes-and-topics.md#topics"
BALANCE = "01-foundations/balance-and-zmp.md"


@pytest.fixture
async def with_llm(book_app) -> AsyncIterator[tuple[BotHarness, MockApi]]:
    """The bot over the app's own explainer wiring, with a scripted Messages API as its LLM."""
    api = MockApi(raw_reply(200, b"".join(stream_events(["An explanation."], [])), "text/event-stream"))
    async with bot_explaining_with(book_app, api) as harness:
        yield harness, api


async def test_explain_and_translate_past_the_quota_are_refused(with_llm, book_app) -> None:
    bot, api = with_llm
    await book_app.courses.configure("sample", hourly_question_quota=2)
    first = await bot.send(bot.slash("explain", section=TOPICS))
    assert "An explanation." in first[-1].content
    cached = await bot.send(bot.slash("explain", section=TOPICS))  # from the cache: free
    assert "An explanation." in cached[-1].content
    translated = await bot.send(bot.slash("translate", section=TOPICS, language="es"))
    assert "An explanation." in translated[-1].content
    assert len(api.requests) == 2
    refused = await bot.send(bot.slash("explain", section=BALANCE))
    assert refused[-1].ephemeral and refused[-1].content.startswith("⏳")
    assert "questions this hour" in refused[-1].content and "try again in" in refused[-1].content
    refused = await bot.send(bot.slash("translate", section=TOPICS, language="fr"))
    assert refused[-1].content.startswith("⏳")
    assert len(api.requests) == 2  # nothing more was sent to the LLM
    staff = await bot.send(bot.slash("explain", section=BALANCE, person=INSTRUCTOR))
    assert "An explanation." in staff[-1].content


async def test_quota_zero_turns_explanations_off_for_students(with_llm, book_app) -> None:
    bot, api = with_llm
    await book_app.courses.configure("sample", hourly_question_quota=0)
    refused = await bot.send(bot.slash("explain", section=TOPICS))
    assert refused[-1].content.startswith("🔒") and "turned off" in refused[-1].content
    assert api.requests == []


async def test_identical_requests_in_flight_share_one_llm_call(book_app, clock) -> None:
    import asyncio

    gate = asyncio.Event()
    calls = []

    async def api(request: httpx2.Request) -> httpx2.Response:
        calls.append(request)
        await gate.wait()
        return raw_reply(200, b"".join(stream_events(["Hola."], [])), "text/event-stream")()

    ada = await book_app.accounts.resolve("discord", "800000000000000001", "Ada")
    grace = await book_app.accounts.resolve("discord", "800000000000000002", "Grace")
    await book_app.courses.configure("sample", hourly_question_quota=5)
    course = await book_app.courses.get("sample")
    async with scripted_llm(api) as llm:
        explainer = explainer_over(book_app, llm)
        first = asyncio.create_task(explainer.translate(course, BALANCE, "", "es", user=ada))
        await asyncio.sleep(0.2)
        second = asyncio.create_task(explainer.translate(course, BALANCE, "", "es", user=grace))
        await asyncio.sleep(0.2)
        gate.set()
        results = await asyncio.gather(first, second)
    assert results[0].text == results[1].text and results[0].text.startswith("Hola.")
    assert len(calls) == 1
    assert await book_app.quotas.remaining(course, ada.id) == 4
    assert await book_app.quotas.remaining(course, grace.id) == 5  # waited for Ada's: free
