"""/course staff add | remove | list | role, through the real command tree down to the database:
what instructors, TAs and other servers' admins can and cannot do."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.errors import NotFound
from tests.bot.harness import GUILD_ID, INSTRUCTOR, OTHER_STUDENT, STUDENT, BotHarness, Person, Role

NEW_GUILD = "700000000000000002"
TA_ROLE = "760000000000000001"
GRACIE = replace(OTHER_STUDENT, nick="Gracie")
EVE = Person("800000000000000066", "Eve", staff=True)  # can manage servers, teaches nothing here


async def _role(app, person: Person, slug: str = "sample") -> str | None:
    user = await app.accounts.find("discord", person.id)
    enrollment = await app.accounts.enrollment(user.id, (await app.courses.get(slug)).id)
    return enrollment.role if enrollment else None


async def _staff(bot: BotHarness, person: Person, sub: str, **options) -> str:
    calls = await bot.send(bot.slash("course", group="staff", sub=sub, person=person, **options))
    assert calls[-1].ephemeral
    return calls[-1].text()


async def test_an_instructor_adds_a_ta_by_the_name_the_server_knows(
    discord_bot: BotHarness, book_app
) -> None:
    said = await _staff(discord_bot, INSTRUCTOR, "add", user=GRACIE, role="ta")
    assert "Gracie" in said and "TA" in said
    assert await _role(book_app, GRACIE) == "ta"
    listed = await _staff(discord_bot, INSTRUCTOR, "list")
    assert "Gracie" in listed and "Prof. Lin" in listed
    async with book_app.store.read() as s:
        change = (await s.audit.recent(10, "role_changed"))[0]
    teacher = await book_app.accounts.find("discord", INSTRUCTOR.id)
    assert (change.surface, change.details["to"], change.details["by"]) == ("discord", "ta", teacher.id)
    said = await _staff(discord_bot, INSTRUCTOR, "remove", user=GRACIE)
    assert "Gracie" in said and "student" in said
    assert await _role(book_app, GRACIE) == "student"


async def test_a_ta_may_list_but_cannot_make_anyone_instructor(discord_bot: BotHarness, book_app) -> None:
    await _staff(discord_bot, INSTRUCTOR, "add", user=GRACIE, role="ta")
    said = await _staff(discord_bot, GRACIE, "add", user=STUDENT, role="instructor")
    assert said.startswith("🔒") and "instructors of" in said
    said = await _staff(discord_bot, GRACIE, "add", user=GRACIE, role="instructor")
    assert said.startswith("🔒")
    assert await _role(book_app, GRACIE) == "ta"
    said = await _staff(discord_bot, GRACIE, "remove", user=INSTRUCTOR)
    assert said.startswith("🔒") and await _role(book_app, INSTRUCTOR) == "instructor"
    assert "Prof. Lin" in await _staff(discord_bot, GRACIE, "list")
    assert (await _staff(discord_bot, STUDENT, "list")).startswith("🔒")


async def test_a_server_admin_who_is_not_an_instructor_is_refused(discord_bot: BotHarness, book_app) -> None:
    said = await _staff(discord_bot, EVE, "add", user=EVE, role="instructor")
    assert said.startswith("🔒")
    assert await _role(book_app, EVE) == "student"


async def test_an_admin_of_another_server_cannot_touch_this_course(discord_bot: BotHarness, book_app) -> None:
    setup = discord_bot.slash("course", sub="setup", person=EVE, guild=NEW_GUILD, slug="eves-course")
    await discord_bot.send(setup)
    payload = discord_bot.slash(
        "course", group="staff", sub="add", person=EVE, guild=NEW_GUILD, user=GRACIE, role="instructor"
    )
    await discord_bot.send(payload)
    assert await _role(book_app, GRACIE, "eves-course") == "instructor"  # her own course only
    assert await _role(book_app, GRACIE) is None
    assert await _role(book_app, EVE) is None


async def test_the_last_instructor_cannot_be_removed(discord_bot: BotHarness, book_app) -> None:
    said = await _staff(discord_bot, INSTRUCTOR, "remove", user=INSTRUCTOR)
    assert said.startswith("🔒") and "last instructor" in said
    said = await _staff(discord_bot, INSTRUCTOR, "add", user=INSTRUCTOR, role="ta")
    assert "last instructor" in said
    assert await _role(book_app, INSTRUCTOR) == "instructor"


async def test_a_mapped_discord_role_gives_the_course_role_while_carried(
    discord_bot: BotHarness, book_app
) -> None:
    said = await _staff(discord_bot, INSTRUCTOR, "role", discord_role=Role(TA_ROLE), role="ta")
    assert said.startswith("✅") and f"<@&{TA_ROLE}>" in said
    wearing = replace(GRACIE, roles=(TA_ROLE,))
    listed = await _staff(discord_bot, wearing, "list")  # a TA may list: the role made her one
    assert "Gracie (through a Discord role)" in listed and f"<@&{TA_ROLE}>" in listed
    said = await _staff(discord_bot, INSTRUCTOR, "remove", user=wearing)
    assert said.startswith("⚠️") and "through a Discord role" in said
    assert (await _staff(discord_bot, GRACIE, "list")).startswith("🔒")  # the role was taken away
    assert await _role(book_app, GRACIE) == "student"


async def test_losing_a_mapped_role_keeps_a_role_given_by_hand(discord_bot: BotHarness, book_app) -> None:
    await _staff(discord_bot, INSTRUCTOR, "role", discord_role=Role(TA_ROLE), role="ta")
    await _staff(discord_bot, INSTRUCTOR, "add", user=GRACIE, role="ta")
    await _staff(discord_bot, replace(GRACIE, roles=(TA_ROLE,)), "list")
    assert "Prof. Lin" in await _staff(discord_bot, GRACIE, "list")
    assert await _role(book_app, GRACIE) == "ta"


async def test_unmapping_takes_back_what_the_role_gave(discord_bot: BotHarness, book_app) -> None:
    wearing = replace(GRACIE, roles=(TA_ROLE,))
    await _staff(discord_bot, INSTRUCTOR, "role", discord_role=Role(TA_ROLE), role="instructor")
    await _staff(discord_bot, wearing, "list")
    assert await _role(book_app, GRACIE) == "instructor"
    said = await _staff(discord_bot, INSTRUCTOR, "role", discord_role=Role(TA_ROLE), role="none")
    assert "no longer" in said
    assert (await _staff(discord_bot, wearing, "list")).startswith("🔒")


async def test_a_role_of_another_server_is_refused(discord_bot: BotHarness, book_app) -> None:
    discord_bot.http.role_guilds[TA_ROLE] = NEW_GUILD
    said = await _staff(discord_bot, INSTRUCTOR, "role", discord_role=Role(TA_ROLE), role="instructor")
    assert said.startswith("⚠️") and "not a role of this server" in said
    course = await book_app.courses.get("sample")
    async with book_app.store.read() as s:
        assert await s.role_maps.for_course_in(course.id, GUILD_ID) == []


async def test_only_instructors_map_roles(discord_bot: BotHarness, book_app) -> None:
    await _staff(discord_bot, INSTRUCTOR, "add", user=GRACIE, role="ta")
    said = await _staff(discord_bot, GRACIE, "role", discord_role=Role(TA_ROLE), role="instructor")
    assert said.startswith("🔒")
    said = await _staff(discord_bot, EVE, "role", discord_role=Role(TA_ROLE), role="instructor")
    assert said.startswith("🔒")


async def test_a_mapping_grants_nothing_in_another_servers_course(discord_bot: BotHarness, book_app) -> None:
    await _staff(discord_bot, INSTRUCTOR, "role", discord_role=Role(TA_ROLE), role="instructor")
    await discord_bot.send(
        discord_bot.slash("course", sub="setup", person=EVE, guild=NEW_GUILD, slug="eves-course")
    )
    wearing = replace(GRACIE, roles=(TA_ROLE,))
    payload = discord_bot.slash("course", group="staff", sub="list", person=wearing, guild=NEW_GUILD)
    calls = await discord_bot.send(payload)
    assert calls[-1].text().startswith("🔒")
    assert await _role(book_app, GRACIE, "eves-course") == "student"
    assert await _role(book_app, GRACIE) is None


async def test_bots_and_people_outside_the_server_are_refused_in_words(
    discord_bot: BotHarness, book_app
) -> None:
    payload = discord_bot.slash("course", group="staff", sub="add", person=INSTRUCTOR, user=GRACIE, role="ta")
    del payload["data"]["resolved"]["members"]  # she left the server: Discord resolves only the user
    calls = await discord_bot.send(payload)
    assert calls[-1].content.startswith("⚠️") and "not a member of this server" in calls[-1].content
    payload = discord_bot.slash("course", group="staff", sub="add", person=INSTRUCTOR, user=GRACIE, role="ta")
    payload["data"]["resolved"]["users"][GRACIE.id]["bot"] = True
    calls = await discord_bot.send(payload)
    assert calls[-1].content.startswith("⚠️") and "bot" in calls[-1].content
    with pytest.raises(NotFound):  # no account was made for either
        await book_app.accounts.find("discord", GRACIE.id)


async def test_someone_who_left_the_server_can_still_be_removed(discord_bot: BotHarness, book_app) -> None:
    await _staff(discord_bot, INSTRUCTOR, "add", user=GRACIE, role="ta")
    payload = discord_bot.slash("course", group="staff", sub="remove", person=INSTRUCTOR, user=GRACIE)
    del payload["data"]["resolved"]["members"]
    calls = await discord_bot.send(payload)
    assert calls[-1].content.startswith("✅") and await _role(book_app, GRACIE) == "student"
