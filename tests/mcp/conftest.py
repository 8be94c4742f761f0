"""An app with the sample book (keyword-only) and an MCP server over it, acting as a local student."""

from __future__ import annotations

import pytest

from core.app import App
from core.models.accounts import Course
from mcp_server.identity import identity_for
from mcp_server.server import Runtime, build_server


@pytest.fixture
async def server(book_app: App, course: Course):
    # As `studyhall-mcp --course sample` starts: the local user joins the course it serves.
    return build_server(Runtime(book_app, "sample", await identity_for(book_app, None, course)))


@pytest.fixture
async def people(book_app: App, course):
    """Two students of the served course (members: the server serves nobody else)."""
    ada = await book_app.accounts.resolve("discord", "100000000000000001", "Ada")
    bob = await book_app.accounts.resolve("discord", "100000000000000002", "Bob")
    for student in (ada, bob):
        await book_app.accounts.enroll(student.id, course.id)
    return ada, bob
