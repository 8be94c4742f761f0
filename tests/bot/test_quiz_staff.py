"""/class quiz generate and /class quiz results: a quiz the AI model drafts, that staff review and
publish or discard with buttons that outlive a restart; and per-question results for staff."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.progress.quizzes import Quizzes
from tests.answers.messages_api import MockApi, raw_reply, scripted_llm, stream_events
from tests.bot.harness import CHANNEL_ID, INSTRUCTOR, OTHER_STUDENT, STUDENT, BotHarness, start_bot
from tests.bot.test_quiz import WEEK_1, answer, choice
from tests.progress.test_generated_quizzes import quiz_reply


@pytest.fixture
async def with_llm(book_app, course) -> AsyncIterator[tuple[BotHarness, MockApi]]:
    """The bot with a scripted Messages API writing quizzes (the book keeps its own quizzes)."""
    unit = await book_app.tracking.unit(course, "week-1")
    anchor = next(a for a, _ in await book_app.library.reader.passages(course, unit.chapters[0]) if a)
    api = MockApi(quiz_reply(f"{unit.chapters[0]}#{anchor}"))
    async with scripted_llm(api) as llm:
        app = book_app
        app.quizzes = Quizzes(app.store, app.tracking, app.library.reader, llm, app.clock, quotas=app.quotas)
        harness = await start_bot(app)
        try:
            yield harness, api
        finally:
            await harness.bot.close()


def button(call_or_message, prefix: str) -> str:
    ids = (
        call_or_message.custom_ids()
        if hasattr(call_or_message, "custom_ids")
        else [b["custom_id"] for row in call_or_message["components"] for b in row["components"]]
    )
    return next(i for i in ids if i.startswith(prefix))


async def test_a_draft_is_reviewed_then_published_after_a_restart(with_llm, book_app, course) -> None:
    bot, api = with_llm
    await book_app.quizzes.load_from_book(course, [])  # the book has no quizzes of its own
    calls = await bot.send(bot.slash("class", group="quiz", sub="generate", person=INSTRUCTOR, unit="week-1"))
    draft = calls[-1]
    assert draft.ephemeral and len(api.requests) == 1
    shown = bot.message(draft)["embeds"][0]
    assert shown["title"] == "📝 Week 1 check — week-1"
    assert "What must stay inside the support polygon?" in shown["description"]
    assert "✅ A. The ZMP" in shown["description"] and "▫️ B. The camera" in shown["description"]
    assert "_The ZMP must stay inside._" in shown["description"]  # why, for the reviewer
    assert "students can't see it yet" in shown["footer"]["text"]
    assert bot.http.in_channel(CHANNEL_ID) == []  # the answers are shown to the instructor only

    hidden = await bot.send(bot.slash("quiz", unit="week-1"))  # a draft: students can't take it
    assert (
        "No quiz for unit 'week-1'" in hidden[-1].content
        and "your instructor can add one" in hidden[-1].content
    )

    early = await bot.send(bot.slash("class", group="quiz", sub="results", person=INSTRUCTOR, unit="week-1"))
    assert "its generated quiz is a draft" in early[-1].content

    message = bot.message(draft)
    await bot.advance_views(900)  # Discord's 15 minutes for an ephemeral reply's view
    fresh = await bot.restarted()
    try:
        refused = await fresh.send(
            fresh.click(message, button(message, "sh:qdraft:publish:"), person=STUDENT)
        )
        assert refused[-1].ephemeral and refused[-1].content.startswith("🔒")
        [published] = await fresh.send(
            fresh.click(message, button(message, "sh:qdraft:publish:"), person=INSTRUCTOR)
        )
        now = fresh.message(published)
        assert "is published" in now["content"] and not now["components"] and not now["embeds"]
        taken = await fresh.send(fresh.slash("quiz", unit="week-1"))
        assert taken[-1].embeds[0]["title"] == "Week 1 check — question 1/1"
        again = await fresh.send(
            fresh.slash("class", group="quiz", sub="generate", person=INSTRUCTOR, unit="week-1")
        )
        assert "Published: students can take it" in again[-1].embeds[0]["footer"]["text"]
        assert len(api.requests) == 1  # the unit's quiz, unchanged: shown again, not written again
    finally:
        await fresh.bot.close()


async def test_a_discarded_draft_is_gone_and_its_old_buttons_say_so(with_llm, book_app, course) -> None:
    bot, _ = with_llm
    await book_app.quizzes.load_from_book(course, [])
    calls = await bot.send(bot.slash("class", group="quiz", sub="generate", person=INSTRUCTOR, unit="week-1"))
    message = bot.message(calls[-1])
    [gone] = await bot.send(bot.click(message, button(message, "sh:qdraft:discard:"), person=INSTRUCTOR))
    assert "is discarded" in bot.message(gone)["content"]
    late = await bot.send(bot.click(message, button(message, "sh:qdraft:publish:"), person=INSTRUCTOR))
    assert late[-1].ephemeral and "No generated quiz for unit 'week-1'" in late[-1].content
    still = await bot.send(bot.slash("quiz", unit="week-1"))
    assert "No quiz for unit 'week-1'" in still[-1].content


async def test_generating_without_a_key_is_worded_for_staff(discord_bot: BotHarness, book_app) -> None:
    no_key = await discord_bot.send(
        discord_bot.slash("class", group="quiz", sub="generate", person=INSTRUCTOR, unit="week-1")
    )
    text = no_key[-1].content
    assert no_key[-1].ephemeral and "needs the operator's Anthropic key" in text
    assert "ANTHROPIC_API_KEY" not in text and "nothing was charged" in text
    student = await discord_bot.send(discord_bot.slash("class", group="quiz", sub="generate", unit="week-1"))
    assert student[-1].ephemeral and student[-1].content.startswith("🔒")


async def test_generating_over_the_instructors_own_quiz_is_refused(with_llm) -> None:
    bot, api = with_llm
    calls = await bot.send(bot.slash("class", group="quiz", sub="generate", person=INSTRUCTOR, unit="week-1"))
    assert calls[-1].ephemeral and "already has the instructor's quiz from the book" in calls[-1].content
    unknown = await bot.send(
        bot.slash("class", group="quiz", sub="generate", person=INSTRUCTOR, unit="week-12")
    )
    assert "No unit 'week-12'" in unknown[-1].content and "Units like it" in unknown[-1].content
    assert api.requests == []


async def test_per_question_results_for_staff(discord_bot: BotHarness, book_app, course) -> None:
    empty = await discord_bot.send(
        discord_bot.slash("class", group="quiz", sub="results", person=INSTRUCTOR, unit="week-1")
    )
    assert "No student has taken this version of the quiz yet." in empty[-1].embeds[0]["description"]

    calls = await discord_bot.send(discord_bot.slash("quiz", unit="week-1"))
    await answer(discord_bot, calls[-1], WEEK_1[:3] + [0] + WEEK_1[4:])  # question 4 wrong
    calls = await discord_bot.send(discord_bot.slash("quiz", unit="week-1", person=OTHER_STUDENT))
    for pick in WEEK_1:
        [calls[-1]] = await discord_bot.send(
            discord_bot.click(discord_bot.message(calls[-1]), choice(calls[-1], pick), person=OTHER_STUDENT)
        )
    calls = await discord_bot.send(discord_bot.slash("quiz", unit="week-1", person=INSTRUCTOR))
    for pick in [0, 0, 0, 0, 0]:  # staff trying the quiz out: not in the results
        [calls[-1]] = await discord_bot.send(
            discord_bot.click(discord_bot.message(calls[-1]), choice(calls[-1], pick), person=INSTRUCTOR)
        )

    shown = await discord_bot.send(
        discord_bot.slash("class", group="quiz", sub="results", person=INSTRUCTOR, unit="week-1")
    )
    embed = shown[-1].embeds[0]
    assert shown[-1].ephemeral and embed["title"].startswith("📋 Week 1 — Bipedal Balance")
    text = embed["description"]
    assert "**2** attempt(s) by **2** student(s) · average score **90%**" in text
    assert "**1.**" in text and "**100%** right (2/2)" in text
    assert "**50%** right (1/2)" in text and "most chosen wrong: “It moves forward” (1)" in text
    names = embed["fields"][0]["value"]
    assert "Ada 80%" in names and "Grace 100%" in names and "Prof. Lin" not in names

    unknown = await discord_bot.send(
        discord_bot.slash("class", group="quiz", sub="results", person=INSTRUCTOR, unit="week-12")
    )
    assert "No unit 'week-12'" in unknown[-1].content and "Units like it" in unknown[-1].content
    await book_app.quizzes.load_from_book(course, [])
    none = await discord_bot.send(
        discord_bot.slash("class", group="quiz", sub="results", person=INSTRUCTOR, unit="week-1")
    )
    assert "generate one and publish it" in none[-1].content
    student = await discord_bot.send(discord_bot.slash("class", group="quiz", sub="results", unit="week-1"))
    assert student[-1].content.startswith("🔒")


async def test_the_quizless_hint_promises_nothing_that_does_not_exist(with_llm, book_app, course) -> None:
    bot, _ = with_llm
    await book_app.quizzes.load_from_book(course, [])
    missing = await bot.send(bot.slash("quiz", unit="week-1"))
    assert missing[-1].content == (
        "⚠️ No quiz for unit 'week-1'. There is no quiz for this unit yet; your instructor can add one."
    )


async def test_an_unusable_reply_from_the_model_is_worded_and_saves_nothing(book_app, course) -> None:
    api = MockApi(
        raw_reply(200, b"".join(stream_events(["Sorry, I can't write that."], [])), "text/event-stream")
    )
    async with scripted_llm(api) as llm:
        book_app.quizzes = Quizzes(
            book_app.store,
            book_app.tracking,
            book_app.library.reader,
            llm,
            book_app.clock,
            quotas=book_app.quotas,
        )
        await book_app.quizzes.load_from_book(course, [])
        bot = await start_bot(book_app)
        try:
            calls = await bot.send(
                bot.slash("class", group="quiz", sub="generate", person=INSTRUCTOR, unit="week-1")
            )
            assert calls[-1].content == (
                "The AI model's quiz could not be used (the reply contains no JSON object); "
                "nothing was charged: try again."
            )
            assert not calls[-1].embeds and not calls[-1].components
            missing = await bot.send(bot.slash("quiz", unit="week-1"))
            assert "No quiz for unit 'week-1'" in missing[-1].content
        finally:
            await bot.bot.close()
    async with book_app.store.read() as s:
        assert await s.progress.quizzes(course.id, "week-1") == []
