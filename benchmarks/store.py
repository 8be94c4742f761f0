"""Store benchmark: first-contact user creation and token verification, SQLite and PostgreSQL.

    python benchmarks/store.py [--users 1000] [--verifications 3000]

Prints rates with 1 and with 50 concurrent tasks for each backend. PostgreSQL runs in a
throwaway database on STUDYHALL_BENCH_POSTGRES_URL (default: the local test server) and is
left out, with a note, when no server answers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.accounts import Accounts  # noqa: E402
from core.store import database_for  # noqa: E402
from core.store.migrations import migrate  # noqa: E402
from core.store.session import Store  # noqa: E402
from core.tokens import Tokens  # noqa: E402

ADMIN_URL = os.environ.get("STUDYHALL_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
CONCURRENCY = (1, 50)


async def run_pool(jobs: list, concurrency: int) -> float:
    """Run the coroutine factories with at most `concurrency` in flight; return seconds."""
    queue = list(reversed(jobs))

    async def worker() -> None:
        while queue:
            await queue.pop()()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - start


async def bench(url: str, users: int, verifications: int) -> list[tuple[str, int, float]]:
    db = database_for(url)
    await db.open()
    try:
        await migrate(db)
        store = Store(db)
        accounts, tokens = Accounts(store), Tokens(store)
        results = []
        for concurrency in CONCURRENCY:
            run_id = uuid.uuid4().hex[:6]
            jobs = [
                (lambda i=i, run_id=run_id: accounts.resolve("discord", f"{run_id}{i:012d}", f"S{i}"))
                for i in range(users)
            ]
            seconds = await run_pool(jobs, concurrency)
            results.append(("first contact (users/s)", concurrency, users / seconds))
        owner = await accounts.resolve("discord", "999000999000999000", "Owner")
        secrets = [(await tokens.create(owner.id, f"t{i}")).token for i in range(20)]
        for concurrency in CONCURRENCY:
            jobs = [(lambda i=i: tokens.verify(secrets[i % len(secrets)])) for i in range(verifications)]
            seconds = await run_pool(jobs, concurrency)
            results.append(("token verification (/s)", concurrency, verifications / seconds))
        return results
    finally:
        await db.close()


async def postgres_database() -> str | None:
    try:
        conn = await asyncpg.connect(ADMIN_URL, timeout=5)
    except Exception as err:
        print(f"PostgreSQL at {ADMIN_URL} does not answer ({err}); skipping it.", file=sys.stderr)
        return None
    name = f"studyhall_bench_{uuid.uuid4().hex[:8]}"
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return name


async def drop_postgres(name: str) -> None:
    conn = await asyncpg.connect(ADMIN_URL)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--verifications", type=int, default=3000)
    args = parser.parse_args()
    print(f"{'backend':<11} {'measure':<26} {'tasks':>5} {'rate':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        _print("sqlite", await bench(f"sqlite:///{tmp}/bench.db", args.users, args.verifications))
    name = await postgres_database()
    if name:
        try:
            url = ADMIN_URL.rpartition("/")[0] + "/" + name
            _print("postgresql", await bench(url, args.users, args.verifications))
        finally:
            await drop_postgres(name)


def _print(label: str, rows: list[tuple[str, int, float]]) -> None:
    for measure, concurrency, rate in rows:
        print(f"{label:<11} {measure:<26} {concurrency:>5} {rate:>10.0f}")


if __name__ == "__main__":
    asyncio.run(main())
