"""Staff-only chapters over the MCP protocol: a student's assistant never finds, reads, lists or
completes them (tools, resources, prompts, completions), and a staff-only path answers exactly as
a missing one; the course's staff see them, marked staff_only."""

from __future__ import annotations

from pathlib import Path

import pytest
from mcp import Client
from mcp.types import ResourceTemplateReference

from core.app import App
from mcp_server.identity import LOCAL_NAME, LOCAL_SUBJECT, identity_for
from mcp_server.server import Runtime, build_server
from tests.staff_book import (
    ANSWER_KEY,
    ANSWER_WORD,
    EDUCATOR_GUIDE,
    SECRET_WORDS,
    SOLUTIONS,
    STAFF_PATHS,
    staff_book_app,
)


@pytest.fixture
async def staff_app(app: App, clock, tmp_path: Path):
    async with staff_book_app(app, clock, tmp_path / "book") as wired:
        yield wired


@pytest.fixture
async def server(staff_app: App):
    # As `studyhall-mcp --course sample` starts: the local user joins the course it serves.
    course = await staff_app.courses.get("sample")
    return build_server(Runtime(staff_app, "sample", await identity_for(staff_app, None, course)))


async def make_local_user_instructor(app: App) -> None:
    user = await app.accounts.resolve("local", LOCAL_SUBJECT, LOCAL_NAME)
    course = await app.courses.get("sample")
    await app.accounts.set_role(user.id, course.id, "instructor", surface="cli")


def leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [w for w in (*SECRET_WORDS, *STAFF_PATHS, "educator-resources") if w in lowered]


async def tool_text(client: Client, name: str, arguments: dict) -> tuple[bool, str]:
    result = await client.call_tool(name, arguments)
    parts = (getattr(c, "text", "") or str(getattr(c, "uri", "")) for c in result.content)
    return result.is_error, " ".join(parts)


@pytest.mark.parametrize("word", SECRET_WORDS)
async def test_search_book_never_finds_staff_pages(server, word: str) -> None:
    async with Client(server) as client:
        result = await client.call_tool("search_book", {"query": word})
        assert not result.is_error and result.structured_content["hits"] == []
        broad = await client.call_tool(
            "search_book", {"query": "zero moment point support polygon", "limit": 20}
        )
        assert broad.structured_content["hits"] and not leaks(str(broad.structured_content))


@pytest.mark.parametrize("path", STAFF_PATHS)
async def test_read_section_of_a_staff_page_answers_as_for_a_missing_one(server, path: str) -> None:
    twin = path.replace(".md", "-x.md")
    async with Client(server) as client:
        hidden = await tool_text(client, "read_section", {"path": path})
        missing = await tool_text(client, "read_section", {"path": twin})
        assert hidden[0] and missing[0]
        assert hidden[1] == missing[1].replace(twin, path)


@pytest.mark.parametrize("path", STAFF_PATHS)
async def test_reading_a_staff_page_as_a_resource_answers_as_for_a_missing_one(server, path: str) -> None:
    twin = path.replace(".md", "-x.md")
    async with Client(server) as client:
        with pytest.raises(Exception) as hidden:
            await client.read_resource(f"book://sample/{path}")
        with pytest.raises(Exception) as missing:
            await client.read_resource(f"book://sample/{twin}")
        assert str(hidden.value) == str(missing.value).replace(twin, path)
        with pytest.raises(Exception, match="No "):
            await client.read_resource(f"book://sample/{ANSWER_KEY}#zmp-answers")


async def test_table_of_contents_tool_and_resource_list_no_staff_page(server) -> None:
    async with Client(server) as client:
        toc = await client.call_tool("table_of_contents", {})
        assert not leaks(str(toc.structured_content))
        outline = (await client.read_resource("book://sample/toc")).contents[0].text
        assert not leaks(outline) and "Educator" not in outline and "Answer Key" not in outline


async def test_completions_and_prompts_offer_no_staff_page(server) -> None:
    async with Client(server) as client:
        ref = ResourceTemplateReference(type="ref/resource", uri="book://{course}/{+path}")
        done = await client.complete(ref, {"name": "path", "value": ""})
        assert done.completion.values and not leaks(" ".join(done.completion.values))
        anchors = await client.complete(
            ref, {"name": "anchor", "value": ""}, context_arguments={"path": ANSWER_KEY}
        )
        assert anchors.completion.values == []
        with pytest.raises(Exception) as hidden:
            await client.get_prompt("quiz_me", {"chapter": SOLUTIONS})
        with pytest.raises(Exception) as missing:
            await client.get_prompt("quiz_me", {"chapter": "solutions-guide-x.md"})
        assert str(hidden.value) == str(missing.value).replace("solutions-guide-x.md", SOLUTIONS)
        explained = await client.get_prompt("explain_at_my_level", {"topic": ANSWER_WORD})
        assert "has nothing on this" in str(explained)  # no staff passage to ground it
        assert not leaks(str(explained).replace(ANSWER_WORD, ""))  # less the topic they typed


async def test_ask_book_draws_on_no_staff_page(server) -> None:
    async with Client(server) as client:
        for question in ("What is the zero moment point?", *(f"What is {w}?" for w in SECRET_WORDS)):
            result = await client.call_tool("ask_book", {"question": question})
            assert not result.is_error and not leaks(str(result.structured_content)), question


async def test_staff_find_and_read_staff_pages_marked_staff_only(staff_app: App, server) -> None:
    await make_local_user_instructor(staff_app)
    async with Client(server) as client:
        found = await client.call_tool("search_book", {"query": ANSWER_WORD})
        hits = found.structured_content["hits"]
        assert hits and hits[0]["path"] == ANSWER_KEY and hits[0]["staff_only"] is True
        read = await client.call_tool("read_section", {"path": EDUCATOR_GUIDE})
        assert not read.is_error and read.structured_content["staff_only"] is True
        toc = (await client.call_tool("table_of_contents", {})).structured_content
        chapters = {c["path"]: c for m in toc["modules"] for c in m["chapters"]}
        assert set(STAFF_PATHS) <= set(chapters) and chapters[SOLUTIONS]["staff_only"] is True
        assert chapters["01-foundations/sensors.md"]["staff_only"] is False
        resource = (await client.read_resource(f"book://sample/{SOLUTIONS}")).contents[0].text
        assert "quollsolution" in resource and "staff only" in resource


async def test_over_http_a_students_token_finds_no_staff_page_and_a_teachers_does(staff_app: App) -> None:
    from tests.mcp.test_http import mcp_client, serving, token_for

    course = await staff_app.courses.get("sample")
    ada = await staff_app.accounts.resolve("discord", "100000000000000001", "Ada")
    lin = await staff_app.accounts.resolve("discord", "100000000000000009", "Prof. Lin")
    await staff_app.accounts.enroll(ada.id, course.id)
    await staff_app.accounts.set_role(lin.id, course.id, "instructor", surface="cli")
    async with serving(staff_app) as base:
        async with mcp_client(base, await token_for(staff_app, ada)) as client:
            found = await client.call_tool("search_book", {"query": ANSWER_WORD})
            assert found.structured_content["hits"] == []
            hidden = await tool_text(client, "read_section", {"path": ANSWER_KEY})
            missing = await tool_text(client, "read_section", {"path": "01-foundations/answer-key-x.md"})
            assert hidden[0] and hidden[1] == missing[1].replace("answer-key-x.md", "answer-key.md")
            outline = (await client.read_resource("book://sample/toc")).contents[0].text
            assert not leaks(outline)
        async with mcp_client(base, await token_for(staff_app, lin)) as client:
            found = await client.call_tool("search_book", {"query": ANSWER_WORD})
            assert [h["path"] for h in found.structured_content["hits"]] == [ANSWER_KEY]
            read = await client.call_tool("read_section", {"path": ANSWER_KEY})
            assert ANSWER_WORD in read.structured_content["markdown"]
