"""Every application command, exactly as it would be registered with Discord: valid, within Discord's
limits, staff commands hidden from members; `studyhall-bot --print-commands` and `--sync`."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import discord
import pytest

from bot.__main__ import main
from bot.client import command_payloads
from tests.bot.discord_fake import APP_ID
from tests.bot.harness import GUILD_ID, start_bot

NAME = re.compile(r"^[-_'\w]{1,32}$")
STUDENT_COMMANDS = {
    "ask",
    "help",
    "courses",
    "search",
    "read",
    "progress",
    "complete",
    "quiz",
    "leaderboard",
    "profile",
    "recommend",
    "history",
    "explain",
    "translate",
    "privacy",
    "token",
}
STAFF_COMMANDS = {"course", "book", "class"}
CONTEXT_MENU = "Ask the book about this"
MANAGE_GUILD = str(1 << 5)


def _size(command: dict) -> int:
    """Discord's 8000-char budget: names, descriptions, choice names and values, all levels."""
    total = len(command.get("name", "")) + len(command.get("description", ""))
    for option in command.get("options", []):
        total += _size(option)
        for choice in option.get("choices", []):
            total += len(choice["name"]) + len(str(choice["value"]))
    return total


def _check_options(options: list[dict], where: str) -> None:
    assert len(options) <= 25, where
    for option in options:
        assert NAME.match(option["name"]) and option["name"] == option["name"].lower(), where
        assert 1 <= len(option["description"]) <= 100, (where, option["name"])
        assert len(option.get("choices", [])) <= 25, (where, option["name"])
        _check_options(option.get("options", []), f"{where} {option['name']}")


@pytest.fixture(scope="module")
def printed() -> list[dict]:
    out = subprocess.run(
        [sys.executable, "-m", "bot", "--print-commands"], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_every_command_is_registered_within_discords_rules(printed: list[dict]) -> None:
    slash = {c["name"]: c for c in printed if c.get("type", 1) == 1}
    assert set(slash) == STUDENT_COMMANDS | STAFF_COMMANDS
    assert [c["name"] for c in printed if c.get("type") == 3] == [CONTEXT_MENU]
    assert len(slash) <= 100
    for name, command in slash.items():
        assert NAME.match(name) and name == name.lower()
        assert 1 <= len(command["description"]) <= 100, name
        _check_options(command.get("options", []), name)
        assert _size(command) <= 8000, name


def test_staff_commands_are_hidden_from_members_and_server_only(printed: list[dict]) -> None:
    for command in printed:
        if command["name"] in STAFF_COMMANDS:
            assert str(command["default_member_permissions"]) == MANAGE_GUILD, command["name"]
            assert command.get("contexts") == [0] or command.get("dm_permission") is False
        else:
            assert command.get("default_member_permissions") is None, command["name"]


async def test_print_commands_matches_the_live_tree(printed: list[dict]) -> None:
    harness = await start_bot(None)
    try:
        assert command_payloads(harness.bot.tree) == printed
    finally:
        await harness.bot.close()


async def test_sync_registers_globally_or_in_one_server(printed: list[dict]) -> None:
    harness = await start_bot(None)
    try:
        synced = await harness.bot.tree.sync()
        assert len(synced) == len(printed)
        put = harness.http.calls[-1]
        assert (put.method, put.path) == ("PUT", f"/applications/{APP_ID}/commands")
        assert put.json == printed
        harness.bot.tree.copy_global_to(guild=discord.Object(id=int(GUILD_ID)))
        await harness.bot.tree.sync(guild=discord.Object(id=int(GUILD_ID)))
        assert harness.http.calls[-1].path == f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
    finally:
        await harness.bot.close()


def test_the_command_line_refuses_contradictions(capsys, monkeypatch) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("STUDYHALL_DISCORD_TOKEN", raising=False)
    monkeypatch.setenv("STUDYHALL_HOME", "/nonexistent-but-unused")
    assert main(["--guild", "1"]) == 1
    assert "--guild only goes with --sync" in capsys.readouterr().err
    assert main(["--shard-ids", "0"]) == 1
    assert main(["--shards", "2", "--shard-ids", "2"]) == 1
    assert "between 0 and 1" in capsys.readouterr().err
    assert main([]) == 1
    assert "set DISCORD_TOKEN" in capsys.readouterr().err
