"""The real `studyhall-bot` process against a local stand-in for Discord (REST and gateway): it logs
in, gets READY and the server, says when Discord's commands are stale, registers them (--sync,
--guild, --clear-guild), answers /ask interactions sent over the gateway, RESUMEs a dropped
connection, and ends cleanly on SIGINT and SIGTERM."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot.discord_fake import APP_ID
from tests.bot.discord_server import RESUME, DiscordStandIn
from tests.bot.harness import GUILD_ID, INSTRUCTOR, BotHarness
from tests.cli import runner
from tests.shared import REPO

TOKEN = "stand-in-bot-token"
ZMP = "What is the zero moment point?"
BALANCE = "How does a humanoid keep its balance?"
GLOBAL = f"/applications/{APP_ID}/commands"
IN_GUILD = f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"


def _script() -> str:
    """The console script the project installs, next to this Python (the virtualenv's bin)."""
    beside = Path(sys.executable).with_name("studyhall-bot")
    found = str(beside) if beside.exists() else shutil.which("studyhall-bot")
    assert found, "studyhall-bot is not installed (pip install -e .)"
    return found


class BotProcess:
    """`studyhall-bot ARGS…` as a child process; its stderr lines kept as they come."""

    def __init__(self, discord: DiscordStandIn, env: dict[str, str], *args: str):
        self.discord, self.env, self.args = discord, env, args
        self.lines: list[str] = []
        self.stdout = ""
        self.process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task | None = None

    async def start(self) -> BotProcess:
        self.process = await asyncio.create_subprocess_exec(
            _script(),
            *self.args,
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        self._reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        assert self.process and self.process.stderr and self.process.stdout
        async for raw in self.process.stderr:
            self.lines.append(raw.decode().rstrip())
            await self.discord.notify()
        self.stdout = (await self.process.stdout.read()).decode()
        await self.process.wait()
        await self.discord.notify()

    def logged(self, text: str) -> list[str]:
        return [line for line in self.lines if text in line]

    async def wait_log(self, text: str) -> str:
        await self.discord.until(lambda: self.logged(text) or self.ended(), within=90)
        assert self.logged(text), "\n".join(self.lines)
        return self.logged(text)[0]

    async def until(self, predicate, within: float = 90) -> object:
        """The stand-in's `until`, telling what the bot logged and asked when it times out."""
        try:
            return await self.discord.until(lambda: predicate() or self.ended(), within=within)
        finally:
            calls = [(c.method, c.path) for c in self.discord.http.calls[-8:]]
            assert predicate(), "\n".join([*self.lines, *map(str, calls)])

    def ended(self) -> bool:
        return self.process is not None and self.process.returncode is not None

    async def finish(self, within: float = 90) -> int:
        assert self.process is not None
        code = await asyncio.wait_for(self.process.wait(), within)
        await asyncio.wait_for(self._reader, within)
        return code

    async def stop(self, signum: int) -> int:
        assert self.process is not None
        self.process.send_signal(signum)
        return await self.finish()


@pytest.fixture
async def discord() -> AsyncIterator[DiscordStandIn]:
    async with DiscordStandIn(TOKEN) as stand_in:
        yield stand_in


@pytest.fixture
def bot_env(tmp_path: Path, discord: DiscordStandIn) -> dict[str, str]:
    """A data folder with the sample book ingested by the `studyhall` CLI (keyword search: no model
    and no network), and the environment that points the bot at it and at the stand-in."""
    no_model = tmp_path / "no-model"
    no_model.mkdir()
    database = f"sqlite:///{tmp_path / 'studyhall.db'}"
    studyhall = runner(tmp_path, database)
    done = studyhall(
        "ingest", "--sample", "--course", "sample", "--instructor", INSTRUCTOR.id,
        STUDYHALL_EMBEDDING_MODEL_PATH=str(no_model),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STUDYHALL_", "ANTHROPIC_"))}
    return env | {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        "STUDYHALL_HOME": str(tmp_path / "home"),
        "STUDYHALL_DATABASE_URL": database,
        "STUDYHALL_EMBEDDING_MODEL_PATH": str(no_model),
        "STUDYHALL_DISCORD_API_URL": discord.api_url,
        "DISCORD_TOKEN": TOKEN,
        "PYTHONUNBUFFERED": "1",
    }


async def _run(discord: DiscordStandIn, env: dict[str, str], *args: str) -> BotProcess:
    bot = await BotProcess(discord, env, *args).start()
    assert await bot.finish() == 0, "\n".join(bot.lines)
    return bot


def _answered(discord: DiscordStandIn, token: str) -> dict | None:
    """The interaction's reply as Discord shows it now, once it is no longer "thinking…"."""
    message = discord.http.messages.get(discord.http.originals.get(token, ""))
    if message is None or message.get("_loading"):
        return None
    return message


async def _ask(discord: DiscordStandIn, bot: BotProcess, payloads: BotHarness, question: str) -> dict:
    payload = payloads.slash("ask", question=question)
    await discord.interaction(payload)
    return await bot.until(lambda: _answered(discord, payload["token"]))


def _sources(message: dict) -> str:
    [embed] = message["embeds"]
    return next(f["value"] for f in embed["fields"] if f["name"] == "Sources")


async def test_the_bot_process_against_a_local_discord(discord: DiscordStandIn, bot_env) -> None:
    started = time.perf_counter()
    payloads = BotHarness(None, discord.http)  # only its payload builders: the bot is the process

    # Nothing registered yet: the bot says so once, with the fix, and still connects.
    stale = await BotProcess(discord, bot_env, "-v").start()
    warning = await stale.wait_log("differ from the bot's")
    assert warning.startswith("WARNING") and "not registered: /ask" in warning
    assert "studyhall-bot --sync" in warning
    await stale.wait_log("connected as")
    assert await stale.stop(signal.SIGINT) == 0, "\n".join(stale.lines)
    assert len(stale.logged("differ from the bot's")) == 1

    # The README's steps: a test server first (instant), then everyone, then the test copies removed.
    printed = await _run(discord, bot_env, "--print-commands")
    count = printed.stdout.count('\n    "name": ')  # top-level commands in the indented JSON
    in_guild = await _run(discord, bot_env, "--sync", "--guild", GUILD_ID)
    assert len(discord.http.commands[GUILD_ID]) == count
    assert f"studyhall-bot --clear-guild {GUILD_ID}" in in_guild.stdout
    everywhere = await _run(discord, bot_env, "--sync")
    assert len(discord.http.commands["global"]) == count
    assert "studyhall-bot --clear-guild" in everywhere.stdout
    cleared = await _run(discord, bot_env, "--clear-guild", GUILD_ID)
    assert discord.http.commands[GUILD_ID] == [] and len(discord.http.commands["global"]) == count
    assert f"Removed the {count} command(s) registered in server {GUILD_ID}" in cleared.stdout
    puts = [(c.method, c.path) for c in discord.http.calls if c.method == "PUT"]
    assert puts == [("PUT", IN_GUILD), ("PUT", GLOBAL), ("PUT", IN_GUILD)]

    # Registered now: no warning; IDENTIFY → READY → the server.
    frames_before = len(discord.frames)
    # A fixed shard count: discord.py would go to Discord's own gateway, the bot follows the API's.
    bot = await BotProcess(discord, bot_env, "-v", "--shards", "1").start()
    assert "1 server(s)" in await bot.wait_log("connected as")
    assert not bot.logged("differ from the bot's")
    identify = [f for f in discord.frames[frames_before:] if f["op"] == 2]
    assert identify and identify[0]["d"]["token"] == TOKEN
    assert identify[0]["d"]["intents"] == 1  # guilds only: no privileged intents

    # The instructor binds the server, a student asks: a cited answer through the REST callback.
    setup = payloads.slash("course", sub="setup", person=INSTRUCTOR, slug="sample")
    await discord.interaction(setup)
    bound = await bot.until(lambda: _answered(discord, setup["token"]))
    assert "sample" in (bound["content"] + str(bound["embeds"])).lower()
    first = await _ask(discord, bot, payloads, ZMP)
    assert "[1]" in _sources(first) and first["embeds"][0]["title"] == ZMP

    # Discord drops the connection (close code 4000): the bot RESUMEs its session and answers again.
    resumed_before = len(discord.ops(RESUME))
    await discord.drop(4000)
    await bot.until(lambda: len(discord.ops(RESUME)) > resumed_before and discord.connected)
    resume = discord.ops(RESUME)[-1]["d"]
    assert resume["session_id"] == discord.session_id and resume["token"] == TOKEN and resume["seq"]
    await bot.wait_log("successfully RESUMED")
    second = await _ask(discord, bot, payloads, BALANCE)
    assert "[1]" in _sources(second)

    # A plain drop (no close frame) is resumed too.
    await discord.drop(None)
    await bot.until(lambda: len(discord.ops(RESUME)) > resumed_before + 1 and discord.connected)
    third = await _ask(discord, bot, payloads, ZMP)
    assert "[1]" in _sources(third)
    assert len(discord.ops(2)) == 2  # one IDENTIFY per process: the drops were resumed, not re-identified

    assert await bot.stop(signal.SIGTERM) == 0, "\n".join(bot.lines)
    assert not bot.logged("Traceback"), "\n".join(bot.lines)
    print(f"\nprocess-level test: {time.perf_counter() - started:.1f} s wall time")
