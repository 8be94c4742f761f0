"""/class report, /class unanswered and /class leaderboard, for instructors only."""

from __future__ import annotations

import csv
import io

from tests.bot.harness import CHANNEL_ID, INSTRUCTOR, STUDENT, BotHarness, Channel

OFF_TOPIC = "What is the best recipe for Neapolitan pizza dough?"


async def _student_with_progress(book_app, course):
    ada = await book_app.accounts.resolve("discord", STUDENT.id, "Ada @everyone")
    await book_app.accounts.enroll(ada.id, course.id)
    unit = (await book_app.tracking.units(course))[0]
    await book_app.tracking.mark(ada, course, unit.id)
    return ada, unit


async def test_report_attaches_csv_files_that_parse(discord_bot: BotHarness, book_app, course) -> None:
    ada, unit = await _student_with_progress(book_app, course)
    await book_app.answers.ask(course, ada, OFF_TOPIC)
    calls = await discord_bot.send(discord_bot.slash("class", sub="report", person=INSTRUCTOR, kind="all"))
    assert calls[0].kind == 5 and calls[0].ephemeral
    sent = calls[-1]
    assert sent.ephemeral
    files = dict(sent.files)
    assert set(files) == {"sample-progress.csv", "sample-quizzes.csv", "sample-questions.csv"}
    progress = list(csv.DictReader(io.StringIO(files["sample-progress.csv"].decode())))
    mine = [r for r in progress if r["discord_id"] == STUDENT.id and r["unit"] == unit.id]
    assert mine and mine[0]["completed"] == "yes"
    questions = list(csv.DictReader(io.StringIO(files["sample-questions.csv"].decode())))
    assert [r["question"] for r in questions] == [OFF_TOPIC]


async def test_one_report_kind(discord_bot: BotHarness, book_app, course) -> None:
    await _student_with_progress(book_app, course)
    calls = await discord_bot.send(
        discord_bot.slash("class", sub="report", person=INSTRUCTOR, kind="quizzes", days=7)
    )
    assert [name for name, _ in calls[-1].files] == ["sample-quizzes.csv"]
    header = next(csv.reader(io.StringIO(calls[-1].files[0][1].decode())))
    assert header[:3] == ["student", "discord_id", "unit"]


async def test_report_bad_input_is_worded(discord_bot: BotHarness) -> None:
    bad_kind = await discord_bot.send(
        discord_bot.slash("class", sub="report", person=INSTRUCTOR, kind="grades")
    )
    assert bad_kind[-1].ephemeral and "is not a report" in bad_kind[-1].content
    bad_days = await discord_bot.send(
        discord_bot.slash("class", sub="report", person=INSTRUCTOR, kind="questions", days=0)
    )
    assert "1 to 3650" in bad_days[-1].content


async def test_unanswered_lists_what_the_book_did_not_cover(
    discord_bot: BotHarness, book_app, course
) -> None:
    ada, _ = await _student_with_progress(book_app, course)
    answer = await book_app.answers.ask(course, ada, OFF_TOPIC + " @everyone *bold*")
    assert not answer.covered
    calls = await discord_bot.send(discord_bot.slash("class", sub="unanswered", person=INSTRUCTOR, days=7))
    assert calls[-1].ephemeral
    text = calls[-1].text()
    assert "Neapolitan pizza dough" in text and "\\*bold\\*" in text  # markdown escaped
    assert "1 not covered" in text
    assert calls[-1].json["data"]["allowed_mentions"] == {"parse": []}


async def test_unanswered_stays_within_embed_limits(discord_bot: BotHarness, book_app, course) -> None:
    ada, _ = await _student_with_progress(book_app, course)
    await book_app.courses.configure("sample", hourly_question_quota=0)
    for i in range(30):
        await book_app.answers.ask(course, ada, f"{OFF_TOPIC} Variation {i}: " + "knead " * 60)
    calls = await discord_bot.send(discord_bot.slash("class", sub="unanswered", person=INSTRUCTOR))
    embed = calls[-1].embeds[0]
    assert len(embed["description"]) <= 4096
    assert "more (see `/class report questions`)" in embed["description"]


async def test_unanswered_with_a_bad_day_count(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(
        discord_bot.slash("class", sub="unanswered", person=INSTRUCTOR, days=99999)
    )
    assert calls[-1].content.startswith("⚠️")


async def test_leaderboard_is_posted_to_the_chosen_channel(discord_bot: BotHarness, book_app, course) -> None:
    await _student_with_progress(book_app, course)
    calls = await discord_bot.send(
        discord_bot.slash(
            "class", sub="leaderboard", person=INSTRUCTOR, channel=Channel("740000000000000001")
        )
    )
    posted = [c for c in calls if c.path == "/channels/740000000000000001/messages"]
    assert len(posted) == 1
    assert posted[0].json["allowed_mentions"] == {"parse": []}
    assert [name for name, _ in posted[0].files] == ["leaderboard.png"]
    assert posted[0].files[0][1].startswith(b"\x89PNG")
    board = posted[0].text()
    assert "**#1** Ada @\u200beveryone" in board  # the name cannot ping
    assert calls[-1].ephemeral and "<#740000000000000001>" in calls[-1].content


async def test_leaderboard_goes_to_the_configured_channel_else_here(
    discord_bot: BotHarness, book_app
) -> None:
    here = await discord_bot.send(discord_bot.slash("class", sub="leaderboard", person=INSTRUCTOR))
    assert any(c.path == f"/channels/{CHANNEL_ID}/messages" for c in here)
    await book_app.courses.set_leaderboard_channel(
        (await book_app.courses.binding("700000000000000001")).guild_id, "750000000000000001"
    )
    configured = await discord_bot.send(discord_bot.slash("class", sub="leaderboard", person=INSTRUCTOR))
    assert any(c.path == "/channels/750000000000000001/messages" for c in configured)
    assert "No one on the board yet" in next(c for c in configured if c.path.startswith("/channels")).text()


async def test_students_are_refused_every_class_command(discord_bot: BotHarness) -> None:
    for sub, options in (("report", {"kind": "all"}), ("unanswered", {}), ("leaderboard", {})):
        calls = await discord_bot.send(discord_bot.slash("class", sub=sub, person=STUDENT, **options))
        assert len(calls) == 1 and calls[0].ephemeral and calls[0].content.startswith("🔒"), sub
