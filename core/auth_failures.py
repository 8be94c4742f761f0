"""Failed bearer-token attempts: counted per client and minute in the database, so that a flood of
made-up tokens costs one row a minute instead of one audit entry a request, and a client that keeps
failing is refused for a while by every process, before any token is looked up."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.clock import Clock, utcnow
from core.errors import RateLimited
from core.store.session import Store

WINDOW = timedelta(minutes=10)
MINUTE = timedelta(minutes=1)
KEPT = timedelta(days=30)  # for incident response, then purged by `maintain`
LOCAL = "local"  # stdio: the process's own user, who has no address
MAX_CLIENT_CHARS = 64


def minute_of(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


class AuthFailures:
    def __init__(self, store: Store, clock: Clock = utcnow, *, limit: int = 20):
        self._store = store
        self._clock = clock
        self.limit = limit  # failures one client may have within WINDOW

    async def check(self, client: str | None) -> None:
        """RateLimited when the client failed `limit` times in the last WINDOW (one read, no write)."""
        if not client:
            return
        now = self._clock()
        start = minute_of(now) - WINDOW + MINUTE
        async with self._store.read() as s:
            minutes = await s.auth_failures.since(_key(client), start)
        total = sum(count for _, count in minutes)
        if total < self.limit:
            return
        # Wait until enough of the oldest minutes have left the window to bring the count below it.
        for moment, count in minutes:
            total -= count
            if total < self.limit:
                raise RateLimited(moment + WINDOW - now, what="attempts with unknown tokens from here")

    async def count(self, client: str | None, reason: str) -> None:
        """One more failure for the client in this minute's row."""
        async with self._store.transaction() as s:
            await s.auth_failures.add(_key(client), minute_of(self._clock()), reason[:64])


def _key(client: str | None) -> str:
    return (client or LOCAL)[:MAX_CLIENT_CHARS]
