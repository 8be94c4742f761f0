"""Looking for a person in every table the migrations made: the schema is asked, not a list kept
by hand, so tables added later are searched too."""

from __future__ import annotations

import json
from typing import Any

from core.store import Database


async def all_tables(db: Database) -> list[str]:
    async with db.read() as conn:
        if db.dialect == "postgresql":
            rows = await conn.fetch(
                "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()"
            )
        else:
            rows = await conn.fetch(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
    return sorted(r["name"] for r in rows)


async def traces(db: Database, needles: dict[str, str]) -> list[str]:
    """Every (table, column, what was found) where a needle occurs in any value of any row."""
    found: list[str] = []
    async with db.read() as conn:
        for table in await all_tables(db):
            # Names come from the database's own catalogue, not from user text.
            for row in await conn.fetch(f'SELECT * FROM "{table}"'):
                for column, value in row.items():
                    for label, needle in needles.items():
                        if _holds(value, needle):
                            found.append(f"{table}.{column} holds the {label}: {_short(value)}")
    return found


def _holds(value: Any, needle: str) -> bool:
    if value is None:
        return False
    if isinstance(value, bytes | bytearray | memoryview):
        return needle.encode() in bytes(value)
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return needle.lower() in text.lower()


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 300 else text[:300] + "…"
