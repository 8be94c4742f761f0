"""Reading for reference records nothing; reading for the student, asked for, counts what was read.

Driven over Streamable HTTP with bearer tokens (as an assistant connects), and in memory."""

from __future__ import annotations

import pytest
from mcp import Client

from core.app import App
from mcp_server import paging
from tests.mcp.test_http import mcp_client, serving, token_for

CHAPTER = "01-foundations/balance-and-zmp.md"


async def share_of_chapter(app: App, *anchors: str) -> int:
    """The share (0–100) of the chapter's text that the (disjoint) sections at `anchors` are."""
    course = await app.courses.get("sample")
    chapter = await app.library.reader.get_section(course, CHAPTER)
    read = [len((await app.library.reader.get_section(course, CHAPTER, a)).markdown) for a in anchors]
    return round(100 * sum(read) / len(chapter.markdown))


async def test_looking_up_the_last_section_leaves_progress_untouched(book_app, people):
    ada, _ = people
    async with serving(book_app) as base, mcp_client(base, await token_for(book_app, ada)) as client:
        for arguments in (
            {"path": CHAPTER, "anchor": "points-to-remember"},
            {"path": CHAPTER},  # the chapter-intro hit: the whole chapter
        ):
            page = (await client.call_tool("read_section", arguments)).structured_content
            assert page["markdown"] and page["chapter_completion_pct"] is None
        progress = (await client.call_tool("get_progress", {})).structured_content
    assert progress["chapters"] == []
    assert not any(u["completed"] or u["completion_pct"] for u in progress["units"])
    assert progress["completion"] == 0


async def test_recorded_reading_counts_the_share_of_the_chapter_read(book_app, people):
    ada, _ = people
    expected = await share_of_chapter(book_app, "points-to-remember")
    assert 0 < expected < 30
    async with serving(book_app) as base, mcp_client(base, await token_for(book_app, ada)) as client:
        arguments = {"path": CHAPTER, "anchor": "points-to-remember", "record_progress": True}
        page = (await client.call_tool("read_section", arguments)).structured_content
        assert page["chapter_completion_pct"] == expected
        # Reading the same text again adds nothing: what counts is what was read, not how often.
        again = (await client.call_tool("read_section", arguments)).structured_content
        assert again["chapter_completion_pct"] == expected
        zmp = {"path": CHAPTER, "anchor": "zmp", "record_progress": True}
        both = (await client.call_tool("read_section", zmp)).structured_content
        assert both["chapter_completion_pct"] == await share_of_chapter(book_app, "points-to-remember", "zmp")
        progress = (await client.call_tool("get_progress", {})).structured_content
    week1 = next(u for u in progress["units"] if u["unit_id"] == "week-1")
    assert not week1["completed"]
    assert {"chapter": CHAPTER, "completion_pct": both["chapter_completion_pct"], "read": False} in progress[
        "chapters"
    ]


async def test_recording_needs_the_progress_write_scope(book_app, people):
    ada, _ = people
    reader = await token_for(book_app, ada, scopes=["read"])
    async with serving(book_app) as base, mcp_client(base, reader) as client:
        plain = (await client.call_tool("read_section", {"path": CHAPTER})).structured_content
        assert plain["markdown"] and plain["chapter_completion_pct"] is None
        asked = await client.call_tool("read_section", {"path": CHAPTER, "record_progress": True})
        assert asked.is_error and "progress:write" in asked.content[0].text
        assert (await client.call_tool("get_progress", {})).structured_content["chapters"] == []


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_reading_every_page_for_the_student_reads_the_chapter(server, mode, monkeypatch):
    monkeypatch.setattr(paging, "PAGE_CHARS", 800)
    async with Client(server, mode=mode) as client:
        arguments = {"path": CHAPTER, "record_progress": True}
        first = (await client.call_tool("read_section", arguments)).structured_content
        assert first["pages"] > 2 and 0 < first["chapter_completion_pct"] < 100
        cursor, pct = first["next_cursor"], first["chapter_completion_pct"]
        while cursor:
            page = (
                await client.call_tool("read_section", {**arguments, "cursor": cursor})
            ).structured_content
            assert page["chapter_completion_pct"] > pct
            cursor, pct = page["next_cursor"], page["chapter_completion_pct"]
        assert pct == 100
        progress = (await client.call_tool("get_progress", {})).structured_content
    assert {"chapter": CHAPTER, "completion_pct": 100, "read": True} in progress["chapters"]
    assert next(u for u in progress["units"] if u["unit_id"] == "week-1")["completed"]
