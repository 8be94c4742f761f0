"""Looking creates nothing (the board, autocomplete), server nicknames on boards, course-bound tokens."""

from __future__ import annotations

import re

import pytest

from core.errors import NotFound
from tests.bot.harness import OTHER_STUDENT, STUDENT, BotHarness, Person
from tests.bot.test_tokens import create

SECOND_GUILD = "700000000000000002"
NICKNAMED = Person("800000000000000005", "xX_ada_Xx", nick="Ada Lovelace (Section 2)")


async def users(app) -> int:
    async with app.db.transaction() as conn:
        return await conn.fetchval("SELECT COUNT(*) FROM users")


async def test_a_student_who_only_looks_at_the_board_is_not_on_it(
    discord_bot: BotHarness, book_app, course
) -> None:
    await discord_bot.send(discord_bot.slash("complete", person=OTHER_STUDENT, unit="week-1"))
    calls = await discord_bot.send(discord_bot.slash("leaderboard"))
    board = next(c for c in calls if c.embeds).text()
    assert "Grace" in board and "Ada" not in board
    with pytest.raises(NotFound):
        await book_app.accounts.find("discord", STUDENT.id)
    assert (await book_app.leaderboards.board(course)).students == 1


async def test_autocomplete_creates_no_account_and_renames_nobody(discord_bot: BotHarness, book_app) -> None:
    await discord_bot.send(discord_bot.slash("complete", person=OTHER_STUDENT, unit="week-1"))
    before = await users(book_app)
    lurker = Person("800000000000000007", "Lurker")
    for person in (lurker, Person(OTHER_STUDENT.id, "Grace Renamed")):
        suggested = await discord_bot.send(
            discord_bot.slash("read", person=person, chapter="sens", focused="chapter")
        )
        assert suggested[0].json["data"]["choices"], "autocomplete still suggests chapters"
        await discord_bot.send(discord_bot.slash("complete", person=person, unit="we", focused="unit"))
        await discord_bot.send(
            discord_bot.slash("token", sub="revoke", person=person, token="x", focused="token")
        )
    assert await users(book_app) == before
    assert (await book_app.accounts.find("discord", OTHER_STUDENT.id)).display_name == "Grace"


async def test_boards_show_each_servers_nickname(discord_bot: BotHarness, book_app, clock) -> None:
    await book_app.courses.create("robotics-2", "Robotics II")
    await book_app.courses.bind_guild("robotics-2", SECOND_GUILD)
    await discord_bot.send(discord_bot.slash("complete", person=NICKNAMED, unit="week-1"))
    elsewhere = Person(NICKNAMED.id, NICKNAMED.name, nick="Ada L.")
    await discord_bot.send(discord_bot.slash("leaderboard", person=elsewhere, guild=SECOND_GUILD))
    await discord_bot.send(discord_bot.slash("privacy", sub="export", person=elsewhere, guild=SECOND_GUILD))
    # Ada joins the second class by doing something there (the board alone would not enrol her).
    await discord_bot.send(discord_bot.slash("progress", person=elsewhere, guild=SECOND_GUILD))
    first = next(c for c in await discord_bot.send(discord_bot.slash("leaderboard")) if c.embeds).text()
    clock.advance(minutes=1)  # the fake's two servers share a channel id; a student posts once a minute
    second = next(
        c for c in await discord_bot.send(discord_bot.slash("leaderboard", guild=SECOND_GUILD)) if c.embeds
    ).text()
    assert "Ada Lovelace (Section 2)" in first and "xX" not in first and "Ada L." not in first
    assert "Ada L." in second and "Section 2" not in second
    course = await book_app.courses.get("sample")
    report = await book_app.reports.csv(course, "progress")
    assert "Ada Lovelace (Section 2)" in report and "xX_ada_Xx" not in report


async def test_a_token_made_in_a_server_is_for_its_course(discord_bot: BotHarness, book_app, course) -> None:
    made = await discord_bot.send(create(discord_bot, "laptop"))
    assert "Sample Book" in made[-1].content
    secret = re.search(r"```\n(sth_\S+)\n```", made[-1].content).group(1)
    user, record = await book_app.tokens.verify(secret)
    assert record.course_id == course.id
    # Making a token in the class's server is using Studyhall there: its maker is in the course.
    assert (await book_app.accounts.enrollment(user.id, course.id)).role == "student"
    everywhere = await discord_bot.send(create(discord_bot, "desktop", all_courses=True))
    assert "every course" in everywhere[-1].content
    listed = (await discord_bot.send(discord_bot.slash("token", sub="list")))[0].text()
    laptop, desktop = (next(line for line in listed.splitlines() if n in line) for n in ("laptop", "desktop"))
    assert "Sample Book" in laptop and "every course" in desktop


async def test_looking_at_your_own_pages_creates_no_account(discord_bot: BotHarness, book_app) -> None:
    before = await users(book_app)
    # In a DM (in a class's server, /profile show is using Studyhall there: test_onboarding).
    profile = await discord_bot.send(discord_bot.slash("profile", sub="show", dm=True))
    assert profile[-1].ephemeral and profile[-1].embeds
    history = await discord_bot.send(discord_bot.slash("history"))
    assert "no conversations yet" in history[-1].content
    tokens = await discord_bot.send(discord_bot.slash("token", sub="list"))
    assert "no tokens yet" in tokens[-1].content
    assert await users(book_app) == before


async def test_a_passer_by_pressing_a_public_answers_buttons_gets_no_account(
    discord_bot: BotHarness, book_app
) -> None:
    calls = await discord_bot.send(discord_bot.slash("ask", question="What is the zero moment point?"))
    reply = next(c for c in calls if c.path.startswith("/webhooks") and c.embeds)
    message = discord_bot.message(reply)
    answer = next(i for i in reply.custom_ids() if i.startswith("sh:ask:rate:up:")).rsplit(":", 1)[1]
    before = await users(book_app)
    passer_by = Person("800000000000000008", "Passer-by")
    rated = await discord_bot.send(discord_bot.click(message, f"sh:ask:rate:up:{answer}", person=passer_by))
    assert rated[0].ephemeral and "Only the person who asked" in rated[0].content
    followed = await discord_bot.send(discord_bot.click(message, f"sh:ask:follow:{answer}", person=passer_by))
    assert followed[0].ephemeral and "Only the person who asked" in followed[0].content
    assert await users(book_app) == before
