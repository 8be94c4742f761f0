"""Binding a server to a course, attacked through the real command tree: an admin of an unrelated
server, a TA with a server of their own, one-time codes from the operator, and rebinding."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from core.app import App
from tests.bot.harness import GUILD_ID, INSTRUCTOR, STUDENT, BotHarness, Person

STRANGER = Person("800000000000000777", "Stranger", staff=True)  # Manage Server in their own server
HELPER = Person("800000000000000555", "Tom the TA", staff=True)
STRANGER_GUILD = "700000000000000777"
HELPER_GUILD = "700000000000000555"
CLASS_GUILD = "700000000000000003"


async def _cli_made_course(app: App) -> None:
    """`studyhall course create robotics` and a class server with a student's question, as in the review."""
    await app.courses.create("robotics", "Robotics")
    await app.courses.bind_guild("robotics", CLASS_GUILD)
    course = await app.courses.get("robotics")
    ada = await app.accounts.resolve("discord", STUDENT.id, STUDENT.name)
    await app.accounts.enter_course(ada.id, course.id)


async def _role(app: App, person: Person, slug: str) -> str | None:
    user = await app.accounts.find("discord", person.id)
    enrollment = await app.accounts.enrollment(user.id, (await app.courses.get(slug)).id)
    return enrollment.role if enrollment else None


def _click_in(bot: BotHarness, guild: str, message: dict, custom_id: str, person: Person) -> dict:
    """A button press on a message in `guild` (the harness presses in the test server)."""
    payload = bot.click(message, custom_id, person=person)
    payload["guild_id"] = payload["channel"]["guild_id"] = guild
    payload["authorizing_integration_owners"] = {"0": guild}
    return payload


def _setup(bot: BotHarness, person: Person, guild: str, slug: str, **options) -> dict:
    return bot.slash("course", sub="setup", person=person, guild=guild, slug=slug, **options)


async def test_a_stranger_cannot_claim_a_course_made_from_the_cli(discord_bot: BotHarness, book_app) -> None:
    await _cli_made_course(book_app)
    calls = await discord_bot.send(_setup(discord_bot, STRANGER, STRANGER_GUILD, "robotics"))
    assert calls[-1].ephemeral and calls[-1].content.startswith("🔒")
    assert "studyhall course bind-code robotics" in calls[-1].content
    assert await book_app.accounts.instructors((await book_app.courses.get("robotics")).id) == []
    assert await _role(book_app, STRANGER, "robotics") is None
    # …and gets nothing of the class afterwards, in either server.
    for guild in (STRANGER_GUILD, CLASS_GUILD):
        report = await discord_bot.send(
            discord_bot.slash("class", sub="report", person=STRANGER, guild=guild, kind="questions")
        )
        assert report[-1].ephemeral and not report[-1].files
        assert "questions for" not in report[-1].content
    assert (await book_app.courses.binding(CLASS_GUILD)).course_id == (
        await book_app.courses.get("robotics")
    ).id


async def test_a_ta_cannot_make_themselves_instructor_with_a_server_of_their_own(
    discord_bot: BotHarness, book_app
) -> None:
    course = await book_app.courses.create("taught", "Taught course")
    teacher = await book_app.accounts.find("discord", INSTRUCTOR.id)
    await book_app.accounts.set_role(teacher.id, course.id, "instructor", surface="cli")
    tom = await book_app.accounts.resolve("discord", HELPER.id, HELPER.name)
    await book_app.accounts.set_role(tom.id, course.id, "ta", surface="cli")
    calls = await discord_bot.send(_setup(discord_bot, HELPER, HELPER_GUILD, "taught"))
    assert calls[-1].ephemeral and calls[-1].content.startswith("🔒")
    assert "instructors" in calls[-1].content
    assert await _role(book_app, HELPER, "taught") == "ta"
    with pytest.raises(Exception, match="No course for this server"):
        await book_app.courses.for_guild(HELPER_GUILD)


async def test_an_instructor_binds_a_second_server_and_keeps_their_role(
    discord_bot: BotHarness, book_app
) -> None:
    roles_before = await _events(book_app, "role_changed")
    calls = await discord_bot.send(_setup(discord_bot, INSTRUCTOR, "700000000000000002", "sample"))
    assert calls[-1].ephemeral and calls[-1].content.startswith("✅")
    assert "you are its instructor" in calls[-1].content
    assert await book_app.courses.guild_ids("sample") == [GUILD_ID, "700000000000000002"]
    assert await _role(book_app, INSTRUCTOR, "sample") == "instructor"
    assert await _events(book_app, "role_changed") == roles_before
    bound = [e for e in await _events(book_app, "guild_bound") if e.surface == "discord"]
    assert [(e.details["guild_id"], e.details["via"]) for e in bound] == [
        ("700000000000000002", "instructor")
    ]


async def _events(app: App, event: str) -> list:
    async with app.store.read() as s:
        return await s.audit.recent(100, event)


async def test_a_ta_stays_ta_when_binding_again_in_the_same_state(discord_bot: BotHarness, book_app) -> None:
    """A TA may not bind even the course's own server again: binding is for instructors."""
    tom = await book_app.accounts.resolve("discord", HELPER.id, HELPER.name)
    await book_app.accounts.set_role(tom.id, (await book_app.courses.get("sample")).id, "ta", surface="cli")
    calls = await discord_bot.send(_setup(discord_bot, HELPER, HELPER_GUILD, "sample"))
    assert calls[-1].content.startswith("🔒")
    assert await _role(book_app, HELPER, "sample") == "ta"


# one-time codes ----------------------------------------------------------------------------------


async def test_a_code_binds_once_and_makes_the_first_instructor(discord_bot: BotHarness, book_app) -> None:
    await _cli_made_course(book_app)
    issued = await book_app.bind_codes.create("robotics", expires_in=timedelta(hours=24))
    used = await discord_bot.send(_setup(discord_bot, STRANGER, STRANGER_GUILD, "robotics", code=issued.code))
    assert used[-1].ephemeral and used[-1].content.startswith("✅"), used[-1].content
    assert "you are its instructor" in used[-1].content
    assert await _role(book_app, STRANGER, "robotics") == "instructor"
    assert (await book_app.courses.for_guild(STRANGER_GUILD)).slug == "robotics"
    # The same code again, by someone else in yet another server: refused.
    again = await discord_bot.send(_setup(discord_bot, HELPER, HELPER_GUILD, "robotics", code=issued.code))
    assert again[-1].ephemeral and again[-1].content.startswith("🔒")
    assert "wrong, expired or already used" in again[-1].content
    assert await _role(book_app, HELPER, "robotics") is None
    async with book_app.store.read() as s:
        events = [e.event for e in await s.audit.recent(20)]
    assert {"bind_code_created", "bind_code_used", "guild_bound", "bind_code_refused"} <= set(events)


async def test_an_expired_or_wrong_code_is_refused_in_one_message(
    discord_bot: BotHarness, book_app, clock
) -> None:
    await _cli_made_course(book_app)
    issued = await book_app.bind_codes.create("robotics", expires_in=timedelta(hours=1))
    wrong = await discord_bot.send(
        _setup(discord_bot, STRANGER, STRANGER_GUILD, "robotics", code="not-the-code-at-all!")
    )
    clock.advance(hours=2)
    expired = await discord_bot.send(
        _setup(discord_bot, STRANGER, STRANGER_GUILD, "robotics", code=issued.code)
    )
    assert wrong[-1].content == expired[-1].content
    assert expired[-1].ephemeral and "wrong, expired or already used" in expired[-1].content
    assert await _role(book_app, STRANGER, "robotics") is None
    assert await book_app.accounts.instructors((await book_app.courses.get("robotics")).id) == []


async def test_a_code_for_one_course_does_not_open_another(discord_bot: BotHarness, book_app) -> None:
    await _cli_made_course(book_app)
    await book_app.courses.create("other", "Other")
    issued = await book_app.bind_codes.create("other")
    calls = await discord_bot.send(
        _setup(discord_bot, STRANGER, STRANGER_GUILD, "robotics", code=issued.code)
    )
    assert calls[-1].content.startswith("🔒")
    assert await _role(book_app, STRANGER, "robotics") is None


async def test_guessing_codes_is_slowed_down(discord_bot: BotHarness, book_app, clock) -> None:
    await _cli_made_course(book_app)
    issued = await book_app.bind_codes.create("robotics")
    for n in range(5):
        guess = await discord_bot.send(
            _setup(discord_bot, STRANGER, STRANGER_GUILD, "robotics", code=f"guess-number-{n:08d}")
        )
        assert "wrong, expired or already used" in guess[-1].content
    limited = await discord_bot.send(
        _setup(discord_bot, STRANGER, STRANGER_GUILD, "robotics", code=issued.code)
    )
    assert limited[-1].ephemeral and limited[-1].content.startswith("⏳"), limited[-1].content
    assert await _role(book_app, STRANGER, "robotics") is None
    clock.advance(hours=1)
    works = await discord_bot.send(
        _setup(discord_bot, STRANGER, STRANGER_GUILD, "robotics", code=issued.code)
    )
    assert works[-1].content.startswith("✅")


async def test_a_ta_with_a_code_binds_but_stays_ta(discord_bot: BotHarness, book_app) -> None:
    """A code opens a binding; it makes an instructor only of a course that has none."""
    tom = await book_app.accounts.resolve("discord", HELPER.id, HELPER.name)
    await book_app.accounts.set_role(tom.id, (await book_app.courses.get("sample")).id, "ta", surface="cli")
    issued = await book_app.bind_codes.create("sample")
    calls = await discord_bot.send(_setup(discord_bot, HELPER, HELPER_GUILD, "sample", code=issued.code))
    assert calls[-1].content.startswith("✅") and "TA" in calls[-1].content
    assert await _role(book_app, HELPER, "sample") == "ta"
    assert (await book_app.courses.for_guild(HELPER_GUILD)).slug == "sample"


async def test_two_servers_racing_for_one_code_make_one_winner(discord_bot: BotHarness, book_app) -> None:
    await _cli_made_course(book_app)
    issued = await book_app.bind_codes.create("robotics")
    first = _setup(discord_bot, STRANGER, STRANGER_GUILD, "robotics", code=issued.code)
    second = _setup(discord_bot, HELPER, HELPER_GUILD, "robotics", code=issued.code)
    start = len(discord_bot.http.calls)
    await asyncio.gather(discord_bot.send(first), discord_bot.send(second))
    replies = [c.content for c in discord_bot.http.calls[start:] if c.kind == 4]
    assert sorted(r[0] for r in replies) == ["✅", "🔒"], replies
    assert len(await book_app.accounts.instructors((await book_app.courses.get("robotics")).id)) == 1


# rebinding ----------------------------------------------------------------------------------------


async def test_rebinding_asks_first_and_only_the_caller_confirms(discord_bot: BotHarness, book_app) -> None:
    await book_app.courses.create("robotics", "Robotics")
    teacher = await book_app.accounts.find("discord", INSTRUCTOR.id)
    await book_app.accounts.set_role(
        teacher.id, (await book_app.courses.get("robotics")).id, "instructor", surface="cli"
    )
    asked = await discord_bot.send(_setup(discord_bot, INSTRUCTOR, GUILD_ID, "robotics"))
    assert asked[-1].ephemeral and "Sample Book" in asked[-1].content and "Robotics" in asked[-1].content
    assert (await book_app.courses.for_guild(GUILD_ID)).slug == "sample"  # nothing moved yet
    confirm = next(i for i in asked[-1].custom_ids() if i.startswith("sh:bind:ok:"))
    cancel = next(i for i in asked[-1].custom_ids() if i.startswith("sh:bind:no:"))
    message = discord_bot.message(asked[-1])

    other_admin = Person("800000000000000444", "Other admin", staff=True)
    stolen = await discord_bot.send(discord_bot.click(message, confirm, person=other_admin))
    assert stolen[-1].ephemeral and "Only the person who ran" in stolen[-1].content
    assert (await book_app.courses.for_guild(GUILD_ID)).slug == "sample"

    not_theirs = await discord_bot.send(discord_bot.click(message, cancel, person=other_admin))
    assert not_theirs[-1].ephemeral and "Only the person who ran" in not_theirs[-1].content

    kept = await discord_bot.send(discord_bot.click(message, cancel, person=INSTRUCTOR))
    assert kept[-1].kind == 7 and "Sample Book" in kept[-1].content and not kept[-1].components
    assert (await book_app.courses.for_guild(GUILD_ID)).slug == "sample"

    fresh = await discord_bot.restarted()
    try:
        done = await fresh.send(fresh.click(message, confirm, person=INSTRUCTOR))
    finally:
        await fresh.bot.close()
    assert done[-1].kind == 7 and done[-1].content.startswith("✅"), done[-1].content
    assert "left **Sample Book**" in done[-1].content and not done[-1].components
    assert (await book_app.courses.for_guild(GUILD_ID)).slug == "robotics"
    assert await _role(book_app, INSTRUCTOR, "robotics") == "instructor"
    assert await _role(book_app, INSTRUCTOR, "sample") == "instructor"


async def test_rebinding_with_a_code_asks_then_uses_the_code(discord_bot: BotHarness, book_app) -> None:
    await _cli_made_course(book_app)
    await discord_bot.send(_setup(discord_bot, STRANGER, STRANGER_GUILD, "own-course"))
    issued = await book_app.bind_codes.create("robotics")
    asked = await discord_bot.send(
        _setup(discord_bot, STRANGER, STRANGER_GUILD, "robotics", code=issued.code)
    )
    assert "own-course" in asked[-1].content
    assert (await book_app.courses.for_guild(STRANGER_GUILD)).slug == "own-course"
    assert await _role(book_app, STRANGER, "robotics") is None
    confirm = next(i for i in asked[-1].custom_ids() if i.startswith("sh:bind:ok:"))
    message = discord_bot.message(asked[-1])
    done = await discord_bot.send(_click_in(discord_bot, STRANGER_GUILD, message, confirm, STRANGER))
    assert done[-1].content.startswith("✅"), done[-1].content
    assert (await book_app.courses.for_guild(STRANGER_GUILD)).slug == "robotics"
    assert await _role(book_app, STRANGER, "robotics") == "instructor"
    # The confirmation cannot be pressed twice to reuse the code elsewhere.
    twice = await discord_bot.send(_click_in(discord_bot, STRANGER_GUILD, message, confirm, STRANGER))
    assert "already the home of **Robotics**" in twice[-1].content
    async with book_app.store.read() as s:
        used = await s.audit.recent(100, "bind_code_used")
    assert len(used) == 1


async def test_binding_the_same_server_again_asks_nothing(discord_bot: BotHarness, book_app) -> None:
    calls = await discord_bot.send(_setup(discord_bot, INSTRUCTOR, GUILD_ID, "sample"))
    assert calls[-1].content.startswith("✅") and not calls[-1].components


async def test_a_confirmation_made_stale_by_another_move_asks_again(
    discord_bot: BotHarness, book_app
) -> None:
    for slug in ("robotics", "art"):
        await book_app.courses.create(slug, slug.title())
        teacher = await book_app.accounts.find("discord", INSTRUCTOR.id)
        course = await book_app.courses.get(slug)
        await book_app.accounts.set_role(teacher.id, course.id, "instructor", surface="cli")
    asked = await discord_bot.send(_setup(discord_bot, INSTRUCTOR, GUILD_ID, "robotics"))
    confirm = next(i for i in asked[-1].custom_ids() if i.startswith("sh:bind:ok:"))
    await book_app.courses.bind_guild("art", GUILD_ID)  # moved meanwhile (another shard, the CLI)
    late = await discord_bot.send(
        discord_bot.click(discord_bot.message(asked[-1]), confirm, person=INSTRUCTOR)
    )
    assert late[-1].kind == 7 and "home of **Art**" in late[-1].content and late[-1].components
    assert (await book_app.courses.for_guild(GUILD_ID)).slug == "art"
