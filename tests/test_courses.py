"""Courses over both databases."""

from __future__ import annotations

import asyncio

import pytest

from core.app import App
from core.errors import AlreadyExists, InvalidInput, NotFound


async def test_create_get_list(app: App) -> None:
    created = await app.courses.create("robotics-101", "Robotics 101")
    assert (await app.courses.get("robotics-101")).id == created.id
    assert created.hourly_question_quota == 100 and created.answer_mode == "auto"
    await app.courses.create("art", "Art")
    assert [c.slug for c in await app.courses.list()] == ["art", "robotics-101"]


@pytest.mark.parametrize("slug", ["", "Robotics", "a b", "-x", "x-", "a" * 65, "dröid", "x;--"])
async def test_bad_slugs(app: App, slug: str) -> None:
    with pytest.raises(InvalidInput):
        await app.courses.create(slug, "Name")


async def test_bad_names_and_duplicates(app: App) -> None:
    with pytest.raises(InvalidInput):
        await app.courses.create("ok", "")
    with pytest.raises(InvalidInput):
        await app.courses.create("ok", "n" * 256)
    await app.courses.create("ok", "n" * 255)
    with pytest.raises(AlreadyExists):
        await app.courses.create("ok", "Again")
    with pytest.raises(NotFound):
        await app.courses.get("missing")


async def test_concurrent_get_or_create_makes_one(app: App) -> None:
    courses = await asyncio.gather(*(app.courses.get_or_create("race") for _ in range(20)))
    assert len({c.id for c in courses}) == 1


async def test_guild_binding_moves(app: App) -> None:
    a = await app.courses.create("a", "A")
    b = await app.courses.create("b", "B")
    await app.courses.bind_guild("a", "123")
    assert (await app.courses.for_guild("123")).id == a.id
    await app.courses.bind_guild("b", "123")
    assert (await app.courses.for_guild("123")).id == b.id
    assert await app.courses.guild_ids("a") == []
    with pytest.raises(NotFound, match="/course setup"):
        await app.courses.for_guild("999")


async def test_configure(app: App) -> None:
    app.settings.llm_models = "claude-x"  # the operator offers it (STUDYHALL_LLM_MODELS)
    await app.courses.create("cfg", "Cfg")
    course = await app.courses.configure(
        "cfg", hourly_question_quota=5, answer_mode="extractive", llm_model="claude-x", answer_style="concise"
    )
    assert (course.hourly_question_quota, course.answer_mode) == (5, "extractive")
    for bad in (
        {"hourly_question_quota": -1},
        {"answer_mode": "psychic"},
        {"colour": "red"},
        {"hourly_question_quota": True},
        {"llm_model": "claude-not-offered"},
        {"hourly_question_quota": 1001},  # above the operator's cap (STUDYHALL_MAX_HOURLY_QUOTA)
    ):
        with pytest.raises(InvalidInput):
            await app.courses.configure("cfg", **bad)
    assert (await app.courses.get("cfg")).hourly_question_quota == 5
