"""Binding codes and binding rules over both databases: stored hashed, single use under a race,
expiring, and binding never changes a role it should not."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

from core.app import App
from core.bind_codes import parse_lifetime
from core.errors import InvalidInput, PermissionDenied

GUILD = "700000000000000001"


async def _user(app: App, subject: str, name: str):
    return await app.accounts.resolve("discord", subject, name)


async def test_a_code_is_stored_only_as_its_hash(app: App) -> None:
    await app.courses.create("robots", "Robots")
    issued = await app.bind_codes.create("robots", expires_in=timedelta(hours=2))
    assert issued.expires_at == app.clock() + timedelta(hours=2)
    async with app.db.read() as conn:
        rows = await conn.fetch("SELECT * FROM bind_codes")
        audit = await conn.fetch("SELECT * FROM audit_log")
    assert len(rows) == 1
    assert issued.code not in json.dumps(rows, default=str)
    assert issued.code not in json.dumps(audit, default=str)


async def test_concurrent_uses_of_one_code_make_one_winner(app: App) -> None:
    await app.courses.create("robots", "Robots")
    issued = await app.bind_codes.create("robots")
    people = [await _user(app, f"80000000000000010{n}", f"P{n}") for n in range(8)]

    async def attempt(n: int):
        return await app.staff.setup_guild(
            people[n], f"70000000000000010{n}", "robots", None, manages_guild=True, code=issued.code
        )

    results = await asyncio.gather(*(attempt(n) for n in range(8)), return_exceptions=True)
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1 and winners[0].done
    assert all(isinstance(e, PermissionDenied) for e in losers), losers
    assert len(await app.courses.guild_ids("robots")) == 1
    assert len(await app.accounts.instructors((await app.courses.get("robots")).id)) == 1


async def test_two_managers_racing_to_create_one_course_make_one_instructor(app: App) -> None:
    people = [await _user(app, f"80000000000000020{n}", f"P{n}") for n in range(6)]
    results = await asyncio.gather(
        *(
            app.staff.setup_guild(p, f"70000000000000020{n}", "fresh", None, manages_guild=True)
            for n, p in enumerate(people)
        ),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 1, results
    assert len(await app.accounts.instructors((await app.courses.get("fresh")).id)) == 1


async def test_an_expired_code_and_a_course_without_instructor(app: App, clock) -> None:
    await app.courses.create("robots", "Robots")
    eve = await _user(app, "800000000000000301", "Eve")
    with pytest.raises(PermissionDenied, match="bind-code robots"):
        await app.staff.setup_guild(eve, GUILD, "robots", None, manages_guild=True)
    issued = await app.bind_codes.create("robots", expires_in=timedelta(minutes=30))
    clock.advance(minutes=31)
    with pytest.raises(PermissionDenied, match="wrong, expired or already used"):
        await app.staff.setup_guild(eve, GUILD, "robots", None, manages_guild=True, code=issued.code)
    assert await app.accounts.instructors((await app.courses.get("robots")).id) == []


async def test_a_code_for_a_course_that_does_not_exist_creates_nothing(app: App) -> None:
    eve = await _user(app, "800000000000000302", "Eve")
    with pytest.raises(PermissionDenied, match="wrong, expired or already used"):
        await app.staff.setup_guild(eve, GUILD, "ghost", None, manages_guild=True, code="x" * 20)
    assert [c.slug for c in await app.courses.list()] == []


async def test_binding_keeps_roles(app: App) -> None:
    course = await app.courses.create("robots", "Robots")
    lin, tom = await _user(app, "800000000000000303", "Lin"), await _user(app, "800000000000000304", "Tom")
    await app.accounts.set_role(lin.id, course.id, "instructor", surface="cli")
    await app.accounts.set_role(tom.id, course.id, "ta", surface="cli")
    with pytest.raises(PermissionDenied, match="already has instructors"):
        await app.staff.setup_guild(tom, GUILD, "robots", None, manages_guild=True)
    issued = await app.bind_codes.create("robots")
    bound = await app.staff.setup_guild(tom, GUILD, "robots", None, manages_guild=True, code=issued.code)
    assert bound.done and bound.role == "ta"
    assert (await app.accounts.enrollment(tom.id, course.id)).role == "ta"
    again = await app.staff.setup_guild(lin, "700000000000000002", "robots", None, manages_guild=True)
    assert again.done and again.role == "instructor" and not again.created


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h", timedelta(hours=24)),
        ("30m", timedelta(minutes=30)),
        ("7d", timedelta(days=7)),
        (" 2H ", timedelta(hours=2)),
    ],
)
def test_lifetimes(text: str, expected: timedelta) -> None:
    assert parse_lifetime(text) == expected


@pytest.mark.parametrize("text", ["", "forever", "0h", "-1h", "4m", "31d", "1.5h", "10"])
def test_bad_lifetimes_are_worded(text: str) -> None:
    with pytest.raises(InvalidInput, match="--expires-in"):
        parse_lifetime(text)


async def test_maintenance_purges_codes_a_month_after_they_expire(app: App, clock) -> None:
    await app.courses.create("robots", "Robots")
    await app.bind_codes.create("robots", expires_in=timedelta(days=1))
    clock.advance(days=30)
    assert (await app.maintenance.run())["bind_codes_purged"] == 0
    clock.advance(days=2)
    assert (await app.maintenance.run())["bind_codes_purged"] == 1
