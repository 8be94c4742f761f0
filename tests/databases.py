"""The databases every store test runs over: SQLite in a temp dir and a fresh PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import uuid

import asyncpg

ADMIN_URL = os.environ.get("STUDYHALL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def postgres_reason() -> str | None:
    """None when a PostgreSQL answers at ADMIN_URL; else why not."""

    async def probe() -> None:
        conn = await asyncpg.connect(ADMIN_URL, timeout=5)
        await conn.close()

    try:
        asyncio.run(probe())
    except Exception as err:  # any failure means: no usable server
        return f"PostgreSQL at {ADMIN_URL} does not answer ({type(err).__name__}: {err})"
    return None


def url_for(name: str) -> str:
    base, _, _ = ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


def create_database() -> str:
    """A new, empty database on the test server; returns its URL."""
    name = f"studyhall_test_{uuid.uuid4().hex[:12]}"

    async def create() -> None:
        conn = await asyncpg.connect(ADMIN_URL)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(create())
    return url_for(name)


def drop_database(url: str) -> None:
    name = url.rpartition("/")[2]

    async def drop() -> None:
        conn = await asyncpg.connect(ADMIN_URL)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(drop())
