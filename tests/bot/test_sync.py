"""Registering the commands: `studyhall-bot --sync [--guild]`, `--clear-guild`, and the start-up check
that warns when Discord's registered commands differ from the bot's."""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from discord.http import Route

from bot.__main__ import _clear_guild, _sync, main
from bot.registered import warn_if_stale
from tests.bot.discord_server import DiscordStandIn
from tests.bot.harness import GUILD_ID, BotHarness, start_bot

TOKEN = "stand-in-bot-token"


@pytest.fixture
async def discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DiscordStandIn]:
    async with DiscordStandIn(TOKEN) as stand_in:
        monkeypatch.setattr(Route, "BASE", stand_in.api_url)  # as STUDYHALL_DISCORD_API_URL does
        yield stand_in


async def test_the_readme_steps_leave_each_command_registered_once(discord: DiscordStandIn, capsys) -> None:
    await _sync(TOKEN, int(GUILD_ID))
    in_guild = capsys.readouterr().out
    count = len(discord.http.commands[GUILD_ID])
    assert count > 0 and f"Registered {count} command(s) in server {GUILD_ID}" in in_guild
    assert f"studyhall-bot --clear-guild {GUILD_ID}" in in_guild  # what to run once global

    await _sync(TOKEN, None)
    everywhere = capsys.readouterr().out
    assert len(discord.http.commands["global"]) == count
    assert "studyhall-bot --clear-guild SERVER_ID" in everywhere

    await _clear_guild(TOKEN, int(GUILD_ID))
    cleared = capsys.readouterr().out
    assert discord.http.commands[GUILD_ID] == []  # no second copy listed in the test server
    assert len(discord.http.commands["global"]) == count
    assert f"Removed the {count} command(s) registered in server {GUILD_ID} only" in cleared


@pytest.mark.parametrize("args", [["--sync", "--guild", "12345"], ["--clear-guild", "12345"]])
async def test_a_server_the_bot_is_not_in_is_one_clear_line(
    discord: DiscordStandIn, monkeypatch: pytest.MonkeyPatch, capsys, args: list[str]
) -> None:
    discord.http.foreign_guilds.add("12345")
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setenv("STUDYHALL_DISCORD_API_URL", discord.api_url)
    monkeypatch.setenv("STUDYHALL_HOME", str(Path("/nonexistent-but-unused")))
    assert await asyncio.to_thread(main, args) == 1  # its own event loop; the stand-in runs in ours
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Missing Access" in err and "is the bot in that server" in err


@pytest.fixture
async def offline_bot() -> AsyncIterator[BotHarness]:
    harness = await start_bot(None)
    try:
        yield harness
    finally:
        await harness.bot.close()


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


async def test_start_up_warns_once_when_discord_has_other_commands(
    offline_bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    bot, fake = offline_bot.bot, offline_bot.http
    caplog.set_level(logging.INFO)
    assert await warn_if_stale(bot, bot.tree)  # nothing registered yet
    [warning] = _warnings(caplog)
    assert "not registered: /ask" in warning and "run `studyhall-bot --sync`" in warning

    await bot.tree.sync()
    caplog.clear()
    assert not await warn_if_stale(bot, bot.tree)
    assert _warnings(caplog) == []

    # Discord leaves out false and empty fields in what it returns: still the same commands.
    for command in fake.commands["global"]:
        for option in command.get("options") or []:
            for key in [k for k, v in option.items() if v in (False, [], None)]:
                del option[key]
    assert not await warn_if_stale(bot, bot.tree)

    registered = copy.deepcopy(fake.commands["global"])
    ask = next(c for c in fake.commands["global"] if c["name"] == "ask")
    ask["options"] = ask["options"][:1]  # an older /ask, with fewer options
    fake.commands["global"].append({"name": "glossary", "type": 1, "description": "Old"})
    caplog.clear()
    assert await warn_if_stale(bot, bot.tree)
    [warning] = _warnings(caplog)
    assert "out of date: /ask" in warning and "no longer in the bot: /glossary" in warning
    assert "not registered" not in warning
    fake.commands["global"] = registered
    assert not await warn_if_stale(bot, bot.tree)
