"""What an assistant meets: forgiving parameters, errors that list what would work, lean outputs,
honest metadata. Over the protocol, in both modes."""

from __future__ import annotations

import json
from importlib.metadata import version

import pytest
from mcp import Client
from mcp.types import PromptReference, ResourceTemplateReference

CHAPTER = "01-foundations/balance-and-zmp.md"


@pytest.fixture(params=["auto", "legacy"])
def mode(request) -> str:
    return request.param


async def call(client: Client, tool: str, arguments: dict):
    result = await client.call_tool(tool, arguments)
    return result, result.structured_content


@pytest.mark.parametrize("module", [2, "2", "ros", "ROS 2 essentials", "02-ros2", "Module 2"])
async def test_module_is_a_number_a_folder_or_a_part_of_its_label(server, mode, module):
    async with Client(server, mode=mode) as client:
        result, page = await call(client, "search_book", {"query": "topic", "module": module})
        assert not result.is_error, result.content[0].text
        assert page["module"] == "02-ros2" and page["hits"]
        assert all(h["module"] == "02-ros2" for h in page["hits"])
        answer, _ = await call(client, "ask_book", {"question": "What is a topic?", "module": module})
        assert not answer.is_error, answer.content[0].text


async def test_an_unknown_module_lists_every_module(server, mode):
    async with Client(server, mode=mode) as client:
        result, _ = await call(client, "search_book", {"query": "topic", "module": "cooking"})
    assert result.is_error
    text = result.content[0].text
    assert "No module 'cooking'" in text
    assert all(folder in text for folder in ("01-foundations", "02-ros2", "03-simulation"))


async def test_argument_errors_are_one_line_without_pydantic_links(server, mode):
    async with Client(server, mode=mode) as client:
        result, _ = await call(client, "search_book", {"query": "x", "limit": 0})
    text = result.content[0].text
    assert result.is_error and "limit" in text and "greater than or equal to 1" in text
    assert "pydantic.dev" not in text and "\n" not in text


@pytest.mark.parametrize(
    "arguments",
    [
        {"path": f"book://sample/{CHAPTER}#zmp"},
        {"path": f"{CHAPTER}#zmp"},
        {"path": CHAPTER, "anchor": "Zero Moment Point"},
        {"path": CHAPTER, "anchor": "#zmp"},
    ],
)
async def test_read_section_takes_a_hits_uri_path_anchor_and_a_heading(server, mode, arguments):
    async with Client(server, mode=mode) as client:
        result, page = await call(client, "read_section", arguments)
    assert not result.is_error, result.content[0].text
    assert page["path"] == CHAPTER and page["anchor"] == "zmp"


async def test_a_uri_of_another_course_is_refused_in_words(server, mode):
    async with Client(server, mode=mode) as client:
        result, _ = await call(client, "read_section", {"path": f"book://other/{CHAPTER}#zmp"})
    assert result.is_error and "not of this course's book" in result.content[0].text


async def test_an_unknown_anchor_lists_the_chapters_anchors(server, mode):
    async with Client(server, mode=mode) as client:
        result, _ = await call(client, "read_section", {"path": CHAPTER, "anchor": "zero-moment"})
    text = result.content[0].text
    assert result.is_error and "Its sections:" in text
    assert all(a in text for a in ("support-polygon", "zmp", "points-to-remember"))


async def test_tool_results_are_compact_json_text(server, mode):
    async with Client(server, mode=mode) as client:
        for tool, arguments in [
            ("table_of_contents", {}),
            ("get_progress", {}),
            ("leaderboard", {}),
            ("read_section", {"path": CHAPTER, "anchor": "zmp"}),
            ("recommend_next", {}),
        ]:
            result, structured = await call(client, tool, arguments)
            text = result.content[0].text
            assert json.loads(text) == structured, tool
            assert text == json.dumps(structured, separators=(",", ":"), ensure_ascii=False), tool


async def test_table_of_contents_lists_chapters_and_one_chapters_sections_on_request(server, mode):
    async with Client(server, mode=mode) as client:
        _, toc = await call(client, "table_of_contents", {})
        chapters = [c for m in toc["modules"] for c in m["chapters"]]
        assert len(chapters) == 7 and all(c["sections"] is None for c in chapters)
        assert next(c for c in chapters if c["path"] == CHAPTER)["section_count"] >= 5
        assert toc["units"] and toc["next_cursor"] is None
        for chapter in (CHAPTER, f"book://sample/{CHAPTER}", "Bipedal Balance"):
            _, one = await call(client, "table_of_contents", {"chapter": chapter})
            [only] = [c for m in one["modules"] for c in m["chapters"]]
            assert only["path"] == CHAPTER
            assert "zmp" in [s["anchor"] for s in only["sections"]]
        _, ros = await call(client, "table_of_contents", {"module": 2})
        assert [m["module"] for m in ros["modules"]] == ["02-ros2"]


async def test_a_long_table_of_contents_pages(server, mode, monkeypatch):
    from mcp_server import server as server_module

    monkeypatch.setattr(server_module, "TOC_CHAPTERS", 3)
    async with Client(server, mode=mode) as client:
        seen, cursor, pages = [], None, 0
        while True:
            _, toc = await call(client, "table_of_contents", {"cursor": cursor} if cursor else {})
            assert (toc["units"] != []) == (pages == 0)
            seen += [c["path"] for m in toc["modules"] for c in m["chapters"]]
            pages, cursor = pages + 1, toc["next_cursor"]
            if not cursor:
                break
    assert pages == 3 and len(seen) == len(set(seen)) == 7


async def test_server_version_descriptions_and_annotations(server, mode):
    async with Client(server, mode=mode) as client:
        assert client.server_info.version == version("studyhall") != ""
        tools = {t.name: t for t in (await client.list_tools()).tools}
    for tool in tools.values():
        assert "\n" not in tool.description and "  " not in tool.description, tool.name
        assert tool.annotations.open_world_hint is not None, tool.name
    assert tools["ask_book"].annotations.open_world_hint is False  # no model configured in tests
    highlight = tools["search_book"].output_schema["$defs"]["Hit"]["properties"]["highlight"]
    assert "**" not in highlight["description"] and "sentence" in highlight["description"]
    assert tools["read_section"].input_schema["properties"]["record_progress"]["default"] is False


async def test_resource_header_names_the_title_once(server, mode):
    async with Client(server, mode=mode) as client:
        text = (await client.read_resource(f"book://sample/{CHAPTER}#zmp")).contents[0].text
    header = text.splitlines()[0]
    assert header.count("Bipedal Balance") == 1 and "Zero Moment Point" in header


async def test_completion_honours_its_ref(server, mode):
    async with Client(server, mode=mode) as client:
        nothing = PromptReference(type="ref/prompt", name="no_such_prompt")
        assert (await client.complete(nothing, {"name": "chapter", "value": ""})).completion.values == []
        plan = PromptReference(type="ref/prompt", name="study_plan")  # takes a unit, not a chapter
        assert (await client.complete(plan, {"name": "chapter", "value": ""})).completion.values == []
        other = ResourceTemplateReference(type="ref/resource", uri="book://{course}/other/{+path}")
        assert (await client.complete(other, {"name": "path", "value": ""})).completion.values == []
        quiz = PromptReference(type="ref/prompt", name="quiz_me")
        assert CHAPTER in (await client.complete(quiz, {"name": "chapter", "value": ""})).completion.values


async def test_leaderboard_shows_no_raw_ids_no_local_user_and_null_without_quizzes(
    server, book_app, course, mode
):
    await book_app.courses.configure("sample", self_marked_counts=True)
    # A student the CLI added (`studyhall token create --discord-id …`): named after the id.
    cli = await book_app.accounts.resolve("discord", "111111111111111111", "discord:111111111111111111")
    await book_app.accounts.enroll(cli.id, course.id)
    await book_app.tracking.mark(cli, course, "week-1")
    async with Client(server, mode=mode) as client:  # the stdio local user
        await client.call_tool("mark_complete", {"unit": "week-2"})
        _, board = await call(client, "leaderboard", {})
    names = [r["display_name"] for r in board["rows"]]
    assert names and not any("111111111111111111" in n for n in names)
    assert "Local user" not in names and board["you_hidden"] is True
    assert all(r["quiz_average"] is None for r in board["rows"])
    assert board["you"]["quiz_average"] is None


async def test_a_board_frozen_late_says_so(server, book_app, course, clock, mode):
    ada = await book_app.accounts.resolve("discord", "100000000000000001", "Ada")
    await book_app.accounts.enroll(ada.id, course.id)
    await book_app.tracking.record_reading(ada, course, CHAPTER, 100)
    clock.advance(days=8)  # the course's first week ended; nobody looked at the board yet
    await book_app.tracking.record_reading(ada, course, "01-foundations/sensors.md", 100)
    async with Client(server, mode=mode) as client:
        result, board = await call(client, "leaderboard", {"week": "2026-11-02"})
    assert not result.is_error, result.content[0].text
    assert board["week_start"] == "2026-11-02" and "after the week ended" in board["note"]
    assert [r["display_name"] for r in board["rows"]] == ["Ada"]
