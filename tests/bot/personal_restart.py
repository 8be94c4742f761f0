"""A second bot over the same core, as after a restart, whose fake Discord still holds the messages
the first bot sent (so buttons on them can be pressed and the messages edited)."""

from __future__ import annotations

import itertools

from core.app import App
from tests.bot.harness import BotHarness, start_bot


async def restarted(book_app: App, before: BotHarness) -> BotHarness:
    fresh = await start_bot(book_app)
    fresh.http.messages.update(before.http.messages)
    fresh.http._ids = itertools.count(1_400_000_000_000_000_000)  # new ids never clash with old ones
    return fresh
