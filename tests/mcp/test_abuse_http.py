"""Abuse over real HTTP: a bogus-token flood costs the database almost nothing and is slowed to 429,
one student's flood does not starve another, and one token cannot hold many requests in flight."""

from __future__ import annotations

import asyncio

import httpx2

from core.app import App
from tests.mcp.test_http import HEADERS, INIT, mcp_client, people, serving, token_for  # noqa: F401

ATTACKER, OTHER = "127.0.0.1", "127.0.0.2"  # two loopback source addresses: two clients


async def rows_in_every_table(app: App) -> int:
    async with app.db.read() as conn:
        if conn.dialect == "sqlite":
            names = [
                r["name"]
                for r in await conn.fetch("SELECT name FROM sqlite_master WHERE type = 'table'")
                if not r["name"].startswith("sqlite_")
            ]
        else:
            names = [
                r["tablename"]
                for r in await conn.fetch(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                )
            ]
        return sum([int(await conn.fetchval(f'SELECT count(*) FROM "{name}"')) for name in names])


def client_from(address: str) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(transport=httpx2.AsyncHTTPTransport(local_address=address), timeout=30)


async def post_init(http: httpx2.AsyncClient, base: str, token: str) -> httpx2.Response:
    return await http.post(f"{base}/mcp", json=INIT, headers={**HEADERS, "Authorization": f"Bearer {token}"})


async def test_a_bogus_token_flood_writes_o1_rows_and_is_answered_429(book_app, people):  # noqa: F811
    ada, _ = people
    good = await token_for(book_app, ada)
    before = await rows_in_every_table(book_app)
    statuses: list[int] = []
    async with serving(book_app) as base:
        async with client_from(ATTACKER) as http:
            for batch in range(30):
                answers = await asyncio.gather(
                    *(post_init(http, base, f"sth_bogus{batch}-{i}") for i in range(10))
                )
                statuses += [r.status_code for r in answers]
            last = answers[-1]
            # Once slowed, even a good token from this client waits: the check comes before any lookup.
            assert (await post_init(http, base, good)).status_code == 429
        async with client_from(OTHER) as http:
            assert (await post_init(http, base, good)).status_code == 200
    assert statuses[0] == 401
    assert set(statuses[-100:]) == {429}, statuses
    assert last.status_code == 429 and int(last.headers["retry-after"]) >= 1
    assert "try again" in last.json()["error_description"]
    written = await rows_in_every_table(book_app) - before
    assert written <= 3, f"{written} rows written by 300 bogus requests"


async def test_failures_of_a_known_token_are_audited_with_the_client_address(book_app, people, clock):  # noqa: F811
    ada, _ = people
    made = await book_app.tokens.create(ada.id, "old")
    await book_app.tokens.revoke(ada.id, made.record.id)
    async with serving(book_app) as base, client_from(OTHER) as http:
        assert (await post_init(http, base, made.token)).status_code == 401
    async with book_app.store.read() as s:
        entries = await s.audit.recent(event="token_verify_failed")
    assert len(entries) == 1
    assert entries[0].details["token_id"] == made.record.id
    assert entries[0].details["client"] == OTHER
