"""/quiz: one question at a time through persistent buttons, then the score and explanations."""

from __future__ import annotations

import dataclasses

from core.app import App
from core.models.accounts import Course
from tests.bot.harness import OTHER_STUDENT, STUDENT, BotHarness, start_bot

# The sample week-1 quiz's right answers, by choice index.
WEEK_1 = [0, 1, 2, 1, 2]


def choice(call, index: int) -> str:
    """The custom id of the button for choice `index` of the question shown."""
    buttons = [b for row in call.components for b in row["components"]]
    return buttons[index]["custom_id"]


async def answer(bot: BotHarness, call, picks: list[int]):
    for pick in picks:
        [call] = await bot.send(bot.click(bot.message(call), choice(call, pick)))
        assert call.kind == 7
    return call


async def attempts(app: App, course: Course) -> list[dict]:
    async with app.store.read() as s:
        return [dict(r) for r in await s.progress.attempts(course.id)]


async def test_a_quiz_end_to_end_with_a_wrong_answer(discord_bot: BotHarness, book_app: App, course) -> None:
    calls = await discord_bot.send(discord_bot.slash("quiz", unit="week-1"))
    first = calls[-1]
    assert first.ephemeral
    assert first.embeds[0]["title"] == "Week 1 — Bipedal Balance — question 1/5"
    assert "controlled falling" in first.embeds[0]["description"]
    buttons = [b for row in first.components for b in row["components"]]
    assert len(buttons) == 3 and all(len(row["components"]) <= 5 for row in first.components)
    assert all(len(b["custom_id"]) <= 100 for b in buttons)

    picks = WEEK_1[:3] + [0] + WEEK_1[4:]  # question 4 wrong: "It moves forward"
    shown = await answer(discord_bot, first, picks[:1])
    assert shown.embeds[0]["title"].endswith("question 2/5")
    done = await answer(discord_bot, shown, picks[1:])
    result = done.embeds[0]
    assert result["title"] == "Week 1 — Bipedal Balance: 4/5 right (80%)"
    assert not done.components  # no more buttons
    text = result["description"]
    assert "❌ **4." in text and "Your answer: It moves forward" in text
    assert "Right answer: **It moves backward**" in text
    assert "com_x - (com_height / g) * com_acc_x" in text  # the explanation
    assert text.count("✅") == 4

    [attempt] = await attempts(book_app, course)
    assert attempt["unit_key"] == "week-1" and float(attempt["score"]) == 80.0
    user = await book_app.accounts.find("discord", STUDENT.id)
    units = {u.unit_id: u for u in (await book_app.tracking.show(user, course)).units}
    assert units["week-1"].best_quiz_score == 80.0


async def test_a_half_done_quiz_survives_a_restart(discord_bot: BotHarness, book_app: App, course) -> None:
    calls = await discord_bot.send(discord_bot.slash("quiz", unit="week-1"))
    halfway = await answer(discord_bot, calls[-1], WEEK_1[:3])
    message = discord_bot.message(halfway)
    await discord_bot.bot.close()
    fresh = await start_bot(book_app)
    fresh.http.messages.update(discord_bot.http.messages)
    try:
        [fourth] = await fresh.send(fresh.click(message, choice(halfway, WEEK_1[3])))
        assert fourth.embeds[0]["title"].endswith("question 5/5")
        done = await answer(fresh, fourth, WEEK_1[4:])
        assert done.embeds[0]["title"].endswith("5/5 right (100%)")
    finally:
        await fresh.bot.close()
    [attempt] = await attempts(book_app, course)
    assert float(attempt["score"]) == 100.0


async def test_only_the_quiz_taker_can_answer(discord_bot: BotHarness, book_app: App, course) -> None:
    calls = await discord_bot.send(discord_bot.slash("quiz", unit="week-1"))
    refused = await discord_bot.send(
        discord_bot.click(discord_bot.message(calls[-1]), choice(calls[-1], 0), person=OTHER_STUDENT)
    )
    assert len(refused) == 1 and refused[0].ephemeral and "belongs to someone else" in refused[0].content
    assert discord_bot.message(calls[-1])["embeds"] == calls[-1].embeds  # the question did not move
    assert not await attempts(book_app, course)


async def test_unknown_units_and_quizless_units_are_worded(discord_bot: BotHarness, book_app, course) -> None:
    unknown = await discord_bot.send(discord_bot.slash("quiz", unit="week-12"))
    assert unknown[-1].ephemeral and "No unit 'week-12'" in unknown[-1].content
    await book_app.quizzes.load_from_book(course, [])  # the instructor removed every quiz
    missing = await discord_bot.send(discord_bot.slash("quiz", unit="week-1"))
    assert missing[-1].ephemeral and "No quiz for unit 'week-1'" in missing[-1].content


async def test_quiz_unit_autocomplete(discord_bot: BotHarness) -> None:
    found = await discord_bot.send(discord_bot.slash("quiz", focused="unit", unit="balance"))
    assert [c["value"] for c in found[0].json["data"]["choices"]] == ["week-1"]


async def test_the_last_answer_pressed_twice_records_one_attempt(
    discord_bot: BotHarness, book_app: App, course
) -> None:
    calls = await discord_bot.send(discord_bot.slash("quiz", unit="week-1"))
    last = await answer(discord_bot, calls[-1], WEEK_1[:4])
    stale = discord_bot.message(last)  # what a slow client still shows after the first press
    [first] = await discord_bot.send(discord_bot.click(stale, choice(last, WEEK_1[4])))
    [second] = await discord_bot.send(discord_bot.click(stale, choice(last, WEEK_1[4])))
    assert first.embeds[0]["title"].endswith("5/5 right (100%)")
    assert discord_bot.message(second)["embeds"][0]["title"].endswith("5/5 right (100%)")
    assert len(await attempts(book_app, course)) == 1
    again = await discord_bot.send(discord_bot.slash("quiz", unit="week-1"))  # a new attempt: counted
    await answer(discord_bot, again[-1], WEEK_1)
    assert len(await attempts(book_app, course)) == 2


async def test_a_quiz_changed_mid_attempt_says_start_again(
    discord_bot: BotHarness, book_app: App, course
) -> None:
    calls = await discord_bot.send(discord_bot.slash("quiz", unit="week-1"))
    halfway = await answer(discord_bot, calls[-1], WEEK_1[:2])
    quiz = await book_app.quizzes.quiz(course, "week-1")
    shorter = dataclasses.replace(quiz, questions=quiz.questions[:2])  # the instructor cut it to 2
    await book_app.quizzes.load_from_book(course, [shorter])
    [refused] = await discord_bot.send(discord_bot.click(discord_bot.message(halfway), choice(halfway, 0)))
    assert refused.ephemeral
    assert "This quiz changed since you started it: start it again with /quiz." in refused.content
    assert not await attempts(book_app, course)
