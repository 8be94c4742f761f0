"""Housekeeping: archive old conversations, purge what has expired (DATA_MODEL.md's rules)."""

from __future__ import annotations

from datetime import timedelta

from core.auth_failures import KEPT as AUTH_FAILURES_KEPT
from core.clock import Clock, utcnow
from core.conversations import Conversations
from core.progress.leaderboard import Leaderboards
from core.store.session import Store

AUDIT_KEPT = timedelta(days=90)
TOKENS_KEPT_AFTER_END = timedelta(days=30)  # expired or revoked tokens stay listed this long
QUOTA_WINDOWS_KEPT = timedelta(days=2)
USAGE_KEPT = timedelta(days=365)
BIND_CODES_KEPT = timedelta(days=30)  # after they expire: "was this code used?" stays answerable


class Maintenance:
    def __init__(
        self, store: Store, conversations: Conversations, leaderboards: Leaderboards, clock: Clock = utcnow
    ):
        self._store = store
        self._conversations = conversations
        self._leaderboards = leaderboards
        self._clock = clock

    async def run(self) -> dict[str, int]:
        now = self._clock()
        archived = await self._conversations.archive_old()
        async with self._store.read() as s:
            courses = await s.courses.list()
        frozen = [week for course in courses if (week := await self._leaderboards.freeze_due(course))]
        async with self._store.transaction() as s:
            return {
                "conversations_archived": archived,
                "leaderboard_weeks_frozen": len(frozen),
                "tokens_purged": await s.tokens.delete_expired(now - TOKENS_KEPT_AFTER_END),
                "cache_entries_purged": await s.generated.purge_expired(now),
                "audit_entries_purged": await s.audit.purge_before(now - AUDIT_KEPT),
                "quota_windows_purged": await s.quotas.purge_before(now - QUOTA_WINDOWS_KEPT),
                "usage_events_purged": await s.usage.purge_before(now - USAGE_KEPT),
                "bind_codes_purged": await s.bind_codes.purge_before(now - BIND_CODES_KEPT),
                "auth_failures_purged": await s.auth_failures.purge_before(now - AUTH_FAILURES_KEPT),
            }
