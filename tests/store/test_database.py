"""The Database port behaves the same on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from core.store import Database, database_for
from core.store.migrations import migrate
from core.store.sqlite import split_statements, sqlite_path


async def test_transaction_commits_and_rolls_back(db: Database) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO courses (id, slug, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)",
            "c1",
            "kept",
            "Kept",
            now,
        )
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO courses (id, slug, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)",
                "c2",
                "dropped",
                "Dropped",
                now,
            )
            raise RuntimeError("boom")
    async with db.read() as conn:
        slugs = [r["slug"] for r in await conn.fetch("SELECT slug FROM courses ORDER BY slug")]
    assert slugs == ["kept"]


async def test_parameters_are_never_sql(db: Database) -> None:
    nasty = "x'); DROP TABLE users; --"
    now = datetime(2026, 1, 1, tzinfo=UTC)
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO users (id, display_name, created_at, updated_at) VALUES ($1, $2, $3, $3)",
            "u1",
            nasty,
            now,
        )
    async with db.read() as conn:
        assert await conn.fetchval("SELECT display_name FROM users WHERE id = $1", "u1") == nasty
        assert await conn.fetchval("SELECT COUNT(*) FROM users") == 1


async def test_check_constraints_hold(db: Database) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(Exception) as err:
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO courses (id, slug, name, answer_mode, created_at, updated_at)"
                " VALUES ($1, $2, $3, $4, $5, $5)",
                "c1",
                "s",
                "S",
                "telepathy",
                now,
            )
    assert "check" in str(err.value).lower()


async def test_foreign_keys_are_enforced(db: Database) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(Exception) as err:
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO identities (id, user_id, provider, subject, created_at, last_seen_at)"
                " VALUES ($1, $2, 'discord', '1', $3, $3)",
                "i1",
                "no-such-user",
                now,
            )
    assert "foreign key" in str(err.value).lower()


async def test_many_concurrent_writers_never_see_locked(db: Database) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)

    async def write(i: int) -> None:
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (id, display_name, created_at, updated_at) VALUES ($1, $2, $3, $3)",
                f"u{i}",
                f"user {i}",
                now,
            )

    async def read() -> int:
        async with db.read() as conn:
            return await conn.fetchval("SELECT COUNT(*) FROM users")

    results = await asyncio.gather(*(write(i) for i in range(100)), *(read() for _ in range(50)))
    assert all(isinstance(n, int) for n in results[100:])
    assert await read() == 100


async def test_two_processes_share_one_sqlite_file(tmp_path) -> None:
    """Separate Database objects stand for the bot, an MCP server and the CLI."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    first, second = database_for(url), database_for(url)
    await first.open()
    await second.open()
    try:
        await asyncio.gather(migrate(first), migrate(second))
        now = datetime(2026, 1, 1, tzinfo=UTC)

        async def write(db: Database, i: int) -> None:
            async with db.transaction() as conn:
                await conn.execute(
                    "INSERT INTO users (id, display_name, created_at, updated_at) VALUES ($1, 'n', $2, $2)",
                    f"u{i}",
                    now,
                )

        await asyncio.gather(*(write(first if i % 2 else second, i) for i in range(60)))
        async with first.read() as conn:
            assert await conn.fetchval("SELECT COUNT(*) FROM users") == 60
    finally:
        await first.close()
        await second.close()


async def test_timestamps_round_trip(db: Database) -> None:
    moment = datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO users (id, display_name, created_at, updated_at) VALUES ('u', 'n', $1, $1)",
            moment,
        )
    async with db.read() as conn:
        later = await conn.fetchval(
            "SELECT COUNT(*) FROM users WHERE created_at < $1", datetime(2026, 3, 5, tzinfo=UTC)
        )
        earlier = await conn.fetchval(
            "SELECT COUNT(*) FROM users WHERE created_at < $1", datetime(2026, 3, 4, tzinfo=UTC)
        )
    assert (later, earlier) == (1, 0)


def test_sqlite_urls() -> None:
    assert sqlite_path("sqlite:////abs/x.db") == "/abs/x.db"
    assert sqlite_path("sqlite:///rel/x.db") == "rel/x.db"
    with pytest.raises(ValueError, match="in-memory"):
        sqlite_path("sqlite:///:memory:")
    with pytest.raises(ValueError):
        database_for("mysql://x")


def test_statement_splitting_keeps_strings_and_comments() -> None:
    script = "-- a; comment\nCREATE TABLE a (x TEXT DEFAULT 'a;b');\n\nINSERT INTO a VALUES ('c;');\n"
    assert split_statements(script) == [
        "-- a; comment\nCREATE TABLE a (x TEXT DEFAULT 'a;b');",
        "INSERT INTO a VALUES ('c;');",
    ]
