"""A user's data: export all of it, or forget all of it."""

from __future__ import annotations

import json
from typing import Any

from core.clock import Clock, utcnow
from core.errors import NotFound
from core.store.session import Store, StoreSession

EXPORT_FORMAT = 1
# Rows that outlive the user, with the user set to NULL: security events, usage counts, and
# public Discord messages still to be taken down (where, not who).
ANONYMISED_TABLES = frozenset({"audit_log", "usage_events", "public_posts"})
MIN_SEARCHED_ID = 8  # ids at least this long are also found inside longer strings
# Audit details that are the person's own words or names: dropped from the rows about them.
FREE_TEXT_DETAILS = frozenset({"name", "display_name", "nickname", "email", "comment", "question", "title"})


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
            data["leaderboard_snapshots"] = [
                {"course": b["course"], "week_start": b["week_start"], "row": row}
                for b in await s.leaderboards.snapshots_with(user_id)
                for row in b["rows"]
                if row.get("user_id") == user_id
            ]
            await s.audit.record("export", surface, now, user_id=user_id)
        return {"format": EXPORT_FORMAT, "exported_at": now.isoformat(), **data}

    async def forget(self, user_id: str, *, surface: str = "cli") -> dict[str, int]:
        """Delete the user and everything that cascades from them; return what was removed.

        Frozen weekly boards lose the user's row (the others keep the rank they were shown with).
        Audit rows stay, with the user set to NULL and their ids, names and token names taken out
        of the details, also where they acted on someone else; the forget event names no one.
        """
        now = self._clock()
        async with self._store.transaction() as s:
            counts = await s.user_data.count_rows(user_id)
            ids, texts = await s.user_data.names(user_id)
            boards = await _leave_frozen_boards(s, user_id)
            await _anonymise_audit(s, user_id, ids, texts)
            if not await s.users.delete(user_id):
                raise NotFound("user", user_id)
            removed = {table: n for table, n in counts.items() if table not in ANONYMISED_TABLES}
            if boards:
                removed["leaderboard_snapshots"] = boards
            await s.audit.record("forget", surface, now, details={"removed": removed})
        return removed


async def _leave_frozen_boards(s: StoreSession, user_id: str) -> int:
    """Take the user's row off every frozen board; ranks stay as they were posted that week."""
    boards = await s.leaderboards.snapshots_with(user_id)
    for board in boards:
        await s.leaderboards.rewrite_snapshot(
            board["id"], [row for row in board["rows"] if row.get("user_id") != user_id]
        )
    return len(boards)


async def _anonymise_audit(s: StoreSession, user_id: str, ids: set[str], texts: set[str]) -> None:
    # Ids are searched in everyone's rows ("by": the user); names only in the user's own rows,
    # where a common word (a token called "laptop") is theirs and not someone else's.
    wanted = sorted(ids | {json.dumps(i)[1:-1] for i in ids})
    for entry in await s.audit.mentioning(user_id, wanted):
        own = entry["user_id"] == user_id
        details = _without(entry["details"], ids, texts if own else set(), dropping=own)
        if details != entry["details"]:
            await s.audit.set_details(entry["id"], details)


def _without(value: Any, ids: set[str], texts: set[str], *, dropping: bool) -> Any:
    """`value` with every string holding one of `ids` or equal to one of `texts` set to None, and
    (when `dropping`) the free-text keys removed."""
    if isinstance(value, dict):
        return {
            key: _without(item, ids, texts, dropping=dropping)
            for key, item in value.items()
            if not (dropping and key in FREE_TEXT_DETAILS)
        }
    if isinstance(value, list):
        return [_without(item, ids, texts, dropping=dropping) for item in value]
    if isinstance(value, str) and (value in texts or value in ids or any(_within(i, value) for i in ids)):
        return None
    return value


def _within(identifier: str, text: str) -> bool:
    # Long ids (UUIDs, Discord snowflakes) are looked for inside strings ("discord:<id>"); a short
    # one (a local login) only as a whole value, so it cannot blank unrelated words.
    return len(identifier) >= MIN_SEARCHED_ID and identifier in text
