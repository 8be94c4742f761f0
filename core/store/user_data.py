"""Every row about one user, for the "export my data" request.

Each table that holds a user's data is listed here once; a migration that adds such a table
adds a line. Deletion needs no list: the foreign keys cascade (audit rows are set to NULL).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from core.store.database import Connection, Row

# table -> (JSON columns to decode, columns never exported)
USER_TABLES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "identities": (frozenset(), frozenset()),
    "user_profiles": (
        frozenset(
            {"programming_languages", "frameworks", "available_hardware", "robotics_hardware", "interests"}
        ),
        frozenset(),
    ),
    "enrollments": (frozenset(), frozenset()),
    "api_tokens": (frozenset({"scopes"}), frozenset({"token_hash"})),
    "audit_log": (frozenset({"details"}), frozenset()),
    "conversations": (frozenset(), frozenset()),
    "messages": (frozenset({"citations"}), frozenset()),
    "feedback": (frozenset(), frozenset()),
    "rate_limit_windows": (frozenset(), frozenset()),
    "usage_events": (frozenset({"metadata"}), frozenset()),
    "generated_content": (frozenset({"metadata"}), frozenset()),
    "reading_progress": (frozenset({"read_spans"}), frozenset()),
    "progress": (frozenset(), frozenset()),
    "quiz_attempts": (frozenset({"answers"}), frozenset()),
    "recommendations": (frozenset(), frozenset()),
    "public_posts": (frozenset(), frozenset()),
    "handoffs": (frozenset(), frozenset()),
}


# Columns stored as 0/1 on SQLite, exported as true/false.
BOOLEAN_COLUMNS: set[str] = {
    "is_active",
    "leaderboard_visible",
    "archived",
    "covered",
    "completed",
    "dismissed",
}


def register_user_table(
    table: str,
    json_columns: set[str] | None = None,
    secret_columns: set[str] | None = None,
    boolean_columns: set[str] | None = None,
) -> None:
    """Later features add their user-owned tables (conversations, progress, …)."""
    USER_TABLES[table] = (frozenset(json_columns or ()), frozenset(secret_columns or ()))
    BOOLEAN_COLUMNS.update(boolean_columns or ())


class UserDataRepository:
    def __init__(self, conn: Connection):
        self._conn = conn

    async def export(self, user_id: str) -> dict[str, Any] | None:
        user = await self._conn.fetchrow("SELECT * FROM users WHERE id = $1", user_id)
        if user is None:
            return None
        data: dict[str, Any] = {"user": _plain(user, frozenset(), frozenset())}
        for table, (json_columns, secret_columns) in USER_TABLES.items():
            # Table names come from the fixed registry above, never from user text.
            rows = await self._conn.fetch(f"SELECT * FROM {table} WHERE user_id = $1 ORDER BY id", user_id)
            data[table] = [_plain(r, json_columns, secret_columns) for r in rows]
        return data

    async def names(self, user_id: str) -> tuple[set[str], set[str]]:
        """How the user is known: (ids: user id and identity subjects; free text: display names and
        token names), so their traces can be found in rows that keep no user_id."""
        ids, texts = {user_id}, set()
        for r in await self._conn.fetch("SELECT display_name FROM users WHERE id = $1", user_id):
            texts.add(r["display_name"])
        for r in await self._conn.fetch(
            "SELECT subject, display_name FROM identities WHERE user_id = $1", user_id
        ):
            ids.add(r["subject"])
            texts.add(r["display_name"])
        for r in await self._conn.fetch("SELECT name FROM api_tokens WHERE user_id = $1", user_id):
            texts.add(r["name"])
        return ids, {t for t in texts if t}

    async def count_rows(self, user_id: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for table in USER_TABLES:
            counts[table] = await self._conn.fetchval(
                f"SELECT COUNT(*) FROM {table} WHERE user_id = $1", user_id
            )
        return counts


def _plain(row: Row, json_columns: frozenset[str], secret_columns: frozenset[str]) -> dict:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in secret_columns:
            continue
        if key in json_columns and isinstance(value, str):
            value = json.loads(value)
        elif key in BOOLEAN_COLUMNS and value is not None:
            value = bool(value)
        elif isinstance(value, datetime):
            value = value.isoformat(timespec="microseconds")
        out[key] = value
    return out
