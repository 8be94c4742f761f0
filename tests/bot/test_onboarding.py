"""/help by role and place, the first-use welcome, the DM course a student picks, and identity as
the server knows it — all through the real command tree, asserting on what Discord shows."""

from __future__ import annotations

import csv
import io

import discord
import pytest
from discord import app_commands

from core.errors import NotFound
from tests.bot.harness import CHANNEL_ID, INSTRUCTOR, OTHER_STUDENT, STUDENT, BotHarness, Person, start_bot

SECOND_GUILD = "700000000000000002"
WELCOME = "Welcome to the sample class! Office hours are on Tuesdays."
LURKER = Person("800000000000000007", "Lurker")
NICKNAMED = Person("800000000000000005", "xX_ada_Xx", nick="Ada Lovelace (Section 2)")


async def users(app) -> int:
    async with app.db.transaction() as conn:
        return await conn.fetchval("SELECT COUNT(*) FROM users")


@pytest.fixture
async def greeting_bot(book_app):
    """The bot as it runs for real: newcomers are welcomed on their first command in a course."""
    harness = await start_bot(book_app, greet=True)
    try:
        yield harness
    finally:
        await harness.bot.close()


@pytest.fixture
async def second_course(book_app):
    await book_app.courses.create("robotics-2", "Robotics II")
    await book_app.courses.bind_guild("robotics-2", SECOND_GUILD)
    return await book_app.courses.get("robotics-2")


def shown(calls) -> str:
    return "\n".join(c.text() for c in calls)


# /help -------------------------------------------------------------------------------------------


async def test_help_shows_a_student_their_commands_and_the_welcome_privately(
    discord_bot: BotHarness, book_app
) -> None:
    await book_app.courses.configure("sample", welcome_text=WELCOME)
    calls = await discord_bot.send(discord_bot.slash("help"))
    message = discord_bot.message(calls[-1])
    assert message["flags"] & 64, "help is shown to the caller only"
    text = calls[-1].text()
    assert WELCOME in text and "Sample Book" in text
    for command in ("/ask", "/read", "/search", "/progress", "/leaderboard", "/profile set", "/courses"):
        assert command in text, command
    for staff_only in ("/course config", "/book ingest", "/class report"):
        assert staff_only not in text, staff_only
    assert discord_bot.http.in_channel(CHANNEL_ID) == [], "nothing of it is public"


async def test_help_shows_staff_their_commands_too(discord_bot: BotHarness) -> None:
    text = (await discord_bot.send(discord_bot.slash("help", person=INSTRUCTOR)))[-1].text()
    for command in ("/ask", "/course config", "/book ingest", "/class report"):
        assert command in text, command


async def test_help_lists_what_the_command_tree_has_now(discord_bot: BotHarness) -> None:
    async def brand_new(interaction: discord.Interaction) -> None:
        pass

    discord_bot.bot.tree.add_command(
        app_commands.Command(name="brandnew", description="A command added today", callback=brand_new)
    )
    text = (await discord_bot.send(discord_bot.slash("help")))[-1].text()
    assert "/brandnew" in text and "A command added today" in text


async def test_help_in_a_dm_lists_what_works_in_dms_for_the_dm_course(discord_bot: BotHarness) -> None:
    await discord_bot.send(discord_bot.slash("progress"))
    calls = await discord_bot.send(discord_bot.slash("help", dm=True))
    text = calls[-1].text()
    assert "Sample Book" in text and "/ask" in text and "/courses" in text
    assert "/course config" not in text and "/class report" not in text


async def test_help_and_the_board_make_no_account(discord_bot: BotHarness, book_app, course) -> None:
    await discord_bot.send(discord_bot.slash("complete", person=OTHER_STUDENT, unit="week-1"))
    before = await users(book_app)
    assert "/ask" in (await discord_bot.send(discord_bot.slash("help", person=LURKER)))[-1].text()
    calls = await discord_bot.send(discord_bot.slash("leaderboard", person=LURKER))
    board = next(c for c in calls if c.embeds).text()
    assert "Lurker" not in board and "Grace" in board
    listed = await discord_bot.send(discord_bot.slash("courses", person=LURKER))
    assert "not in any class yet" in listed[-1].text()
    await discord_bot.send(discord_bot.slash("courses", person=LURKER, use="sa", focused="use"))
    assert await users(book_app) == before
    with pytest.raises(NotFound):
        await book_app.accounts.find("discord", LURKER.id)


# the first-use welcome ------------------------------------------------------------------------------


async def test_a_newcomer_is_welcomed_once_per_course(
    greeting_bot: BotHarness, book_app, second_course
) -> None:
    await book_app.courses.configure("sample", welcome_text=WELCOME)
    first = await greeting_bot.send(greeting_bot.slash("progress"))
    welcome = [c for c in first if WELCOME in c.text()]
    assert len(welcome) == 1 and "/help" in welcome[0].text()
    assert greeting_bot.message(welcome[0])["flags"] & 64, "the welcome is for the newcomer only"
    assert WELCOME not in shown(await greeting_bot.send(greeting_bot.slash("progress")))
    restarted = await greeting_bot.restarted()
    assert WELCOME not in shown(await restarted.send(restarted.slash("read", chapter="index.md")))
    # Another class greets the same student once too (with its own, empty, welcome text).
    elsewhere = await restarted.send(restarted.slash("progress", guild=SECOND_GUILD))
    assert "Welcome to Robotics II" in shown(elsewhere) and WELCOME not in shown(elsewhere)
    await restarted.bot.close()


async def test_help_counts_as_the_welcome(greeting_bot: BotHarness, book_app, course) -> None:
    await book_app.courses.configure("sample", welcome_text=WELCOME)
    ada = await book_app.accounts.resolve("discord", STUDENT.id, STUDENT.name)
    await book_app.accounts.enroll(ada.id, course.id)  # enrolled by the operator, never welcomed
    helped = await greeting_bot.send(greeting_bot.slash("help"))
    assert len(helped) == 1 and WELCOME in helped[0].text()
    assert WELCOME not in shown(await greeting_bot.send(greeting_bot.slash("progress")))


async def test_a_failed_first_command_does_not_use_up_the_welcome(greeting_bot: BotHarness, book_app) -> None:
    await book_app.courses.configure("sample", welcome_text=WELCOME)
    refused = await greeting_bot.send(greeting_bot.slash("complete", unit="no-such-unit"))
    assert WELCOME not in shown(refused)
    assert WELCOME in shown(await greeting_bot.send(greeting_bot.slash("progress")))


# the DM course --------------------------------------------------------------------------------------


async def test_visiting_another_server_does_not_move_dms(discord_bot: BotHarness, second_course) -> None:
    await discord_bot.send(discord_bot.slash("progress"))
    await discord_bot.send(discord_bot.slash("progress", guild=SECOND_GUILD))
    dm = await discord_bot.send(discord_bot.slash("progress", dm=True))
    first_line = dm[-1].content.splitlines()[0]
    assert "Sample Book" in first_line and "Robotics II" not in first_line


async def test_a_student_picks_their_dm_course_and_it_lasts(discord_bot: BotHarness, second_course) -> None:
    await discord_bot.send(discord_bot.slash("progress"))
    await discord_bot.send(discord_bot.slash("progress", guild=SECOND_GUILD))
    listed = (await discord_bot.send(discord_bot.slash("courses", dm=True)))[-1]
    assert "Sample Book" in listed.text() and "Robotics II" in listed.text()
    suggested = await discord_bot.send(discord_bot.slash("courses", dm=True, use="rob", focused="use"))
    assert [c["value"] for c in suggested[0].json["data"]["choices"]] == ["robotics-2"]
    picked = await discord_bot.send(discord_bot.slash("courses", dm=True, use="robotics-2"))
    assert "Robotics II" in picked[-1].text()
    restarted = await discord_bot.restarted()
    await restarted.send(restarted.slash("progress"))  # using the first server again moves nothing
    dm = await restarted.send(restarted.slash("progress", dm=True))
    assert "Robotics II" in dm[-1].content.splitlines()[0]
    await restarted.bot.close()


async def test_another_courses_slug_is_refused_as_if_it_did_not_exist(
    discord_bot: BotHarness, book_app, second_course
) -> None:
    await discord_bot.send(discord_bot.slash("progress"))
    secret = await discord_bot.send(discord_bot.slash("courses", use="robotics-2"))
    missing = await discord_bot.send(discord_bot.slash("courses", use="no-such-course"))
    assert secret[-1].ephemeral and missing[-1].ephemeral
    assert secret[-1].text().replace("robotics-2", "X") == missing[-1].text().replace("no-such-course", "X")
    assert "Robotics II" not in secret[-1].text()
    suggested = await discord_bot.send(discord_bot.slash("courses", use="rob", focused="use"))
    assert suggested[0].json["data"]["choices"] == []
    user = await book_app.accounts.find("discord", STUDENT.id)
    assert await book_app.accounts.enrollment(user.id, second_course.id) is None


async def test_profile_show_in_a_server_lets_dms_know_the_course(discord_bot: BotHarness) -> None:
    await discord_bot.send(discord_bot.slash("profile", sub="show"))
    dm = await discord_bot.send(discord_bot.slash("progress", dm=True))
    assert "Sample Book" in dm[-1].content.splitlines()[0]
    assert "don't know your course" not in dm[-1].text()


async def test_every_dm_answer_names_its_course(discord_bot: BotHarness) -> None:
    await discord_bot.send(discord_bot.slash("progress"))
    for payload in (
        discord_bot.slash("ask", dm=True, question="What is the zero moment point?"),
        discord_bot.slash("search", dm=True, query="balance"),
        discord_bot.slash("read", dm=True, chapter="index.md"),
    ):
        calls = await discord_bot.send(payload)
        last = discord_bot.message(calls[-1])
        assert "Sample Book" in (last.get("content") or "").splitlines()[0], payload["data"]["name"]


# identity ----------------------------------------------------------------------------------------


async def test_class_report_uses_the_server_nickname(discord_bot: BotHarness) -> None:
    await discord_bot.send(discord_bot.slash("complete", person=NICKNAMED, unit="week-1"))
    board = next(c for c in await discord_bot.send(discord_bot.slash("leaderboard")) if c.embeds).text()
    assert "Ada Lovelace (Section 2)" in board and "xX" not in board
    sent = (
        await discord_bot.send(discord_bot.slash("class", sub="report", person=INSTRUCTOR, kind="progress"))
    )[-1]
    rows = list(csv.DictReader(io.StringIO(dict(sent.files)["sample-progress.csv"].decode())))
    names = " ".join(" ".join(row.values()) for row in rows)
    assert "Ada Lovelace (Section 2)" in names and "xX_ada_Xx" not in names


async def test_a_dm_course_picked_for_the_student_is_said_once(
    discord_bot: BotHarness, book_app, course
) -> None:
    # Enrolled by the operator, never having used a server: the first DM picks the course and says so.
    ada = await book_app.accounts.resolve("discord", STUDENT.id, STUDENT.name)
    await book_app.accounts.enroll(ada.id, course.id)
    first = (await discord_bot.send(discord_bot.slash("progress", dm=True)))[-1].content.splitlines()[0]
    assert "Sample Book" in first and "/courses use:" in first
    second = (await discord_bot.send(discord_bot.slash("progress", dm=True)))[-1].content.splitlines()[0]
    assert "Sample Book" in second and "/courses" not in second
