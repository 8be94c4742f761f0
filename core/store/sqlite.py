"""SQLite adapter (aiosqlite): WAL, foreign keys, a busy timeout and one writer at a time.

Writes go through a single connection guarded by an asyncio lock and ``BEGIN IMMEDIATE``:
inside a process, tasks queue for the lock instead of meeting "database is locked"; across
processes (the bot, MCP servers and the CLI share one file), ``BEGIN IMMEDIATE`` waits out the
busy timeout for the other writer. Reads use a small pool of their own connections; WAL lets
them run while a write is in progress.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from core.private_files import private_dir, private_file
from core.store.database import Connection, Database, Row, to_qmark

BUSY_TIMEOUT_MS = 30_000
READERS = 4

# PostgreSQL type names SQLite stores as text (JSON, ISO-8601 UTC timestamps) or blobs.
_TYPE_NAMES = {r"\bJSONB\b": "TEXT", r"\bTIMESTAMPTZ\b": "TEXT", r"\bBYTEA\b": "BLOB"}


def sqlite_ddl(sql: str) -> str:
    for pattern, replacement in _TYPE_NAMES.items():
        sql = re.sub(pattern, replacement, sql)
    return sql


def to_db(value: Any) -> Any:
    """Timestamps are stored as fixed-width ISO-8601 UTC text, so they compare as strings."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use aware UTC datetimes")
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def split_statements(script: str) -> list[str]:
    """Split a script into statements without breaking strings, comments or triggers."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip():
                statements.append(pending.strip())
            pending = ""
    if pending.strip() and not _only_comments(pending):
        statements.append(pending.strip())
    return statements


def _only_comments(text: str) -> bool:
    return all(not ln.strip() or ln.strip().startswith("--") for ln in text.splitlines())


class SQLiteConnection(Connection):
    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection):
        self._conn = conn

    async def execute(self, sql: str, *args: Any) -> int:
        cursor = await self._conn.execute(to_qmark(sql), [to_db(a) for a in args])
        count = cursor.rowcount
        await cursor.close()
        return count

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._conn.executemany(to_qmark(sql), [[to_db(v) for v in row] for row in rows])

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        async with self._conn.execute(to_qmark(sql), [to_db(a) for a in args]) as cursor:
            names = [d[0] for d in cursor.description or ()]
            return [dict(zip(names, row, strict=True)) for row in await cursor.fetchall()]

    async def run_script(self, sql: str) -> None:
        # executescript() would COMMIT first; run statement by statement to stay in the transaction.
        for statement in split_statements(sqlite_ddl(sql)):
            await _run(self._conn, statement)

    async def lock(self, key: int) -> None:
        """BEGIN IMMEDIATE already made this the only writer of the file."""


class SQLiteDatabase(Database):
    dialect = "sqlite"

    def __init__(self, url: str, *, readers: int = READERS):
        self.url = url
        self.path = sqlite_path(url)
        self._readers_wanted = readers
        self._writer: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self._all_readers: list[aiosqlite.Connection] = []

    async def open(self) -> None:
        if self._writer is not None:
            return
        if self.path != ":memory:":
            database = Path(self.path)
            if not database.parent.exists():
                private_dir(database.parent)
            # 0600 before SQLite opens it: its -wal and -shm files copy the database's mode.
            for path in (database, *(database.with_name(database.name + s) for s in ("-wal", "-shm"))):
                if path == database or path.exists():
                    private_file(path)
        self._writer = await self._connect()
        await _pragma(self._writer, "journal_mode=WAL")
        for _ in range(self._readers_wanted):
            reader = await self._connect()
            self._all_readers.append(reader)
            self._readers.put_nowait(reader)

    async def _connect(self) -> aiosqlite.Connection:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves.
        conn = await aiosqlite.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        for pragma in (f"busy_timeout={BUSY_TIMEOUT_MS}", "foreign_keys=ON", "synchronous=NORMAL"):
            await _pragma(conn, pragma)
        return conn

    async def close(self) -> None:
        for conn in [self._writer, *self._all_readers]:
            if conn is not None:
                await conn.close()
        self._writer = None
        self._all_readers.clear()
        self._readers = asyncio.Queue()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        writer = self._require_open(self._writer)
        async with self._write_lock:
            await _run(writer, "BEGIN IMMEDIATE")
            try:
                yield SQLiteConnection(writer)
                await _run(writer, "COMMIT")
            except BaseException:
                if writer.in_transaction:
                    await _run(writer, "ROLLBACK")
                raise

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Connection]:
        self._require_open(self._writer)
        reader = await self._readers.get()
        try:
            await _run(reader, "BEGIN")
            try:
                yield SQLiteConnection(reader)
            finally:
                await _run(reader, "COMMIT")
        finally:
            self._readers.put_nowait(reader)

    @staticmethod
    def _require_open(conn: aiosqlite.Connection | None) -> aiosqlite.Connection:
        if conn is None:
            raise RuntimeError("database is not open")
        return conn


async def _run(conn: aiosqlite.Connection, sql: str) -> None:
    cursor = await conn.execute(sql)
    await cursor.close()


async def _pragma(conn: aiosqlite.Connection, pragma: str) -> None:
    # Close the cursor: an unfinished statement would keep holding a lock on the file.
    async with conn.execute(f"PRAGMA {pragma}") as cursor:
        await cursor.fetchall()


def sqlite_path(url: str) -> str:
    """``sqlite:///rel.db`` → ``rel.db``; ``sqlite:////abs/x.db`` → ``/abs/x.db`` (SQLAlchemy's form)."""
    if not url.startswith("sqlite:///"):
        raise ValueError(f"a SQLite URL looks like sqlite:///path/to/file.db, not {url!r}")
    path = url.removeprefix("sqlite:///")
    if path in ("", ":memory:"):
        # Every connection would get its own empty database; the store needs one shared file.
        raise ValueError("an in-memory SQLite database cannot be shared; give a file path")
    return path
