"""Finding an answer again from its id (to follow it up, to show its sources), refusing to answer from
a course whose book was never loaded, and where a section lives in the published book."""

from __future__ import annotations

import pytest

from core.app import App
from core.books.links import section_url
from core.errors import NotFound

ZMP = "What is the zero moment point?"


async def test_an_answer_leads_back_to_its_conversation_for_its_asker_only(book_app: App) -> None:
    course = await book_app.courses.get("sample")
    asker = await book_app.accounts.resolve("discord", "1", "Asker")
    await book_app.accounts.enroll(asker.id, course.id)
    other = await book_app.accounts.resolve("discord", "2", "Other")
    answer = await book_app.answers.ask(course, asker, ZMP)
    assert await book_app.conversations.conversation_of(asker.id, answer.message_id) == answer.conversation_id
    with pytest.raises(NotFound):
        await book_app.conversations.conversation_of(other.id, answer.message_id)
    with pytest.raises(NotFound):
        await book_app.conversations.conversation_of(asker.id, "00000000-0000-0000-0000-000000000000")


async def test_an_answers_sources_are_its_citations_within_its_course(book_app: App) -> None:
    course = await book_app.courses.get("sample")
    asker = await book_app.accounts.resolve("discord", "1", "Asker")
    await book_app.accounts.enroll(asker.id, course.id)
    answer = await book_app.answers.ask(course, asker, ZMP)
    assert await book_app.conversations.sources(course.id, answer.message_id) == answer.citations
    elsewhere = await book_app.courses.create("elsewhere", "Elsewhere")
    with pytest.raises(NotFound):
        await book_app.conversations.sources(elsewhere.id, answer.message_id)
    _, messages = await book_app.conversations.get(asker.id, answer.conversation_id)
    with pytest.raises(NotFound):  # a question is not an answer
        await book_app.conversations.sources(course.id, messages[0].id)


async def test_a_course_without_its_book_is_refused_in_words(book_app: App) -> None:
    await book_app.library.reader.require_book(await book_app.courses.get("sample"))
    empty = await book_app.courses.create("empty", "Empty")
    with pytest.raises(NotFound, match="/book ingest"):
        await book_app.library.reader.require_book(empty)


def test_section_urls_follow_docusaurus() -> None:
    base = "https://book.example/docs"
    assert section_url(base, "02-ros2/recovery-behaviours.mdx", "retries") == (
        "https://book.example/docs/02-ros2/recovery-behaviours#retries"
    )
    assert section_url(base + "/", "/02-ros2/index.md") == "https://book.example/docs/02-ros2"
    assert section_url(base, "index.md") == "https://book.example/docs/"
    assert section_url(None, "a.md", "b") is None
