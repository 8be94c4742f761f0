"""Onboarding in the core, over both databases: the welcome claimed once, and the DM course a
member picks among their own courses (never moved by visiting another class)."""

from __future__ import annotations

import asyncio

import pytest

from core.app import App
from core.errors import InvalidInput


async def _ada(app: App):
    return await app.accounts.resolve("discord", "1", "Ada")


async def test_the_welcome_is_claimed_once_even_when_raced(app: App) -> None:
    ada = await _ada(app)
    course = await app.courses.create("robots", "Robots")
    other = await app.courses.create("drones", "Drones")
    for each in (course, other):
        await app.accounts.enter_course(ada.id, each.id)
    claims = await asyncio.gather(*(app.onboarding.welcome_once(ada.id, course.id) for _ in range(5)))
    assert claims.count(True) == 1
    assert (await app.accounts.enrollment(ada.id, course.id)).welcomed_at is not None
    assert await app.onboarding.welcome_once(ada.id, other.id)  # per course
    assert not await app.onboarding.welcome_once(ada.id, course.id)


async def test_the_first_class_is_the_dm_course_until_another_is_picked(app: App) -> None:
    ada = await _ada(app)
    first = await app.courses.create("robots", "Robots")
    second = await app.courses.create("drones", "Drones")
    await app.accounts.enter_course(ada.id, first.id)
    await app.accounts.enter_course(ada.id, second.id)  # visiting another class moves nothing
    found = await app.onboarding.dm_course(ada.id)
    assert found.course.id == first.id and not found.just_picked
    assert (await app.onboarding.pick_dm_course(ada.id, "DRONES")).id == second.id  # by name
    assert (await app.onboarding.dm_course(ada.id)).course.id == second.id
    assert (await app.onboarding.pick_dm_course(ada.id, " robots ")).id == first.id  # by slug
    assert (await app.onboarding.dm_course(ada.id)).course.id == first.id


async def test_only_ones_own_course_can_be_picked_and_others_look_absent(app: App) -> None:
    ada = await _ada(app)
    mine = await app.courses.create("robots", "Robots")
    secret = await app.courses.create("secret", "Secret Seminar")
    await app.accounts.enter_course(ada.id, mine.id)
    refusals = []
    for typed in ("secret", secret.id, "no-such"):
        with pytest.raises(InvalidInput) as refused:
            await app.onboarding.pick_dm_course(ada.id, typed)
        refusals.append(str(refused.value).replace(typed, "X"))
    assert len(set(refusals)) == 1 and "Secret Seminar" not in refusals[0]
    assert await app.accounts.enrollment(ada.id, secret.id) is None
    assert (await app.onboarding.dm_course(ada.id)).course.id == mine.id


async def test_with_none_picked_the_latest_course_is_picked_once_and_said(app: App) -> None:
    ada = await _ada(app)
    first = await app.courses.create("robots", "Robots")
    second = await app.courses.create("drones", "Drones")
    # Enrolled by the operator (no use, no pick): two courses and none used can't be told apart.
    await app.accounts.enroll(ada.id, first.id)
    await app.accounts.enroll(ada.id, second.id)
    unknown = await app.onboarding.dm_course(ada.id)
    assert unknown.course is None and {c.slug for c in unknown.choices} == {"robots", "drones"}
    async with app.db.transaction() as conn:  # as an account from before DM courses were picked
        await conn.execute(
            "UPDATE enrollments SET last_active_at = $1 WHERE course_id = $2", app.clock(), second.id
        )
    looked = await app.onboarding.dm_course(ada.id, pick=False)
    assert looked.course.id == second.id and not looked.just_picked
    used = await app.onboarding.dm_course(ada.id)
    assert used.course.id == second.id and used.just_picked
    again = await app.onboarding.dm_course(ada.id)
    assert again.course.id == second.id and not again.just_picked
