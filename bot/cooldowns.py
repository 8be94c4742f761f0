"""Cooldowns on what a student posts for the whole channel to see (the /leaderboard chart): one post
per person and channel every so often, so that nobody can fill a channel with charts.

Kept in this process's memory, deliberately: a server's channels are all served by one shard, so by
one process, and a restart forgetting a minute's cooldown harms nobody. Unlike discord.py's
app_commands.checks.cooldown, which charges every attempt before the command runs, a post is only
charged when it went out: a mistake (a bad week) costs nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from core.errors import RateLimited, StudyhallError

BOARD_EVERY = timedelta(seconds=60)
_PRUNE_AT = 10_000  # remembered posts before the expired ones are forgotten


class PostedTooSoon(RateLimited):
    def __init__(self, retry_after: timedelta, what: str):
        seconds = max(1, int(retry_after.total_seconds() + 0.999))
        StudyhallError.__init__(
            self,
            f"You posted {what} in this channel a moment ago; it is still there to scroll up to. "
            f"You can post it again in {seconds} seconds.",
        )
        self.retry_after = retry_after


class PostCooldown:
    def __init__(self, every: timedelta, what: str):
        self.every = every
        self.what = what
        self._last: dict[tuple[int, int], datetime] = {}

    @asynccontextmanager
    async def posting(self, user_id: int, channel_id: int, now: datetime) -> AsyncIterator[None]:
        """Refuse (PostedTooSoon) while this person's last post here is recent; else hold the slot
        while the post is made, and give it back if the post fails."""
        key = (user_id, channel_id)
        before = self._last.get(key)
        if before is not None and now < before + self.every:
            raise PostedTooSoon(before + self.every - now, self.what)
        self._last[key] = now  # taken at once: a second click while this one posts is refused
        try:
            yield
        except BaseException:
            if before is None:
                self._last.pop(key, None)
            else:
                self._last[key] = before
            raise
        if len(self._last) > _PRUNE_AT:
            self._last = {k: t for k, t in self._last.items() if now < t + self.every}
