"""Accounts over both databases: first contact, profiles, enrollments, visibility."""

from __future__ import annotations

import asyncio

import pytest

from core.accounts import Accounts
from core.app import App
from core.errors import InvalidInput, NotFound
from core.store import database_for
from core.store.session import Store


async def test_first_contact_creates_once_and_updates_name(app: App, clock) -> None:
    first = await app.accounts.resolve("discord", "111111111111111111", "Ada")
    again = await app.accounts.resolve("discord", "111111111111111111", "Ada")
    assert again.id == first.id
    clock.advance(minutes=1)
    renamed = await app.accounts.resolve("discord", "111111111111111111", "Ada L.")
    assert renamed.id == first.id and renamed.display_name == "Ada L."
    (identity,) = await app.accounts.identities(first.id)
    assert identity.display_name == "Ada L." and identity.provider == "discord"


async def test_fifty_simultaneous_first_contacts_make_one_user(app: App) -> None:
    users = await asyncio.gather(
        *(app.accounts.resolve("discord", "222222222222222222", f"Bo {i}") for i in range(50))
    )
    assert len({u.id for u in users}) == 1
    async with app.store.read() as s:
        assert await s.conn.fetchval("SELECT COUNT(*) FROM users") == 1
        assert await s.conn.fetchval("SELECT COUNT(*) FROM identities") == 1


async def test_first_contacts_from_separate_processes_make_one_user(app: App, clock) -> None:
    """Other Database objects on the same data stand for the bot and MCP servers."""
    others = [database_for(app.db.url) for _ in range(2)]
    for other in others:
        await other.open()
    try:
        services = [app.accounts] + [Accounts(Store(o), clock) for o in others]
        users = await asyncio.gather(
            *(services[i % 3].resolve("discord", "333333333333333333", "Cy") for i in range(51))
        )
    finally:
        for other in others:
            await other.close()
    assert len({u.id for u in users}) == 1
    async with app.store.read() as s:
        assert await s.conn.fetchval("SELECT COUNT(*) FROM users") == 1


@pytest.mark.parametrize(
    ("provider", "subject", "name", "field"),
    [
        ("discord", "1", "", "display name"),
        ("discord", "1", "x" * 256, "display name"),
        ("discord", "", "Ada", "identity"),
        ("myspace", "1", "Ada", "identity provider"),
        ("discord", "1", "Ada\nLovelace", "display name"),
    ],
)
async def test_bad_identities_are_refused(app: App, provider, subject, name, field) -> None:
    with pytest.raises(InvalidInput) as err:
        await app.accounts.resolve(provider, subject, name)
    assert err.value.field == field


async def test_names_that_look_like_sql_are_stored_verbatim(app: App) -> None:
    name = "Robert'); DROP TABLE users;--"
    user = await app.accounts.resolve("discord", "444444444444444444", name)
    assert (await app.accounts.get(user.id)).display_name == name
    course = await app.courses.create("sql-101", "'; DELETE FROM courses; --")
    assert (await app.courses.get("sql-101")).name == course.name


async def test_profile_defaults_then_update(app: App, clock) -> None:
    user = await app.accounts.resolve("discord", "555555555555555555", "Di")
    profile = await app.accounts.profile(user.id)
    assert profile.experience_level is None and profile.difficulty_preference == "balanced"
    updated = await app.accounts.update_profile(
        user.id,
        experience_level="Beginner",
        programming_languages=["Python", "C++", "Python"],
        frameworks=["ROS 2"],
        available_hardware=["CPU only"],
        robotics_hardware=["None (simulation only)"],
        interests=["Manipulation", "vslam"],
        difficulty_preference="gentle",
        preferred_language="UR",
    )
    assert updated.programming_languages == ["Python", "C++"]
    assert updated.interests == ["manipulation", "vslam"]
    assert updated.preferred_language == "ur"
    assert updated.completed_at == clock.now
    assert (await app.accounts.profile(user.id)) == updated
    partial = await app.accounts.update_profile(user.id, frameworks=["PyTorch"])
    assert partial.frameworks == ["PyTorch"] and partial.programming_languages == ["Python", "C++"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"experience_level": "Wizard"}, "experience level"),
        ({"programming_languages": ["Python", "COBOL"]}, "programming language"),
        ({"frameworks": ["Django"]}, "framework"),
        ({"available_hardware": ["Quantum"]}, "hardware"),
        ({"robotics_hardware": ["Toaster"]}, "robotics hardware"),
        ({"difficulty_preference": "brutal"}, "difficulty preference"),
        ({"learning_path": "sideways"}, "learning path"),
        ({"preferred_language": "klingon"}, "language"),
        ({"interests": ["x" * 51]}, "interest"),
        ({"interests": [f"topic {i}" for i in range(21)]}, "interests"),
        ({"shoe_size": 42}, "profile"),
    ],
)
async def test_profile_rejects_values_outside_the_options(app: App, changes, field) -> None:
    user = await app.accounts.resolve("discord", "666666666666666666", "Ed")
    with pytest.raises(InvalidInput) as err:
        await app.accounts.update_profile(user.id, **changes)
    assert err.value.field == field
    assert (await app.accounts.profile(user.id)).updated_at is None  # nothing was saved


async def test_email_validation(app: App) -> None:
    user = await app.accounts.resolve("discord", "777777777777777777", "Fa")
    other = await app.accounts.resolve("discord", "888888888888888888", "Gu")
    for bad in ("not-an-email", "a@b", "a b@c.de", "x" * 250 + "@ex.com"):
        with pytest.raises(InvalidInput):
            await app.accounts.set_email(user.id, bad)
    assert (await app.accounts.set_email(user.id, " fa@example.org ")).email == "fa@example.org"
    with pytest.raises(InvalidInput, match="another account"):
        await app.accounts.set_email(other.id, "fa@example.org")


async def test_enrollment_roles_and_audit(app: App) -> None:
    course = await app.courses.create("bio-1", "Biology")
    user = await app.accounts.resolve("discord", "999999999999999999", "Hu")
    enrollment = await app.accounts.enroll(user.id, course.id)
    assert enrollment.role == "student" and enrollment.leaderboard_visible
    assert (await app.accounts.enroll(user.id, course.id, "instructor")).role == "student"
    promoted = await app.accounts.set_role(user.id, course.id, "ta", surface="discord", actor_id="someone")
    assert promoted.role == "ta"
    await app.accounts.set_role(user.id, course.id, "ta", surface="discord")  # no change, no audit
    with pytest.raises(InvalidInput):
        await app.accounts.set_role(user.id, course.id, "dean", surface="cli")
    async with app.store.read() as s:
        events = [e for e in await s.audit.for_user(user.id) if e.event == "role_changed"]
    assert len(events) == 1
    assert events[0].details == {"course_id": course.id, "from": "student", "to": "ta", "by": "someone"}


async def test_leaderboard_opt_out_applies_now_and_later(app: App) -> None:
    first = await app.courses.create("c-one", "One")
    second = await app.courses.create("c-two", "Two")
    user = await app.accounts.resolve("discord", "101010101010101010", "Io")
    await app.accounts.enroll(user.id, first.id)
    assert await app.accounts.set_leaderboard_visibility(user.id, False, surface="cli") == 1
    assert not (await app.accounts.enrollment(user.id, first.id)).leaderboard_visible
    later = await app.accounts.enroll(user.id, second.id)
    assert not later.leaderboard_visible  # the choice carries to new courses
    await app.accounts.set_leaderboard_visibility(user.id, True, surface="cli", course_id=second.id)
    assert (await app.accounts.enrollment(user.id, second.id)).leaderboard_visible
    assert not (await app.accounts.enrollment(user.id, first.id)).leaderboard_visible
    with pytest.raises(NotFound):
        third = await app.courses.create("c-three", "Three")
        await app.accounts.set_leaderboard_visibility(user.id, True, surface="cli", course_id=third.id)
