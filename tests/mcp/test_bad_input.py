"""Bad input over MCP never costs a question nor crashes a tool: on SQLite and PostgreSQL (where a NUL
once crashed `ask_book` after the quota was charged)."""

from __future__ import annotations

import pytest
from mcp import Client

from core.app import App
from core.models.accounts import Course
from mcp_server.identity import LOCAL_SUBJECT


@pytest.fixture(params=["auto", "legacy"])
def mode(request) -> str:
    return request.param


async def _questions_left(app: App, course: Course) -> int:
    course = await app.courses.get(course.slug)
    user = await app.accounts.resolve("local", LOCAL_SUBJECT, "Local user")
    return await app.quotas.remaining(course, user.id)


@pytest.mark.parametrize(
    "arguments",
    [
        {"question": "what is the zmp?\x00"},
        {"question": "what\x1b[31m is the zmp?"},
        {"question": "what is the zmp?", "selected_text": "the zero\x00 moment point"},
        {"question": "what is the zmp?\ud800"},
    ],
    ids=["nul", "escape", "nul-in-selected-text", "lone-surrogate"],
)
async def test_control_characters_are_refused_in_words_before_any_charge(
    server, book_app: App, course: Course, mode, arguments
) -> None:
    before = await _questions_left(book_app, course)
    async with Client(server, mode=mode) as client:
        result = await client.call_tool("ask_book", arguments)
    assert result.is_error
    text = result.content[0].text
    assert "control character" in text or "cannot be stored" in text, text
    assert await _questions_left(book_app, course) == before
    async with book_app.store.read() as s:
        assert await s.conversations.questions(course.id, course.created_at.replace(year=2000)) == []


async def test_line_breaks_and_tabs_are_kept(server, book_app: App, course: Course, mode) -> None:
    async with Client(server, mode=mode) as client:
        result = await client.call_tool("ask_book", {"question": "What is the\n\tsupport polygon?\r\n"})
    assert not result.is_error, result.content[0].text


async def test_a_question_that_fails_to_be_answered_is_not_charged(
    server, book_app: App, course: Course, mode, monkeypatch
) -> None:
    async def broken(*args, **kwargs):
        raise RuntimeError("the index fell over")

    monkeypatch.setattr(book_app.library, "search", broken)
    before = await _questions_left(book_app, course)
    async with Client(server, mode=mode) as client:
        result = await client.call_tool("ask_book", {"question": "What is the support polygon?"})
    assert result.is_error
    assert await _questions_left(book_app, course) == before


async def test_an_answered_question_is_charged_once(server, book_app: App, course: Course, mode) -> None:
    before = await _questions_left(book_app, course)
    async with Client(server, mode=mode) as client:
        result = await client.call_tool("ask_book", {"question": "What is the support polygon?"})
    assert not result.is_error
    assert await _questions_left(book_app, course) == before - 1


async def test_a_search_with_a_nul_is_refused_in_words(server, mode) -> None:
    async with Client(server, mode=mode) as client:
        result = await client.call_tool("search_book", {"query": "support\x00 polygon"})
    assert result.is_error and "control character" in result.content[0].text


@pytest.mark.parametrize("week", ["0001-01-01", "0001-W01", "9999-12-31", "2026-02-30"])
async def test_far_or_malformed_weeks_are_refused_in_words(
    server, book_app: App, course: Course, mode, week
) -> None:
    await book_app.courses.configure(course.slug, leaderboard_day=6)
    async with Client(server, mode=mode) as client:
        await client.call_tool("mark_complete", {"unit": "week-1"})
        result = await client.call_tool("leaderboard", {"week": week})
    assert result.is_error
    text = result.content[0].text
    assert "is not a week" in text or "No leaderboard" in text, text
    assert text != "Error executing tool leaderboard"


async def test_a_failure_across_the_hour_gives_back_the_hour_it_was_charged_in(
    server, book_app: App, course: Course, mode, monkeypatch, clock
) -> None:
    course = await book_app.courses.configure(course.slug, hourly_question_quota=1)
    user = await book_app.accounts.resolve("local", LOCAL_SUBJECT, "Local user")
    clock.now = clock.now.replace(minute=59, second=59)

    async def slow_then_broken(*args, **kwargs):
        clock.advance(seconds=2)  # the next hour begins while the question is worked on…
        await book_app.quotas.take_question(course, user.id, "student")  # …and another one is charged
        raise RuntimeError("the index fell over")

    real_search = book_app.library.search
    monkeypatch.setattr(book_app.library, "search", slow_then_broken)
    async with Client(server, mode=mode) as client:
        assert (await client.call_tool("ask_book", {"question": "What is the support polygon?"})).is_error
        monkeypatch.setattr(book_app.library, "search", real_search)
        again = await client.call_tool("ask_book", {"question": "What is a zero moment point?"})
    # The new hour's one question is used; the failed one was given back to the hour it was taken in.
    assert again.is_error and "try again in" in again.content[0].text
