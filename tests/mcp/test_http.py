"""Streamable HTTP on 127.0.0.1, for real: bearer tokens checked against the core, one student per token."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from core.app import App
from mcp_server.http import uvicorn_server

INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "0"},
    },
}
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@asynccontextmanager
async def serving(app: App) -> AsyncIterator[str]:
    port = free_port()
    server = uvicorn_server(app, "sample", "127.0.0.1", port)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@asynccontextmanager
async def mcp_client(base: str, token: str, mode: str = "auto") -> AsyncIterator[Client]:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30)
    async with http, Client(streamable_http_client(f"{base}/mcp", http_client=http), mode=mode) as client:
        yield client


async def token_for(app: App, user, **options) -> str:
    return (await app.tokens.create(user.id, "laptop", **options)).token


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_valid_token_acts_as_its_owner_and_students_stay_apart(book_app, people, mode):
    ada, bob = people
    ada_token, bob_token = await token_for(book_app, ada), await token_for(book_app, bob)
    async with serving(book_app) as base:
        async with mcp_client(base, ada_token, mode) as client:
            hits = (await client.call_tool("search_book", {"query": "support polygon"})).structured_content
            assert hits["hits"][0]["path"] == "01-foundations/balance-and-zmp.md"
            marked = await client.call_tool("mark_complete", {"unit": "week-1"})
            assert not marked.is_error, marked.content
            mine = (await client.call_tool("get_progress", {})).structured_content
            assert mine["student"] == "Ada" and mine["completion"] > 0
        async with mcp_client(base, bob_token, mode) as client:
            theirs = (await client.call_tool("get_progress", {})).structured_content
            assert theirs["student"] == "Bob" and theirs["completion"] == 0
            assert not any(u["completed"] for u in theirs["units"])
            board = (await client.call_tool("leaderboard", {})).structured_content
            assert [r["is_you"] for r in board["rows"] if r["display_name"] == "Ada"] == [False]
    assert (await book_app.tracking.show(bob, await book_app.courses.get("sample"))).completion == 0


async def raw_status(base: str, token: str | None) -> httpx2.Response:
    headers = dict(HEADERS)
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    async with httpx2.AsyncClient() as http:
        return await http.post(f"{base}/mcp", json=INIT, headers=headers)


async def test_refused_tokens(book_app, people, clock):
    ada, _ = people
    expiring = await token_for(book_app, ada, expires_days=1)
    revoked = await book_app.tokens.create(ada.id, "old")
    await book_app.tokens.revoke(ada.id, revoked.record.id)
    write_only = await token_for(book_app, ada, scopes=["progress:write"])
    valid = await token_for(book_app, ada)
    clock.advance(days=2)
    async with serving(book_app) as base:
        assert (await raw_status(base, valid)).status_code == 200
        for token in (None, "sth_", "sth_made-up-token", "not even a token", expiring, revoked.token):
            response = await raw_status(base, token)
            assert response.status_code == 401, token
            assert "resource_metadata=" in response.headers["www-authenticate"]
        response = await raw_status(base, write_only)
        assert response.status_code == 403
        assert response.json()["error"] == "insufficient_scope"


async def test_protected_resource_metadata_is_published(book_app):
    async with serving(book_app) as base, httpx2.AsyncClient() as http:
        response = await http.get(f"{base}/.well-known/oauth-protected-resource/mcp")
        assert response.status_code == 200
        metadata = response.json()
        assert metadata["resource"] == f"{base}/mcp"
        assert "read" in metadata.get("scopes_supported", ["read"])


async def test_a_read_only_token_reads_but_does_not_write(book_app, people):
    ada, _ = people
    reader = await token_for(book_app, ada, scopes=["read"])
    async with serving(book_app) as base, mcp_client(base, reader) as client:
        marked = await client.call_tool("mark_complete", {"unit": "week-1"})
        assert marked.is_error and "progress:write" in marked.content[0].text
        page = (
            await client.call_tool("read_section", {"path": "01-foundations/balance-and-zmp.md"})
        ).structured_content
        assert page["markdown"] and page["chapter_completion_pct"] is None
        assert "Not recorded" in page["progress_note"]
        progress = (await client.call_tool("get_progress", {})).structured_content
        assert progress["chapters"] == []


async def test_a_token_revoked_mid_session_stops_working(book_app, people):
    ada, _ = people
    made = await book_app.tokens.create(ada.id, "laptop")
    async with serving(book_app) as base:
        async with mcp_client(base, made.token) as client:
            assert not (await client.call_tool("get_progress", {})).is_error
        await book_app.tokens.revoke(ada.id, made.record.id)
        assert (await raw_status(base, made.token)).status_code == 401


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_ask_book_reports_progress_over_http(book_app, people, mode):
    ada, _ = people
    updates = []

    async def on_progress(progress, total, message):
        updates.append((progress, total, message))

    async with serving(book_app) as base, mcp_client(base, await token_for(book_app, ada), mode) as client:
        result = await client.call_tool(
            "ask_book", {"question": "What is the support polygon?"}, progress_callback=on_progress
        )
        assert not result.is_error, result.content
        assert result.structured_content["covered"]
        # The other requests still answer as before.
        assert (await client.call_tool("get_progress", {})).structured_content["student"] == "Ada"
    assert len(updates) >= 1 and updates[0][0] == 0 and updates[-1] == (1, 1, "Done")
