"""`studyhall-bot`: run the Discord bot, or print / register its commands.

studyhall-bot                      run (DISCORD_TOKEN), auto-sharded
studyhall-bot --shards 4 [--shard-ids 0 1]   a fixed shard count, this process running some of them
studyhall-bot --print-commands     every application command as JSON, exactly as registered
studyhall-bot --print-commands --check   check them against Discord's limits
studyhall-bot --sync [--guild ID]  register the commands globally (or in one server, instantly)
studyhall-bot --clear-guild ID     remove the copies `--sync --guild ID` put in that server
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence

import aiohttp
import discord

from bot.client import StudyhallBot, command_payloads
from bot.command_limits import problems
from bot.discord_api import follow_gateway, use_api
from bot.registered import warn_if_stale
from bot.sharding import serves
from bot.shutdown import stop_on_signals
from core.app import App, open_app
from core.entry import configure_logging, load_settings
from core.errors import StudyhallError
from core.redact import redact_text
from core.settings import Settings

log = logging.getLogger("studyhall.bot")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="studyhall-bot", description="Studyhall's Discord bot.")
    parser.add_argument(
        "--print-commands", action="store_true", help="print every application command as JSON and exit"
    )
    parser.add_argument("--sync", action="store_true", help="register the commands with Discord and exit")
    parser.add_argument(
        "--check", action="store_true", help="with --print-commands: check them against Discord's limits"
    )
    parser.add_argument("--guild", type=int, help="with --sync: register in this server only (instant)")
    parser.add_argument(
        "--clear-guild",
        type=int,
        metavar="ID",
        help="remove the commands registered in this server only (after a global --sync)",
    )
    parser.add_argument("--shards", type=int, help="total shard count (default: Discord's recommendation)")
    parser.add_argument(
        "--shard-ids", type=int, nargs="+", help="with --shards: the shards this process runs"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens (to stderr)")
    return parser


class _NoVoiceNotice(logging.Filter):
    """The bot never joins voice: discord.py's notice about missing voice libraries is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    logging.getLogger("discord.client").addFilter(_NoVoiceNotice())
    if args.guild is not None and not args.sync:
        return _fail("--guild only goes with --sync")
    if args.check and not args.print_commands:
        return _fail("--check only goes with --print-commands")
    if args.clear_guild is not None and (args.sync or args.print_commands):
        return _fail("--clear-guild is a step of its own: run it after `studyhall-bot --sync`")
    if args.shard_ids and not args.shards:
        return _fail("--shard-ids needs --shards (the total)")
    if args.shards is not None and args.shards < 1:
        return _fail("--shards must be at least 1")
    if args.shard_ids and any(not 0 <= i < args.shards for i in args.shard_ids):
        return _fail(f"--shard-ids must be between 0 and {args.shards - 1}")
    if args.print_commands:
        commands = asyncio.run(_commands())
        if args.check:
            return _check(commands)
        sys.stdout.write(json.dumps(commands, indent=2, ensure_ascii=False) + "\n")
        return 0
    try:
        settings = load_settings()
    except ValueError as err:
        return _fail(str(err))
    if not settings.discord_token:
        return _fail("set DISCORD_TOKEN to the bot's token (Discord Developer Portal → Bot → Reset Token)")
    use_api(settings.discord_api_url)
    try:
        if args.sync:
            asyncio.run(_sync(settings.discord_token, args.guild))
        elif args.clear_guild is not None:
            asyncio.run(_clear_guild(settings.discord_token, args.clear_guild))
        else:
            asyncio.run(_run(settings, args))
    except discord.LoginFailure:
        return _fail("Discord refused the token: check DISCORD_TOKEN")
    except discord.Forbidden as err:  # --guild or --clear-guild naming a server the bot is not in
        return _fail(
            f"Discord refused ({err.text}): is the bot in that server, invited with the "
            "applications.commands scope? The server's id is in Discord under Copy Server ID."
        )
    except discord.PrivilegedIntentsRequired as err:
        return _fail(str(err))
    except StudyhallError as err:
        return _fail(str(err))
    except (aiohttp.ClientError, OSError) as err:
        return _fail(f"cannot reach Discord: {err}")
    except KeyboardInterrupt:
        pass
    return 0


async def _commands() -> list[dict]:
    bot = StudyhallBot(None)
    await bot.setup_hook()
    return command_payloads(bot.tree)


def _check(commands: list[dict]) -> int:
    found = problems(commands)
    for problem in found:
        sys.stderr.write(f"studyhall-bot: {problem}\n")
    if found:
        sys.stderr.write(f"studyhall-bot: error: {len(found)} problem(s) with Discord's command limits\n")
        return 1
    sys.stdout.write(f"All {len(commands)} commands are within Discord's limits.\n")
    return 0


async def _sync(token: str, guild: int | None) -> None:
    bot = StudyhallBot(None)
    async with bot:
        await bot.login(token)
        if guild is None:
            synced = await bot.tree.sync()
            sys.stdout.write(
                f"Registered {len(synced)} command(s) in every server (Discord can take up to an hour "
                "to show changes).\nIf you registered them in a test server with --guild before, remove "
                "those copies or Discord lists each command twice there: "
                "studyhall-bot --clear-guild SERVER_ID\n"
            )
            return
        target = discord.Object(id=guild)
        bot.tree.copy_global_to(guild=target)
        synced = await bot.tree.sync(guild=target)
        sys.stdout.write(
            f"Registered {len(synced)} command(s) in server {guild} (they show at once).\n"
            "These are copies for that server only. Once you register globally "
            f"(studyhall-bot --sync), remove them: studyhall-bot --clear-guild {guild}\n"
        )


async def _clear_guild(token: str, guild: int) -> None:
    bot = StudyhallBot(None)
    async with bot:
        await bot.login(token)
        target = discord.Object(id=guild)
        had = await bot.tree.fetch_commands(guild=target)
        bot.tree.clear_commands(guild=target)
        await bot.tree.sync(guild=target)
        sys.stdout.write(
            f"Removed the {len(had)} command(s) registered in server {guild} only; "
            "the global commands stay (studyhall-bot --sync registers them).\n"
        )


async def _run(settings: Settings, args: argparse.Namespace) -> None:
    async with open_app(settings) as app:  # migrates the database
        # Load the model and the bound courses' indexes in the background: the first /ask waits
        # for them (it is deferred), connecting to Discord does not.
        warming = asyncio.create_task(_warm(app, args.shards, args.shard_ids), name="studyhall-warm")
        bot = StudyhallBot(app, shard_count=args.shards, shard_ids=args.shard_ids)
        stop_on_signals(bot)
        try:
            async with bot:
                await bot.login(settings.discord_token)
                await follow_gateway(bot)
                await warn_if_stale(bot, bot.tree)
                await bot.connect()
        finally:
            warming.cancel()


async def _warm(app: App, shard_count: int | None = None, shard_ids: Sequence[int] | None = None) -> None:
    """Load the books of the courses bound to servers this process serves: with the shards split
    over processes, each warms only its own servers' courses (an index takes memory and time)."""
    for course in await app.courses.list():
        guilds = await app.courses.guild_ids(course.slug)
        if not any(serves(g, shard_count=shard_count, shard_ids=shard_ids) for g in guilds):
            continue
        try:
            await app.library.warm(course)
        except Exception:  # a broken book must not stop the bot; /book status tells the instructor
            log.exception("could not load the book of %r", course.slug)


def _fail(message: str) -> int:
    sys.stderr.write(f"studyhall-bot: error: {redact_text(message)}\n")
    return 1


if __name__ == "__main__":
    sys.exit(main())
