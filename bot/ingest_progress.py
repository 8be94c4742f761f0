"""Ingest progress shown in the pending reply: the core reports every step, Discord gets at most one
edit per interval (edits are rate-limited, and a reader cannot follow faster anyway)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

import discord

log = logging.getLogger(__name__)

STAGES = {"files": "📄 Reading files", "embedding": "🧮 Embedding passages", "storing": "💾 Storing"}

Show = Callable[[str], Awaitable[None]]


def progress_text(stage: str, done: int, total: int) -> str:
    label = STAGES.get(stage, stage)
    return f"⏳ Ingesting the book… {label}: {done}/{total}" if total else f"⏳ Ingesting the book… {label}"


class ThrottledProgress:
    """The core's Progress callback (synchronous): remembers the latest step, and shows it when
    `interval` seconds have passed since the last edit and no edit is still on its way."""

    def __init__(self, show: Show, *, interval: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self._show = show
        self._interval = interval
        self._clock = clock
        self._last: float | None = None
        self._pending: asyncio.Task | None = None
        self.shown: list[str] = []

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self._clock()
        if self._pending is not None and not self._pending.done():
            return
        if self._last is not None and now - self._last < self._interval:
            return
        self._last = now
        text = progress_text(stage, done, total)
        self.shown.append(text)
        self._pending = asyncio.create_task(self._edit(text), name="studyhall-ingest-progress")

    async def _edit(self, text: str) -> None:
        try:
            await self._show(text)
        except discord.HTTPException:
            log.debug("could not show ingest progress", exc_info=True)

    async def finish(self) -> None:
        """Let the last progress edit land before the summary replaces it."""
        if self._pending is not None:
            await self._pending
