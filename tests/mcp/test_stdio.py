"""`python -m mcp_server` as a real subprocess over stdio, on a data directory with the book ingested."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import pytest
from mcp import Client, StdioServerParameters

from core.app import App
from core.books.embeddings import load_embedder
from core.books.layout import SAMPLE_BOOK_ROOT
from core.books.library import EMBED_MAX_TOKENS, Library
from tests.shared import MODEL_DIR, REPO

CHAPTER = "01-foundations/balance-and-zmp.md"


@pytest.fixture(scope="session")
def embedder():
    if not MODEL_DIR.is_dir():
        pytest.skip(f"{MODEL_DIR} is absent")
    return load_embedder(None, MODEL_DIR, None, max_tokens=EMBED_MAX_TOKENS)


@pytest.fixture
async def ingested(app: App, embedder, clock) -> App:
    """The book ingested with the local model into the test database, as `studyhall book ingest` would."""
    library = Library(app.settings, app.store, clock, embedder=embedder)
    library.after_ingest = app.library.after_ingest
    course = await app.courses.create("sample", "Sample Book")
    await library.ingest(course, SAMPLE_BOOK_ROOT)
    await library.close()
    return app


def environment(app: App, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STUDYHALL_", "ANTHROPIC_"))}
    env.update(
        STUDYHALL_HOME=str(app.settings.home),
        STUDYHALL_DATABASE_URL=app.settings.resolved_database_url(),
        STUDYHALL_EMBEDDING_MODEL_PATH=str(MODEL_DIR),
        PYTHONPATH=str(REPO),
        **extra,
    )
    return env


def params(app: App, *args: str, **extra: str) -> StdioServerParameters:
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "mcp_server", "--course", "sample", *args],
        env=environment(app, **extra),
        cwd=str(REPO),
    )


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_tools_over_stdio_as_the_local_user(ingested, mode):
    async with Client(params(ingested), mode=mode) as client:
        page = (await client.call_tool("search_book", {"query": "zero moment point"})).structured_content
        assert page["lexical_only"] is False
        assert page["hits"][0]["path"] == CHAPTER
        read = await client.call_tool("read_section", {"path": CHAPTER, "record_progress": True})
        assert read.structured_content["chapter_completion_pct"] == 100
        progress = (await client.call_tool("get_progress", {})).structured_content
        assert progress["student"] == "Local user"
    local = await ingested.accounts.find("local", "mcp")
    course = await ingested.courses.get("sample")
    assert (await ingested.tracking.show(local, course)).chapters[0].chapter == CHAPTER


async def test_stdio_acts_as_the_token_owner(ingested):
    ada = await ingested.accounts.resolve("discord", "100000000000000001", "Ada")
    await ingested.accounts.enroll(ada.id, (await ingested.courses.get("sample")).id)
    token = (await ingested.tokens.create(ada.id, "laptop", scopes=["read"])).token
    async with Client(params(ingested, STUDYHALL_TOKEN=token)) as client:
        assert (await client.call_tool("get_progress", {})).structured_content["student"] == "Ada"
        marked = await client.call_tool("mark_complete", {"unit": "week-1"})
        assert marked.is_error and "progress:write" in marked.content[0].text


def run(app: App, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mcp_server", *args],
        env=environment(app, **extra),
        cwd=str(REPO),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


async def test_an_unknown_course_is_one_clear_line_and_exit_1(ingested):
    done = run(ingested, "--course", "nope")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "studyhall-mcp: error: No course 'nope'. Create it with: studyhall course create SLUG --name NAME"
    ]


async def test_a_bad_token_is_refused_at_start(ingested):
    done = run(ingested, "--course", "sample", STUDYHALL_TOKEN="sth_made-up")
    assert done.returncode == 1 and done.stdout == ""
    assert "Authentication failed: unknown token." in done.stderr


async def test_nothing_but_protocol_reaches_stdout(ingested):
    messages = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "t", "version": "0"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "tools/call",
            "params": {"name": "search_book", "arguments": {"query": "sensors"}},
        },
    ]
    lines = await asyncio.to_thread(converse, ingested, messages)
    replies = [json.loads(line) for line in lines]
    assert all(r["jsonrpc"] == "2.0" for r in replies)
    assert [r.get("id") for r in replies if "id" in r] == [1, 2]
    assert replies[-1]["result"]["structuredContent"]["hits"]


def converse(app: App, messages: list[dict]) -> list[str]:
    """Send each message, wait for its reply (if it has an id), then close stdin; all of stdout."""
    process = subprocess.Popen(
        [sys.executable, "-m", "mcp_server", "--course", "sample", "--verbose"],
        env=environment(app),
        cwd=str(REPO),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdin and process.stdout
    lines = []
    for message in messages:
        process.stdin.write(json.dumps(message) + "\n")
        process.stdin.flush()
        while "id" in message:
            lines.append(process.stdout.readline())
            if json.loads(lines[-1]).get("id") == message["id"]:
                break
    process.stdin.close()
    lines += process.stdout.read().splitlines()
    process.wait(timeout=60)
    return [line for line in lines if line.strip()]


async def test_a_token_without_read_is_refused_at_start(ingested):
    ada = await ingested.accounts.resolve("discord", "100000000000000001", "Ada")
    token = (await ingested.tokens.create(ada.id, "writer", scopes=["progress:write"])).token
    done = run(ingested, "--course", "sample", STUDYHALL_TOKEN=token)
    assert done.returncode == 1 and done.stdout == ""
    assert "lacks the scope(s): read" in done.stderr
