"""Every application command, exactly as it would be registered with Discord: valid, within Discord's
limits, staff commands hidden from members; `studyhall-bot --print-commands` and `--sync`."""

from __future__ import annotations

import json
import subprocess
import sys

import discord
import pytest

from bot.__main__ import main
from bot.client import command_payloads
from bot.command_limits import problems
from tests.bot.discord_fake import APP_ID
from tests.bot.harness import GUILD_ID, start_bot

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


@pytest.fixture(scope="module")
def printed() -> list[dict]:
    out = subprocess.run(
        [sys.executable, "-m", "bot", "--print-commands"], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_every_command_is_registered_within_discords_rules(printed: list[dict]) -> None:
    slash = {c["name"] for c in printed if c.get("type", 1) == 1}
    assert slash >= STUDENT_COMMANDS | STAFF_COMMANDS  # and whatever else the tree holds now
    assert CONTEXT_MENU in [c["name"] for c in printed if c.get("type") == 3]
    assert problems(printed) == []


def test_the_limits_check_finds_each_broken_rule() -> None:
    ok = {"name": "ok", "type": 3, "description": "fine"}
    broken = [
        {"name": "Ask", "type": 1, "description": "x" * 101},
        {
            "name": "big",
            "type": 1,
            "description": "d",
            "options": [ok | {"name": f"o{i}"} for i in range(26)],
        },
        {
            "name": "order",
            "type": 1,
            "description": "d",
            "options": [ok | {"name": "later"}, ok | {"name": "first", "required": True}],
        },
        {
            "name": "pick",
            "type": 1,
            "description": "d",
            "options": [
                ok | {"choices": [{"name": str(i), "value": str(i)} for i in range(26)]},
                ok | {"name": "long", "choices": [{"name": "n" * 101, "value": "v"}]},
            ],
        },
        {
            "name": "wordy",
            "type": 1,
            "description": "d" * 100,
            "options": [
                ok
                | {"name": f"w{i}", "description": "w" * 100, "choices": [{"name": "c" * 60, "value": "v"}]}
                for i in range(25)
            ],
        },  # fmt: skip
        {"name": "Menu", "type": 3, "description": "", "options": []},
    ]
    found = problems(broken)
    assert any(p.startswith("/Ask: a name must be lowercase") for p in found), found
    assert any(p.startswith("/Ask: a description must be 1-100") for p in found), found
    assert "/big: at most 25 options (has 26)" in found
    assert any(p.startswith("/order first: a required option must come before") for p in found), found
    assert "/pick ok: at most 25 choices (has 26)" in found
    assert any(p.startswith("/pick long: choice name") for p in found), found
    assert any(
        p.startswith("/wordy: ") and "characters in names, descriptions, choices (max 4000)" in p
        for p in found
    ), found
    assert not [p for p in found if "Menu" in p]  # a context-menu name may have capitals and spaces
    many = [{"name": f"c{i}", "type": 1, "description": "d"} for i in range(101)]
    assert problems(many) == ["at most 100 commands of type 1 (has 101)"]


def test_print_commands_check_says_whether_the_tree_fits(capsys) -> None:
    assert main(["--print-commands", "--check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("All ") and out.endswith("commands are within Discord's limits.\n")


def test_staff_commands_are_hidden_from_members_and_server_only(printed: list[dict]) -> None:
    for command in printed:
        if command["name"] in STAFF_COMMANDS:
            assert str(command["default_member_permissions"]) == MANAGE_GUILD, command["name"]
            assert command["contexts"] == [0], command["name"]  # servers only, not the deprecated flag
        else:
            assert command.get("default_member_permissions") is None, command["name"]
            assert command["contexts"] == [0, 1], command["name"]  # servers and DMs with the bot


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
    assert main(["--check"]) == 1
    assert "--check only goes with --print-commands" in capsys.readouterr().err
    assert main(["--sync", "--clear-guild", "1"]) == 1
    assert "--clear-guild is a step of its own" in capsys.readouterr().err
    assert main([]) == 1
    assert "set DISCORD_TOKEN" in capsys.readouterr().err
