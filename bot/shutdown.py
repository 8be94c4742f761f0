"""Stopping the bot on SIGTERM (a service manager, `docker stop`) or SIGINT (Ctrl+C): answers already
under way are finished first (their replies and database writes), then the connection to Discord
closes, and the caller closes the database; the process ends with status 0."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import discord

log = logging.getLogger("studyhall.bot")

# Tasks that carry an interaction's work: the command tree's, views', modals', dynamic items', ours.
IN_FLIGHT = ("CommandTree-invoker", "discord-ui-view-dispatch", "discord-ui-modal-dispatch",
             "discord-ui-dynamic-item", "studyhall-slow-notice", "studyhall-ingest-progress")  # fmt: skip
GRACE = 20.0  # seconds in-flight work gets; service managers usually wait 30 s before SIGKILL


async def finish_in_flight(grace: float = GRACE) -> None:
    """Wait (at most `grace` s) for the interactions being answered now."""
    pending = {t for t in asyncio.all_tasks() if not t.done() and t.get_name().startswith(IN_FLIGHT)}
    if not pending:
        return
    log.info("finishing %d interaction task(s) before stopping", len(pending))
    _, left = await asyncio.wait(pending, timeout=grace)
    if left:
        log.warning("stopping with %d interaction task(s) unfinished after %.0f s", len(left), grace)


def stop_on_signals(client: discord.Client) -> None:
    loop = asyncio.get_running_loop()
    stopping: list[asyncio.Task] = []

    async def stop() -> None:
        await finish_in_flight()
        await client.close()

    def on_signal(name: str) -> None:
        if stopping:  # a second signal while stopping: nothing more to do
            return
        log.info("%s: stopping", name)
        stopping.append(loop.create_task(stop(), name="studyhall-stop"))

    for signum in (signal.SIGTERM, signal.SIGINT):
        # Not on every platform, nor outside the main thread: then the default handling stays.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, on_signal, signal.Signals(signum).name)
