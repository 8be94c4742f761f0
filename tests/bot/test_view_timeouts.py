"""Time passing for the bot's views: discord.py times an ephemeral reply's view out after 15 minutes
(even one sent with `timeout=None`), and removing a view that mixes plain and dynamic items
unregisters the DynamicItem classes for every message. No view of the bot may do that."""

from __future__ import annotations

import discord
import pytest

from bot.views.base import View
from tests.bot.harness import INSTRUCTOR, OTHER_STUDENT, BotHarness

BALANCE = "01-foundations/balance-and-zmp.md"


def registered(bot: BotHarness) -> set:
    return set(bot.bot._connection._view_store._dynamic_items.values())


async def test_no_views_timeout_unregisters_a_persistent_button(discord_bot: BotHarness) -> None:
    grace = await discord_bot.send(discord_bot.slash("read", chapter=BALANCE, person=OTHER_STUDENT))
    before = registered(discord_bot)
    for command in (
        discord_bot.slash("read", chapter="index.md"),
        discord_bot.slash("search", query="robot"),
        discord_bot.slash("quiz", unit="week-1"),
        discord_bot.slash("ask", question="What is the zero moment point?", private=True),
        discord_bot.slash("history"),
        discord_bot.slash("profile", sub="set"),
        discord_bot.slash("recommend"),
        discord_bot.slash("privacy", sub="forget"),
    ):
        await discord_bot.send(command)
    assert len(discord_bot.views) >= 8  # each of them handed discord.py a view

    await discord_bot.advance_views(60 * 60)

    assert registered(discord_bot) == before
    message = discord_bot.message(grace[-1])
    nxt = next(i for i in grace[-1].custom_ids() if ":n:" in i)
    turned = await discord_bot.send(discord_bot.click(message, nxt, person=OTHER_STUDENT))
    assert turned and turned[0].embeds[0]["footer"]["text"].startswith("page 2/2")


class _Persistent(discord.ui.DynamicItem[discord.ui.Button], template=r"sh:test:persistent"):
    def __init__(self) -> None:
        super().__init__(discord.ui.Button(label="x", custom_id="sh:test:persistent"))


async def test_a_view_refuses_to_mix_plain_and_dynamic_items() -> None:
    view = View(timeout=None)
    view.add_item(_Persistent())
    view.add_item(discord.ui.Button(label="a link", url="https://book.example"))  # not dispatchable: fine
    with pytest.raises(TypeError, match="DynamicItem"):
        view.add_item(discord.ui.Button(label="plain", custom_id="sh:test:plain"))
    plain = View(timeout=None)
    plain.add_item(discord.ui.Button(label="plain", custom_id="sh:test:plain"))
    with pytest.raises(TypeError, match="DynamicItem"):
        plain.add_item(_Persistent())


async def test_the_dm_course_picker_still_answers_after_a_timeout_and_a_restart(
    discord_bot: BotHarness, book_app
) -> None:
    """Asked in a DM when Studyhall can't tell which course is meant: a pick made an hour later, or
    after the bot restarted, still counts (it used to be an in-memory view that died silently)."""
    teacher = await book_app.accounts.find("discord", INSTRUCTOR.id)
    other = await book_app.courses.create("other", "Other Course")
    await book_app.accounts.set_role(teacher.id, other.id, "instructor", surface="cli")
    asked = await discord_bot.send(discord_bot.slash("progress", person=INSTRUCTOR, dm=True))
    message = discord_bot.message(asked[-1])
    select = next(c for row in message["components"] for c in row["components"])
    assert {o["label"] for o in select["options"]} == {"Sample Book", "Other Course"}

    await discord_bot.advance_views(60 * 60)
    await discord_bot.bot.close()
    fresh = await discord_bot.restarted()
    try:
        picked = await fresh.send(
            fresh.click(message, select["custom_id"], values=[other.id], person=INSTRUCTOR, dm=True)
        )
        assert picked and picked[0].kind == 7
        assert "Other Course" in fresh.message(picked[0])["content"]
        assert not fresh.message(picked[0]).get("components")
    finally:
        await fresh.bot.close()
    assert (await book_app.onboarding.dm_course(teacher.id)).course.id == other.id


async def test_the_course_picker_refuses_a_course_the_user_is_not_in(
    discord_bot: BotHarness, book_app
) -> None:
    teacher = await book_app.accounts.find("discord", INSTRUCTOR.id)
    other = await book_app.courses.create("other", "Other Course")
    await book_app.accounts.set_role(teacher.id, other.id, "instructor", surface="cli")
    stranger = await book_app.courses.create("stranger", "Not Yours")
    asked = await discord_bot.send(discord_bot.slash("progress", person=INSTRUCTOR, dm=True))
    message = discord_bot.message(asked[-1])
    select = next(c for row in message["components"] for c in row["components"])
    forged = await discord_bot.send(
        discord_bot.click(message, select["custom_id"], values=[stranger.id], person=INSTRUCTOR, dm=True)
    )
    assert forged and forged[0].ephemeral
    assert await book_app.accounts.enrollment(teacher.id, stranger.id) is None
