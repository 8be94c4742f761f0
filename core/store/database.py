"""The Database port: what the repositories need from SQLite and PostgreSQL alike.

SQL is written once, in PostgreSQL's form with ``$1``-style parameters; the SQLite adapter
rewrites placeholders and a few type names. Rows come back as plain dicts.
"""

from __future__ import annotations

import abc
import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal

Row = dict[str, Any]
Dialect = Literal["sqlite", "postgresql"]


class Connection(abc.ABC):
    """One connection, inside a transaction the Database opened for it."""

    dialect: Dialect

    @abc.abstractmethod
    async def execute(self, sql: str, *args: Any) -> int:
        """Run one statement; return the number of rows it changed."""

    @abc.abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    @abc.abstractmethod
    async def fetch(self, sql: str, *args: Any) -> list[Row]: ...

    @abc.abstractmethod
    async def run_script(self, sql: str) -> None:
        """Run several DDL statements (a migration) inside the current transaction."""

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        rows = await self.fetch(sql, *args)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, *args: Any) -> Any:
        row = await self.fetchrow(sql, *args)
        return None if row is None else next(iter(row.values()))

    @abc.abstractmethod
    async def lock(self, key: int) -> None:
        """Serialise this transaction against others taking the same key (migrations)."""


class Database(abc.ABC):
    """A connection source with transactions as async context managers."""

    dialect: Dialect
    url: str

    @abc.abstractmethod
    async def open(self) -> None: ...

    @abc.abstractmethod
    async def close(self) -> None: ...

    @abc.abstractmethod
    def transaction(self) -> Any:
        """``async with db.transaction() as conn``: a read-write transaction, committed on exit."""

    @abc.abstractmethod
    def read(self) -> Any:
        """``async with db.read() as conn``: a consistent read-only view."""

    async def __aenter__(self) -> Database:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


_PLACEHOLDER = re.compile(r"\$(\d+)")


def to_qmark(sql: str) -> str:
    """``$1`` → ``?1``: SQLite's numbered parameters keep the order and reuse of asyncpg's."""
    return _PLACEHOLDER.sub(r"?\1", sql)


def rowcount_from_status(status: str) -> int:
    """asyncpg answers ``UPDATE 3``; the count is the last word."""
    tail = status.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else 0
