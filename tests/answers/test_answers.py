"""Asking the book without an LLM: extractive answers, coverage, conversations, quotas, usage."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from core.app import App
from core.errors import InvalidInput, LlmRequired, NotFound, RateLimited
from core.quotas import Quotas
from core.store import database_for
from core.store.session import Store
from tests.shared import needs_model

pytestmark = needs_model

BALANCE = "what stops a walking robot from falling over?"
OFF_TOPIC = "how long should I knead sourdough bread before baking it?"


async def test_covered_question_gets_a_cited_extractive_answer(book_app: App, course, student) -> None:
    answer = await book_app.answers.ask(course, student, BALANCE)
    assert answer.covered and answer.mode == "extractive" and answer.text
    assert answer.citations and answer.citations[0].path == "01-foundations/balance-and-zmp.md"
    assert all(c.quote and c.quote in answer.text for c in answer.citations)
    assert "[1]" in answer.text
    assert "no AI model" in (answer.notice or "")
    conversation, messages = await book_app.conversations.get(student.id, answer.conversation_id)
    assert conversation.title == BALANCE  # short enough to keep whole
    assert [m.role for m in messages] == ["user", "assistant"]
    stored = messages[1]
    assert stored.id == answer.message_id and stored.covered and stored.answer_mode == "extractive"
    assert stored.citations[0].path == answer.citations[0].path
    assert stored.latency_ms is not None and stored.mode == "global"


async def test_the_book_says_when_it_does_not_cover_something(book_app: App, course, student) -> None:
    answer = await book_app.answers.ask(course, student, OFF_TOPIC)
    assert not answer.covered and not answer.citations
    assert "does not" in answer.text and answer.closest
    assert all(ref.path for ref in answer.closest)
    report = await book_app.usage.report(course)
    assert report.not_covered == 1 and [u.question for u in report.unanswered] == [OFF_TOPIC]


async def test_class_logistics_are_sent_to_the_instructor(book_app: App, course, student) -> None:
    question = "which room is the midterm in, and is it open book?"
    answer = await book_app.answers.ask(course, student, question)
    assert not answer.covered and not answer.citations and answer.mode == "extractive"
    assert answer.text.startswith("That's a question for your instructor")
    assert "exams and how they are run" in answer.text
    assert answer.closest and "nearest sections" in answer.text  # the book's nearest, in case they help
    _, messages = await book_app.conversations.get(student.id, answer.conversation_id)
    assert messages[1].covered is False
    report = await book_app.usage.report(course)
    assert report.not_covered == 1 and [u.question for u in report.unanswered] == [question]


async def test_logistics_are_judged_on_the_students_own_words(book_app: App, course, student) -> None:
    first = await book_app.answers.ask(course, student, "what is the zero moment point?")
    assert first.covered
    # the follow-up is searched with the question before it, but asks for a deadline
    due = await book_app.answers.ask(
        course, student, "and when is the balance exercise due?", conversation_id=first.conversation_id
    )
    assert not due.covered and "deadlines" in due.text
    # a logistics question earlier in the conversation does not taint a book question after it
    back = await book_app.answers.ask(
        course, student, "how is the support polygon used for balance?", conversation_id=first.conversation_id
    )
    assert back.covered and back.citations


async def test_follow_ups_continue_only_your_own_conversation(book_app: App, course, student) -> None:
    first = await book_app.answers.ask(course, student, "what is the zero moment point?")
    second = await book_app.answers.ask(
        course, student, "and how is the margin chosen?", conversation_id=first.conversation_id
    )
    assert second.conversation_id == first.conversation_id
    _, messages = await book_app.conversations.get(student.id, first.conversation_id)
    assert len(messages) == 4
    intruder = await book_app.accounts.resolve("discord", "999988887777666655", "Nosy")
    await book_app.accounts.enroll(intruder.id, course.id)  # a classmate, not a stranger
    with pytest.raises(NotFound):
        await book_app.answers.ask(course, intruder, "tell me more", conversation_id=first.conversation_id)
    with pytest.raises(NotFound):
        await book_app.conversations.get(intruder.id, first.conversation_id)
    with pytest.raises(NotFound):
        await book_app.conversations.delete(intruder.id, first.conversation_id)
    assert await book_app.conversations.list(intruder.id) == []
    await book_app.conversations.delete(student.id, first.conversation_id)
    assert await book_app.conversations.list(student.id) == []


async def test_module_and_selected_text_modes(book_app: App, course, student) -> None:
    scoped = await book_app.answers.ask(
        course, student, "which sensors tell a humanoid how its body moves?", module="01-foundations"
    )
    assert scoped.citations and all(c.path.startswith("01-foundations/") for c in scoped.citations)
    passage = "The behaviour has two settings: `max_rotation_attempts`, the number of turns before the robot"
    selected = await book_app.answers.ask(
        course, student, "what does this setting do?", selected_text=passage
    )
    assert selected.covered and selected.citations[0].path == "02-ros2/recovery-behaviours.mdx"
    _, messages = await book_app.conversations.get(student.id, selected.conversation_id)
    assert messages[0].selected_text == passage and messages[0].mode == "selected"
    with pytest.raises(NotFound, match="module"):
        await book_app.answers.ask(course, student, "anything", module="cooking")


def test_titles_are_cut_at_fifty_characters() -> None:
    from core.conversations import title_from

    long = "how   does the zero moment point relate to\nthe support polygon when walking fast"
    assert title_from(long) == "how does the zero moment point relate to the suppo…"
    assert len(title_from(long)) == 51 and title_from("  short  ") == "short"


@pytest.mark.parametrize(
    ("question", "field"), [("", "question"), ("   ", "question"), ("x" * 2001, "question")]
)
async def test_bad_questions(book_app: App, course, student, question, field) -> None:
    with pytest.raises(InvalidInput) as err:
        await book_app.answers.ask(course, student, question)
    assert err.value.field == field


async def test_quota_per_hour_with_a_clear_wait(book_app: App, course, student, clock) -> None:
    course = await book_app.courses.configure("sample", hourly_question_quota=2)
    clock.advance(minutes=10)
    await book_app.answers.ask(course, student, BALANCE)
    await book_app.answers.ask(course, student, BALANCE)
    with pytest.raises(RateLimited) as err:
        await book_app.answers.ask(course, student, BALANCE)
    assert err.value.retry_after == timedelta(minutes=50)
    assert "50 minutes" in str(err.value)
    clock.advance(minutes=50)
    assert (await book_app.answers.ask(course, student, BALANCE)).covered


async def test_instructors_are_exempt(book_app: App, course) -> None:
    course = await book_app.courses.configure("sample", hourly_question_quota=1)
    teacher = await book_app.accounts.resolve("discord", "555566667777888899", "Prof")
    await book_app.accounts.set_role(teacher.id, course.id, "instructor", surface="cli")
    for _ in range(3):
        await book_app.answers.ask(course, teacher, BALANCE)


async def test_quota_holds_under_concurrency_from_two_processes(
    book_app: App, course, student, clock
) -> None:
    course = await book_app.courses.configure("sample", hourly_question_quota=7)
    other_db = database_for(book_app.db.url)
    await other_db.open()
    try:
        quotas = [book_app.quotas, Quotas(Store(other_db), clock)]

        async def attempt(i: int) -> bool:
            try:
                await quotas[i % 2].take_question(course, student.id, "student")
                return True
            except RateLimited:
                return False

        results = await asyncio.gather(*(attempt(i) for i in range(30)))
    finally:
        await other_db.close()
    assert sum(results) == 7
    assert await book_app.quotas.remaining(course, student.id) == 0


async def test_feedback_once_per_answer_and_changeable(book_app: App, course, student) -> None:
    answer = await book_app.answers.ask(course, student, BALANCE)
    first = await book_app.conversations.feedback(student.id, answer.message_id, 1)
    changed = await book_app.conversations.feedback(student.id, answer.message_id, -1, "too vague")
    assert (first.rating, changed.rating, changed.comment) == (1, -1, "too vague")
    report = await book_app.usage.report(course)
    assert (report.helpful, report.unhelpful) == (0, 1)
    with pytest.raises(InvalidInput):
        await book_app.conversations.feedback(student.id, answer.message_id, 5)
    other = await book_app.accounts.resolve("discord", "121212121212121212", "Other")
    with pytest.raises(NotFound):
        await book_app.conversations.feedback(other.id, answer.message_id, 1)
    _, messages = await book_app.conversations.get(student.id, answer.conversation_id)
    with pytest.raises(InvalidInput, match="Only answers"):
        await book_app.conversations.feedback(student.id, messages[0].id, 1)


async def test_usage_report_counts_and_documents(book_app: App, course, student) -> None:
    await book_app.answers.ask(course, student, BALANCE)
    await book_app.answers.ask(course, student, "max_rotation_attempts")
    await book_app.answers.ask(course, student, OFF_TOPIC)
    report = await book_app.usage.report(course)
    assert (report.questions, report.answers, report.not_covered) == (3, 3, 1)
    paths = [path for path, _ in report.retrievals_by_document]
    assert "01-foundations/balance-and-zmp.md" in paths and "02-ros2/recovery-behaviours.mdx" in paths


async def test_maintenance_archives_and_purges(book_app: App, course, student, clock) -> None:
    answer = await book_app.answers.ask(course, student, BALANCE)
    await book_app.tokens.create(student.id, "short", expires_days=1)
    clock.advance(days=32)  # the conversation is 30+ days old; the token ended 31 days ago
    fresh = await book_app.answers.ask(course, student, "what is a ros 2 topic?")
    done = await book_app.maintenance.run()
    assert done["conversations_archived"] == 1 and done["tokens_purged"] == 1
    listed = await book_app.conversations.list(student.id)
    assert [c.id for c in listed] == [fresh.conversation_id]
    archived = await book_app.conversations.list(student.id, include_archived=True)
    assert {c.id for c in archived} == {answer.conversation_id, fresh.conversation_id}
    clock.advance(days=60)
    assert (await book_app.maintenance.run())["audit_entries_purged"] >= 1


async def test_explanations_and_translations_need_a_key(book_app: App, course, student) -> None:
    with pytest.raises(LlmRequired, match="ANTHROPIC_API_KEY"):
        await book_app.explainer.explain(course, student, "01-foundations/balance-and-zmp.md")
    with pytest.raises(LlmRequired):
        await book_app.explainer.translate(course, "01-foundations/balance-and-zmp.md", "", "ur")
    with pytest.raises(InvalidInput):
        await book_app.explainer.translate(course, "01-foundations/balance-and-zmp.md", "", "klingon")


async def test_export_and_forget_cover_conversations(book_app: App, course, student) -> None:
    answer = await book_app.answers.ask(course, student, BALANCE)
    await book_app.conversations.feedback(student.id, answer.message_id, 1)
    data = await book_app.privacy.export(student.id)
    assert data["conversations"][0]["id"] == answer.conversation_id
    assert {m["role"] for m in data["messages"]} == {"user", "assistant"}
    assert data["feedback"][0]["rating"] == 1
    assert data["messages"][1]["citations"][0]["path"]
    removed = await book_app.privacy.forget(student.id)
    assert removed["messages"] == 2 and removed["conversations"] == 1
    report = await book_app.usage.report(course)
    assert report.questions == 1  # counts stay, anonymous
