"""Staff managed from where the class is, over both databases: instructors name TAs and
instructors, the last instructor stays, and mapped Discord roles give and take back only their own."""

from __future__ import annotations

import pytest

from core.app import App
from core.errors import InvalidInput, PermissionDenied

GUILD = "700000000000000001"
OTHER_GUILD = "700000000000000002"
TA_ROLE = "760000000000000001"


async def _course_with_instructor(app: App):
    course = await app.courses.create("robots", "Robots")
    lin = await app.accounts.resolve("discord", "1", "Lin")
    await app.accounts.set_role(lin.id, course.id, "instructor", surface="cli")
    return course, lin


async def _events(app: App, event: str):
    async with app.store.read() as s:
        return [e for e in await s.audit.recent(50) if e.event == event]


async def test_an_instructor_adds_and_removes_staff_audited(app: App) -> None:
    course, lin = await _course_with_instructor(app)
    tom = await app.accounts.resolve("discord", "2", "Tom")
    added = await app.course_staff.add(lin, course, tom, "ta", name="Tommy")
    assert (added.role, added.display_name, added.role_source) == ("ta", "Tommy", "hand")
    assert [m.name for m in await app.course_staff.members(lin, course)] == ["Lin", "Tommy"]
    removed = await app.course_staff.remove(lin, course, tom)
    assert removed.role == "student"
    changes = [
        (e.details["from"], e.details["to"], e.details["by"]) for e in await _events(app, "role_changed")
    ]
    assert ("student", "ta", lin.id) in changes and ("ta", "student", lin.id) in changes


async def test_a_ta_may_list_but_not_add_or_remove(app: App) -> None:
    course, lin = await _course_with_instructor(app)
    tom = await app.accounts.resolve("discord", "2", "Tom")
    await app.accounts.set_role(tom.id, course.id, "ta", surface="cli")
    assert len(await app.course_staff.members(tom, course)) == 2
    with pytest.raises(PermissionDenied, match="instructors of Robots"):
        await app.course_staff.add(tom, course, tom, "instructor")
    with pytest.raises(PermissionDenied):
        await app.course_staff.remove(tom, course, lin)
    assert (await app.accounts.enrollment(lin.id, course.id)).role == "instructor"
    assert (await app.accounts.enrollment(tom.id, course.id)).role == "ta"


async def test_the_last_instructor_stays(app: App) -> None:
    course, lin = await _course_with_instructor(app)
    with pytest.raises(PermissionDenied, match="last instructor"):
        await app.course_staff.remove(lin, course, lin)
    with pytest.raises(PermissionDenied, match="last instructor"):
        await app.course_staff.add(lin, course, lin, "ta")
    ada = await app.accounts.resolve("discord", "3", "Ada")
    await app.course_staff.add(lin, course, ada, "instructor")
    assert (await app.course_staff.remove(lin, course, lin)).role == "student"  # another one is left


async def test_a_mapped_role_gives_and_takes_back_only_its_own(app: App) -> None:
    course, lin = await _course_with_instructor(app)
    await app.courses.bind_guild("robots", GUILD)
    await app.course_staff.map_role(lin, course, GUILD, TA_ROLE, "ta")
    tom = await app.accounts.resolve("discord", "2", "Tom")
    mine = await app.accounts.enter_course(tom.id, course.id)
    mine = await app.course_staff.follow_roles(tom, course, mine, GUILD, [TA_ROLE])
    assert (mine.role, mine.role_source) == ("ta", "discord_role")
    with pytest.raises(InvalidInput, match="through a Discord role"):
        await app.course_staff.remove(lin, course, tom)
    mine = await app.course_staff.follow_roles(tom, course, mine, GUILD, [])
    assert (mine.role, mine.role_source) == ("student", "hand")
    # Given by hand: the Discord role coming and going changes nothing.
    ada = await app.accounts.resolve("discord", "3", "Ada")
    await app.course_staff.add(lin, course, ada, "ta")
    hers = await app.accounts.enrollment(ada.id, course.id)
    hers = await app.course_staff.follow_roles(ada, course, hers, GUILD, [TA_ROLE])
    hers = await app.course_staff.follow_roles(ada, course, hers, GUILD, [])
    assert (hers.role, hers.role_source) == ("ta", "hand")
    # Unmapped: what the mapping gave goes when they next come.
    mine = await app.course_staff.follow_roles(tom, course, mine, GUILD, [TA_ROLE])
    assert mine.role == "ta"
    assert await app.course_staff.map_role(lin, course, GUILD, TA_ROLE, "none") is None
    mine = await app.course_staff.follow_roles(tom, course, mine, GUILD, [TA_ROLE])
    assert mine.role == "student"


async def test_a_mapping_counts_only_in_its_own_server(app: App) -> None:
    course, lin = await _course_with_instructor(app)
    await app.course_staff.map_role(lin, course, GUILD, TA_ROLE, "instructor")
    other = await app.courses.create("chem", "Chemistry")
    tom = await app.accounts.resolve("discord", "2", "Tom")
    theirs = await app.accounts.enter_course(tom.id, other.id)
    theirs = await app.course_staff.follow_roles(tom, other, theirs, OTHER_GUILD, [TA_ROLE])
    assert theirs.role == "student"
    mine = await app.accounts.enter_course(tom.id, course.id)
    mine = await app.course_staff.follow_roles(tom, course, mine, OTHER_GUILD, [TA_ROLE])
    assert mine.role == "student"  # the role id, carried in another server, is not this server's role


async def test_only_instructors_map_roles_and_everyone_is_no_role(app: App) -> None:
    course, lin = await _course_with_instructor(app)
    tom = await app.accounts.resolve("discord", "2", "Tom")
    await app.accounts.set_role(tom.id, course.id, "ta", surface="cli")
    with pytest.raises(PermissionDenied):
        await app.course_staff.map_role(tom, course, GUILD, TA_ROLE, "instructor")
    with pytest.raises(InvalidInput, match="@everyone"):
        await app.course_staff.map_role(lin, course, GUILD, GUILD, "ta")
    with pytest.raises(InvalidInput):
        await app.course_staff.map_role(lin, course, GUILD, TA_ROLE, "student")
    assert await app.course_staff.mappings(tom, course, GUILD) == []
