"""Time passing for the bot's views: discord.py times an ephemeral reply's view out after 15 minutes
(even one sent with `timeout=None`), and removing a view that mixes plain and dynamic items
unregisters the DynamicItem classes for every message. No view of the bot may do that."""

from __future__ import annotations

import discord
import pytest

from bot.views.base import View
from tests.bot.harness import OTHER_STUDENT, BotHarness

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
