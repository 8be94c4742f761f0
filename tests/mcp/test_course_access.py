"""A course's MCP server serves only that course's members, through tokens allowed on it.

User C has only ever used course `other`; their token reaches the HTTP server of course `sample`.
Every kind of request is refused in words, and C is not enrolled in `sample` afterwards.
"""

from __future__ import annotations

import httpx2
import pytest
from mcp import Client

from core.app import App
from tests.mcp.test_http import HEADERS, INIT, mcp_client, serving, token_for
from tests.mcp.test_stdio import params

NOT_A_MEMBER = "not in the course"

ATTACKS = {
    "initialize": INIT["params"],
    "tools/list": {},
    "tools/call mark_complete": {"name": "mark_complete", "arguments": {"unit": "week-1"}},
    "tools/call leaderboard": {"name": "leaderboard", "arguments": {}},
    "tools/call search_book": {"name": "search_book", "arguments": {"query": "support polygon"}},
    "tools/call read_section": {"name": "read_section", "arguments": {"path": "01-foundations/sensors.md"}},
    "resources/list": {},
    "resources/read": {"uri": "book://sample/toc"},
    "prompts/get": {"name": "quiz_me", "arguments": {"chapter": "01-foundations/sensors.md"}},
    "completion/complete": {
        "ref": {"type": "ref/prompt", "name": "quiz_me"},
        "argument": {"name": "chapter", "value": "sen"},
    },
}


@pytest.fixture
async def stranger(book_app: App):
    """C: a student of course `other` only, with a token made there."""
    other = await book_app.courses.create("other", "Another Class")
    carol = await book_app.accounts.resolve("discord", "100000000000000003", "Carol")
    await book_app.accounts.enroll(carol.id, other.id)
    return carol


async def post(base: str, token: str, method: str, params: dict) -> httpx2.Response:
    body = {"jsonrpc": "2.0", "id": 7, "method": method.split()[0], "params": params}
    headers = {**HEADERS, "Authorization": f"Bearer {token}", "MCP-Protocol-Version": "2025-11-25"}
    async with httpx2.AsyncClient(timeout=30) as http:
        return await http.post(f"{base}/mcp", json=body, headers=headers)


async def test_a_stranger_is_refused_everything_and_not_enrolled(book_app, course, stranger):
    token = await token_for(book_app, stranger)
    async with serving(book_app) as base:
        for attack, params in ATTACKS.items():
            response = await post(base, token, attack, params)
            assert response.status_code == 403, (attack, response.text)
            error = response.json()["error"]
            assert NOT_A_MEMBER in error["message"] and "Discord server" in error["message"], attack
            assert "Sample Book" in error["message"], attack
    assert await book_app.accounts.enrollment(stranger.id, course.id) is None
    assert (await book_app.tracking.show(stranger, course)).units[0].completed is False
    assert (await book_app.leaderboards.board(course)).students == 0


async def test_the_client_shows_the_refusal(book_app, stranger):
    token = await token_for(book_app, stranger)
    async with serving(book_app) as base:
        with pytest.raises(BaseException) as raised:
            async with mcp_client(base, token) as client:
                await client.call_tool("leaderboard", {})
    assert NOT_A_MEMBER in " ".join(str(e) for e in leaves(raised.value))


def leaves(error: BaseException) -> list[BaseException]:
    """The errors inside (nested) exception groups, as a client's task group raises them."""
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in leaves(inner)]
    return [error]


async def test_a_token_bound_to_another_course_is_refused(book_app, course, stranger):
    # Carol joins `sample` too, but this token was made for `other` only.
    await book_app.accounts.enroll(stranger.id, course.id)
    other = await book_app.courses.get("other")
    bound_elsewhere = await token_for(book_app, stranger, course_id=other.id)
    bound_here = await token_for(book_app, stranger, course_id=course.id)
    anywhere = await token_for(book_app, stranger)
    async with serving(book_app) as base:
        refused = await post(base, bound_elsewhere, "tools/call", ATTACKS["tools/call leaderboard"])
        assert refused.status_code == 403
        assert "only for the course 'other'" in refused.json()["error"]["message"]
        for token in (bound_here, anywhere):
            async with mcp_client(base, token) as client:
                board = await client.call_tool("leaderboard", {})
                assert not board.is_error, board.content


async def test_members_are_served_and_the_board_shows_names_not_discord_ids(book_app, course):
    ada = await book_app.accounts.resolve("discord", "100000000000000001", "Ada")
    await book_app.courses.configure(course.slug, self_marked_counts=True)  # Ada's mark ranks her first
    # A student the CLI knows only by Discord id (never seen on Discord yet).
    await book_app.accounts.enroll(
        (await book_app.accounts.resolve("discord", "100000000000000004", "discord:100000000000000004")).id,
        course.id,
    )
    await book_app.accounts.enroll(ada.id, course.id)
    async with serving(book_app) as base, mcp_client(base, await token_for(book_app, ada)) as client:
        assert not (await client.call_tool("mark_complete", {"unit": "week-1"})).is_error
        board = (await client.call_tool("leaderboard", {})).structured_content
    names = [r["display_name"] for r in board["rows"]]
    assert names[0] == "Ada" and len(names) == 2
    assert not any("100000000000000004" in n for n in names)


async def test_over_stdio_a_strangers_token_gets_tool_errors(book_app, course, stranger):
    token = await token_for(book_app, stranger)
    async with Client(params(book_app, STUDYHALL_TOKEN=token)) as client:
        for tool, arguments in (("leaderboard", {}), ("mark_complete", {"unit": "week-1"})):
            result = await client.call_tool(tool, arguments)
            assert result.is_error and NOT_A_MEMBER in result.content[0].text, tool
        with pytest.raises(Exception, match=NOT_A_MEMBER):
            await client.read_resource("book://sample/toc")
        with pytest.raises(Exception, match=NOT_A_MEMBER):
            await client.get_prompt("quiz_me", {"chapter": "01-foundations/sensors.md"})
    assert await book_app.accounts.enrollment(stranger.id, course.id) is None


async def test_over_stdio_the_local_user_studies_but_stays_off_the_board(book_app, course):
    async with Client(params(book_app)) as client:
        read = await client.call_tool(
            "read_section", {"path": "01-foundations/sensors.md", "record_progress": True}
        )
        assert read.structured_content["chapter_completion_pct"] == 100
        board = (await client.call_tool("leaderboard", {})).structured_content
    assert "Local user" not in [r["display_name"] for r in board["rows"]]
    assert board["you_hidden"] is True


async def test_over_stdio_a_token_bound_to_another_course_gets_tool_errors(book_app, course, stranger):
    await book_app.accounts.enroll(stranger.id, course.id)
    other = await book_app.courses.get("other")
    token = await token_for(book_app, stranger, course_id=other.id)
    async with Client(params(book_app, STUDYHALL_TOKEN=token)) as client:
        result = await client.call_tool("get_progress", {})
    assert result.is_error and "only for the course 'other'" in result.content[0].text
