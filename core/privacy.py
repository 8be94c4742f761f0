"""A user's data: export all of it, or forget all of it."""

from __future__ import annotations

from typing import Any

from core.clock import Clock, utcnow
from core.errors import NotFound
from core.store.session import Store

EXPORT_FORMAT = 1
# Rows that outlive the user, with the user set to NULL: security events and usage counts.
ANONYMISED_TABLES = frozenset({"audit_log", "usage_events"})


class Privacy:
    def __init__(self, store: Store, clock: Clock = utcnow):
        self._store = store
        self._clock = clock

    async def export(self, user_id: str, *, surface: str = "cli") -> dict[str, Any]:
        """Every row about the user, as JSON-ready data. The export itself is audited."""
        now = self._clock()
        async with self._store.transaction() as s:
            data = await s.user_data.export(user_id)
            if data is None:
                raise NotFound("user", user_id)
            await s.audit.record("export", surface, now, user_id=user_id)
        return {"format": EXPORT_FORMAT, "exported_at": now.isoformat(), **data}

    async def forget(self, user_id: str, *, surface: str = "cli") -> dict[str, int]:
        """Delete the user and everything that cascades from them; return what was removed.

        Audit rows stay, with the user set to NULL; the forget event names no one.
        """
        now = self._clock()
        async with self._store.transaction() as s:
            counts = await s.user_data.count_rows(user_id)
            if not await s.users.delete(user_id):
                raise NotFound("user", user_id)
            removed = {table: n for table, n in counts.items() if table not in ANONYMISED_TABLES}
            await s.audit.record("forget", surface, now, details={"removed": removed})
        return removed
