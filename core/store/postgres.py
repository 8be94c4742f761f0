"""PostgreSQL adapter (asyncpg): a connection pool, transactions per request."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from core.store.database import Connection, Database, Row, rowcount_from_status


class PostgresConnection(Connection):
    dialect = "postgresql"

    def __init__(self, conn: asyncpg.Connection):
        self._conn = conn

    async def execute(self, sql: str, *args: Any) -> int:
        return rowcount_from_status(await self._conn.execute(sql, *args))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._conn.executemany(sql, list(rows))

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        return [dict(record) for record in await self._conn.fetch(sql, *args)]

    async def run_script(self, sql: str) -> None:
        # Without arguments asyncpg uses the simple protocol, which takes several statements.
        await self._conn.execute(sql)

    async def lock(self, key: int) -> None:
        await self._conn.execute("SELECT pg_advisory_xact_lock($1)", key)


class PostgresDatabase(Database):
    dialect = "postgresql"

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 10):
        self.url = url.replace("postgres://", "postgresql://", 1)
        self._min_size = min_size
        self._max_size = max_size
        self._pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        if self._pool is None:
            self._pool = await asyncpg.create_pool(
                self.url, min_size=self._min_size, max_size=self._max_size, command_timeout=60
            )

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    def _require_pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("database is not open")
        return self._pool

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        async with self._require_pool().acquire() as conn, conn.transaction():
            yield PostgresConnection(conn)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Connection]:
        async with (
            self._require_pool().acquire() as conn,
            conn.transaction(readonly=True, isolation="repeatable_read"),
        ):
            yield PostgresConnection(conn)
