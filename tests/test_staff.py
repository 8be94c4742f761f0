"""What the Discord front end needs from the core, over both databases: who may run a course,
binding a server, the book's URL and folder, the weekly post claimed once, a user's latest course."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from core.app import App
from core.errors import InvalidInput, NotFound, PermissionDenied

GUILD = "700000000000000001"
CHANNEL = "710000000000000001"


async def _user(app: App, subject: str, name: str):
    return await app.accounts.resolve("discord", subject, name)


async def test_only_staff_pass_the_staff_check(app: App) -> None:
    course = await app.courses.create("robots", "Robots")
    student, ta, teacher = [await _user(app, str(i), n) for i, n in enumerate(("Ada", "Tom", "Lin"))]
    await app.accounts.enroll(student.id, course.id)
    await app.accounts.set_role(ta.id, course.id, "ta", surface="cli")
    await app.accounts.set_role(teacher.id, course.id, "instructor", surface="cli")
    outsider = await _user(app, "9", "Eve")
    for person in (student, outsider):
        with pytest.raises(PermissionDenied, match="instructors and TAs of Robots"):
            await app.staff.require(person, course)
    assert (await app.staff.require(ta, course)).role == "ta"
    with pytest.raises(PermissionDenied, match="instructors of Robots"):
        await app.staff.require(ta, course, instructor=True)
    assert (await app.staff.require(teacher, course, instructor=True)).role == "instructor"


async def test_setup_binds_the_server_and_makes_an_instructor(app: App) -> None:
    lin = await _user(app, "1", "Lin")
    with pytest.raises(PermissionDenied, match="manage this server"):
        await app.staff.setup_guild(lin, GUILD, "robots", "Robots", manages_guild=False)
    course = (await app.staff.setup_guild(lin, GUILD, "robots", "Robots", manages_guild=True)).course
    assert (await app.courses.for_guild(GUILD)).id == course.id
    assert (await app.accounts.enrollment(lin.id, course.id)).role == "instructor"
    assert (await app.accounts.latest_enrollment(lin.id)).course_id == course.id
    # Another server's manager can't take over a course that has instructors…
    eve = await _user(app, "2", "Eve")
    with pytest.raises(PermissionDenied, match="already has instructors"):
        await app.staff.setup_guild(eve, "700000000000000002", "robots", None, manages_guild=True)
    # …but its instructor can bind a second server to it.
    await app.staff.setup_guild(lin, "700000000000000002", "robots", None, manages_guild=True)
    assert await app.courses.guild_ids("robots") == [GUILD, "700000000000000002"]
    with pytest.raises(InvalidInput):
        await app.staff.setup_guild(lin, GUILD, "Not A Slug", None, manages_guild=True)


async def test_book_url_and_folder_are_checked(app: App, tmp_path: Path) -> None:
    await app.courses.create("robots", "Robots")
    course = await app.courses.configure(
        "robots", book_url="https://book.example/robots/", book_path=str(tmp_path), host_paths=True
    )
    assert course.book_url == "https://book.example/robots/"
    assert course.book_path == str(tmp_path.resolve())
    for bad in ("book.example", "ftp://book.example", "https://"):
        with pytest.raises(InvalidInput, match="web address"):
            await app.courses.configure("robots", book_url=bad)
    with pytest.raises(InvalidInput, match="not a folder"):
        await app.courses.configure("robots", book_path=str(tmp_path / "missing"), host_paths=True)
    cleared = await app.courses.configure("robots", book_url="", book_path="")
    assert cleared.book_url is None and cleared.book_path is None


async def test_the_weekly_post_is_claimed_once(app: App) -> None:
    await app.courses.create("robots", "Robots")
    with pytest.raises(NotFound):
        await app.courses.set_leaderboard_channel(GUILD, CHANNEL)
    await app.courses.bind_guild("robots", GUILD)
    assert not await app.courses.claim_weekly_post(GUILD, "2026-11-02")  # no channel: nothing to post
    with pytest.raises(InvalidInput):
        await app.courses.set_leaderboard_channel(GUILD, "general")
    binding = await app.courses.set_leaderboard_channel(GUILD, CHANNEL)
    assert binding.leaderboard_channel_id == CHANNEL
    claims = await asyncio.gather(*(app.courses.claim_weekly_post(GUILD, "2026-11-02") for _ in range(10)))
    assert claims.count(True) == 1
    assert not await app.courses.claim_weekly_post(GUILD, "2026-10-26")  # an older week: already past
    assert await app.courses.claim_weekly_post(GUILD, "2026-11-09")
    assert (await app.courses.binding(GUILD)).last_posted_week == "2026-11-09"


async def test_a_lost_weekly_post_is_released_for_the_next_pass(app: App) -> None:
    await app.courses.create("robots", "Robots")
    await app.courses.bind_guild("robots", GUILD)
    await app.courses.set_leaderboard_channel(GUILD, CHANNEL)
    assert await app.courses.claim_weekly_post(GUILD, "2026-11-02")
    await app.courses.release_weekly_post(GUILD, "2026-11-02", previous=None)  # the post was refused
    assert (await app.courses.binding(GUILD)).last_posted_week is None
    claims = await asyncio.gather(*(app.courses.claim_weekly_post(GUILD, "2026-11-02") for _ in range(5)))
    assert claims.count(True) == 1  # claimed again, still once
    assert await app.courses.claim_weekly_post(GUILD, "2026-11-09")
    # A stale release (a slower process, an older week) never undoes a newer claim.
    await app.courses.release_weekly_post(GUILD, "2026-11-02", previous=None)
    assert (await app.courses.binding(GUILD)).last_posted_week == "2026-11-09"
    await app.courses.release_weekly_post(GUILD, "2026-11-09", previous="2026-11-02")
    assert (await app.courses.binding(GUILD)).last_posted_week == "2026-11-02"


async def test_entering_a_course_enrolls_once_and_remembers_the_latest(app: App, clock) -> None:
    first = await app.courses.create("robots", "Robots")
    second = await app.courses.create("art", "Art")
    ada = await _user(app, "1", "Ada")
    assert await app.accounts.latest_enrollment(ada.id) is None
    entered = await asyncio.gather(*(app.accounts.enter_course(ada.id, first.id) for _ in range(5)))
    assert {e.id for e in entered} == {entered[0].id} and entered[0].role == "student"
    clock.advance(minutes=1)
    await app.accounts.enter_course(ada.id, second.id)
    assert (await app.accounts.latest_enrollment(ada.id)).course_id == second.id
    clock.advance(minutes=10)
    await app.accounts.enter_course(ada.id, first.id)
    assert (await app.accounts.latest_enrollment(ada.id)).course_id == first.id
