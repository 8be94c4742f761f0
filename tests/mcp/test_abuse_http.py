"""Abuse over real HTTP: a bogus-token flood costs the database almost nothing and is slowed to 429,
one student's flood does not starve another, and one token cannot hold many requests in flight."""

from __future__ import annotations

import asyncio

import httpx2

from core.app import App
from tests.mcp.test_http import HEADERS, INIT, mcp_client, serving, token_for

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


async def test_a_search_flood_is_refused_with_a_wait_while_another_student_is_served(book_app, people):  # noqa: F811
    ada, bob = people
    book_app.quotas.searches_per_minute = 5
    ada_token, bob_token = await token_for(book_app, ada), await token_for(book_app, bob)
    async with serving(book_app) as base:
        async with mcp_client(base, ada_token) as client:
            results = [await client.call_tool("search_book", {"query": "support polygon"}) for _ in range(8)]
        async with mcp_client(base, bob_token) as client:
            theirs = await client.call_tool("search_book", {"query": "support polygon"})
    assert [r.is_error for r in results] == [False] * 5 + [True] * 3
    assert "searches this minute" in results[-1].content[0].text
    assert "try again in" in results[-1].content[0].text
    assert not theirs.is_error and theirs.structured_content["hits"]


async def test_a_reading_flood_is_refused_for_tools_and_resources(book_app, people):  # noqa: F811
    ada, bob = people
    book_app.quotas.reads_per_minute = 3
    ada_token, bob_token = await token_for(book_app, ada), await token_for(book_app, bob)
    chapter = "01-foundations/balance-and-zmp.md"
    async with serving(book_app) as base:
        async with mcp_client(base, ada_token) as client:
            read = [await client.call_tool("read_section", {"path": chapter}) for _ in range(3)]
            refused = await client.call_tool("read_section", {"path": chapter})
            try:
                await client.read_resource(f"book://sample/{chapter}")
                resource_error = ""
            except Exception as err:  # the SDK raises the server's error for a resource
                resource_error = str(err)
        async with mcp_client(base, bob_token) as client:
            theirs = await client.call_tool("read_section", {"path": chapter})
    assert not any(r.is_error for r in read)
    assert refused.is_error and "try again in" in refused.content[0].text
    assert "try again in" in resource_error
    assert not theirs.is_error


async def test_one_token_cannot_hold_many_requests_in_flight(book_app, people):  # noqa: F811
    ada, bob = people
    book_app.settings.mcp_in_flight = 2  # read when the HTTP app is built
    ada_token, bob_token = await token_for(book_app, ada), await token_for(book_app, bob)
    gate = asyncio.Event()
    search = book_app.library.search

    async def slow_search(*args, **kwargs):
        await gate.wait()
        return await search(*args, **kwargs)

    book_app.library.search = slow_search
    call = {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
            "params": {"name": "search_book", "arguments": {"query": "zmp"}}}  # fmt: skip
    try:
        async with serving(book_app) as base, client_from(ATTACKER) as http:

            async def post(token: str) -> httpx2.Response:
                headers = {
                    **HEADERS,
                    "Authorization": f"Bearer {token}",
                    "MCP-Protocol-Version": "2025-11-25",
                }
                return await http.post(f"{base}/mcp", json=call, headers=headers)

            held = [asyncio.create_task(post(ada_token)) for _ in range(2)]
            await asyncio.sleep(0.5)
            extra = asyncio.create_task(post(ada_token))
            other = asyncio.create_task(post(bob_token))
            await asyncio.sleep(0.5)
            gate.set()
            busy, *answers = await asyncio.gather(extra, *held, other)
    finally:
        book_app.library.search = search
    assert busy.status_code == 429 and busy.headers["retry-after"] == "1"
    assert "in flight" in busy.json()["error_description"]
    assert [a.status_code for a in answers] == [200, 200, 200]


async def test_quota_zero_means_no_questions_over_mcp(book_app, people):  # noqa: F811
    ada, _ = people
    await book_app.courses.configure("sample", hourly_question_quota=0)
    async with serving(book_app) as base, mcp_client(base, await token_for(book_app, ada)) as client:
        refused = await client.call_tool("ask_book", {"question": "What is the zero moment point?"})
    assert refused.is_error
    assert "Questions are turned off in this course" in refused.content[0].text
