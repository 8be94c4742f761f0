"""An app with the sample book (keyword-only) and an MCP server over it, acting as a local student."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.app import App
from core.models.accounts import Course
from mcp_server.identity import LocalIdentity
from mcp_server.server import Runtime, build_server
from tests.sample_app import sample_book_app


@pytest.fixture
async def book_app(app: App, clock) -> AsyncIterator[App]:
    async with sample_book_app(app, clock) as wired:
        yield wired


@pytest.fixture
async def course(book_app: App) -> Course:
    return await book_app.courses.get("sample")


@pytest.fixture
def server(book_app: App, course: Course):
    return build_server(Runtime(book_app, "sample", LocalIdentity(book_app)))
