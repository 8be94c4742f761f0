"""The core behind Ask a TA, answers in threads and module-scoped declines, on both databases."""

from __future__ import annotations

import pytest

from core.app import App
from core.errors import InvalidInput, NotFound

GUILD = "700000000000000001"
STAFF_CHANNEL = "740000000000000001"
THREAD = "750000000000000001"


async def students(app: App, course):
    ada = await app.accounts.resolve("discord", "800000000000000001", "Ada")
    bob = await app.accounts.resolve("discord", "800000000000000002", "Bob")
    for person in (ada, bob):
        await app.accounts.enroll(person.id, course.id)
    return ada, bob


async def test_a_decline_in_a_module_is_about_that_module(book_app: App, course) -> None:
    ada, _ = await students(book_app, course)
    narrowed = await book_app.answers.ask(course, ada, "What is the zero moment point?", module="02-ros2")
    assert not narrowed.covered and narrowed.scope == "Module 2: ROS 2 Essentials"
    assert "Only Module 2: ROS 2 Essentials was searched" in narrowed.text
    whole = await book_app.answers.ask(course, ada, "How do I bake sourdough bread?")
    assert not whole.covered and whole.scope is None and "The book does not" in whole.text


async def test_a_question_is_handed_over_once_and_only_by_its_asker(book_app: App, course) -> None:
    ada, bob = await students(book_app, course)
    answer = await book_app.answers.ask(course, ada, "How do I bake sourdough bread?")
    with pytest.raises(NotFound):
        await book_app.handoffs.claim(bob.id, answer.message_id)
    asked, earlier = await book_app.handoffs.claim(ada.id, answer.message_id)
    assert earlier is None and asked.question == "How do I bake sourdough bread?"
    _, again = await book_app.handoffs.claim(ada.id, answer.message_id)
    assert again is not None and again.post_id is None  # still being posted: nothing posted twice
    await book_app.handoffs.posted(answer.message_id, STAFF_CHANNEL, "760000000000000001")
    _, done = await book_app.handoffs.claim(ada.id, answer.message_id)
    assert done is not None and done.channel_id == STAFF_CHANNEL

    report = await book_app.usage.report(course)
    assert [(q.question, q.handed_to_staff) for q in report.unanswered] == [
        ("How do I bake sourdough bread?", True)
    ]
    assert (await book_app.privacy.export(ada.id))["handoffs"][0]["message_id"] == answer.message_id

    await book_app.conversations.delete(ada.id, answer.conversation_id)
    with pytest.raises(NotFound):
        await book_app.handoffs.claim(ada.id, answer.message_id)


async def test_a_failed_post_gives_the_claim_back(book_app: App, course) -> None:
    ada, _ = await students(book_app, course)
    answer = await book_app.answers.ask(course, ada, "How do I bake sourdough bread?")
    await book_app.handoffs.claim(ada.id, answer.message_id)
    await book_app.handoffs.release(answer.message_id)
    _, earlier = await book_app.handoffs.claim(ada.id, answer.message_id)
    assert earlier is None


async def test_an_answered_question_is_not_handed_over(book_app: App, course) -> None:
    ada, _ = await students(book_app, course)
    answer = await book_app.answers.ask(course, ada, "What is the zero moment point?")
    with pytest.raises(InvalidInput):
        await book_app.handoffs.claim(ada.id, answer.message_id)


async def test_a_thread_carries_its_askers_conversation(book_app: App, course) -> None:
    ada, bob = await students(book_app, course)
    answer = await book_app.answers.ask(course, ada, "What is the zero moment point?")
    with pytest.raises(NotFound):
        await book_app.conversations.link_thread(bob.id, answer.conversation_id, THREAD)
    await book_app.conversations.link_thread(ada.id, answer.conversation_id, THREAD)
    assert await book_app.conversations.in_thread(ada.id, THREAD) == answer.conversation_id
    assert await book_app.conversations.in_thread(bob.id, THREAD) is None
    assert await book_app.conversations.thread_of(answer.conversation_id) == THREAD
    await book_app.privacy.forget(ada.id)
    assert await book_app.conversations.thread_of(answer.conversation_id) is None


async def test_staff_channel_and_threads_settings(book_app: App, course) -> None:
    await book_app.courses.bind_guild("sample", GUILD)
    binding = await book_app.courses.set_staff_channel(GUILD, STAFF_CHANNEL)
    assert binding.staff_channel_id == STAFF_CHANNEL
    assert (await book_app.courses.configure("sample", answer_threads=True)).answer_threads
    with pytest.raises(InvalidInput):
        await book_app.courses.configure("sample", answer_threads="maybe")
    with pytest.raises(InvalidInput):
        await book_app.courses.set_staff_channel(GUILD, "#staff")
