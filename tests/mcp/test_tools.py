"""The tools, resources, prompts and completions, in memory, in both protocol modes, on both databases."""

from __future__ import annotations

import json

import pytest
from mcp import Client
from mcp.types import PromptReference, ResourceLink, ResourceTemplateReference

from mcp_server import paging

CHAPTER = "01-foundations/balance-and-zmp.md"
TOOLS = {
    "search_book",
    "read_section",
    "table_of_contents",
    "ask_book",
    "get_progress",
    "mark_complete",
    "leaderboard",
    "recommend_next",
}


@pytest.fixture(params=["auto", "legacy"])
def mode(request) -> str:
    return request.param


async def test_every_tool_is_described_with_schemas_and_annotations(server, mode):
    async with Client(server, mode=mode) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert set(tools) == TOOLS
        for tool in tools.values():
            assert tool.output_schema and tool.output_schema.get("type") == "object", tool.name
            assert len(tool.description or "") > 80, tool.name
            assert tool.annotations is not None, tool.name
            for name, spec in tool.input_schema.get("properties", {}).items():
                assert spec.get("description"), f"{tool.name}.{name}"
        for name in ("search_book", "table_of_contents", "get_progress", "leaderboard"):
            assert tools[name].annotations.read_only_hint is True
        assert tools["mark_complete"].annotations.idempotent_hint is True
        assert tools["mark_complete"].annotations.read_only_hint is False
        assert tools["search_book"].input_schema["properties"]["limit"]["maximum"] == 20


async def test_search_returns_scored_structured_hits_with_resource_links(server, mode):
    async with Client(server, mode=mode) as client:
        result = await client.call_tool("search_book", {"query": "support polygon", "limit": 3})
        assert not result.is_error
        page = result.structured_content
        assert 1 <= len(page["hits"]) <= 3
        top = page["hits"][0]
        assert top["path"] == CHAPTER
        assert top["uri"] == f"book://sample/{CHAPTER}#{top['anchor']}"
        assert top["headings"][0] == "Bipedal Balance" and top["score"] > 0
        assert json.loads(result.content[0].text) == page
        links = [c for c in result.content if isinstance(c, ResourceLink)]
        assert [str(link.uri) for link in links] == [h["uri"] for h in page["hits"]]
        # The link is readable as a resource.
        read = await client.read_resource(top["uri"])
        assert top["heading"] in read.contents[0].text


async def test_search_pages_with_an_opaque_cursor(server, mode):
    async with Client(server, mode=mode) as client:
        first = (await client.call_tool("search_book", {"query": "robot", "limit": 2})).structured_content
        assert first["next_cursor"]
        second = (
            await client.call_tool(
                "search_book", {"query": "robot", "limit": 2, "cursor": first["next_cursor"]}
            )
        ).structured_content
        seen = {(h["path"], h["anchor"]) for h in first["hits"]}
        assert second["hits"] and not seen & {(h["path"], h["anchor"]) for h in second["hits"]}
        every = (await client.call_tool("search_book", {"query": "robot", "limit": 4})).structured_content
        assert [h["uri"] for h in every["hits"]] == [h["uri"] for h in first["hits"] + second["hits"]]
        # A cursor belongs to its query.
        other = await client.call_tool(
            "search_book", {"query": "sensor", "limit": 2, "cursor": first["next_cursor"]}
        )
        assert other.is_error and "different request" in other.content[0].text


async def test_search_narrows_to_a_module(server, mode):
    async with Client(server, mode=mode) as client:
        page = (
            await client.call_tool("search_book", {"query": "robot", "module": "2", "limit": 10})
        ).structured_content
        assert page["module"] == "02-ros2"
        assert page["hits"] and {h["module"] for h in page["hits"]} == {"02-ros2"}


@pytest.mark.parametrize(
    ("tool", "arguments", "says"),
    [
        ("search_book", {"query": ""}, "empty"),
        ("search_book", {"query": "   "}, "empty"),
        ("search_book", {"query": "balance", "limit": 10_000}, "less than or equal to 20"),
        ("search_book", {"query": "balance", "limit": 0}, "greater than or equal to 1"),
        ("search_book", {"query": "balance", "cursor": "not-a-cursor"}, "not valid"),
        ("search_book", {"query": "balance", "module": "no-such-module"}, "No module"),
        ("search_book", {"query": "x" * 1001}, "too long"),
        ("read_section", {"path": "no/such-chapter.md"}, "No chapter"),
        ("read_section", {"path": CHAPTER, "anchor": "no-such-section"}, "No section"),
        ("read_section", {"path": ""}, "chapter path"),
        ("mark_complete", {"unit": "week-99"}, "No unit"),
        ("mark_complete", {"unit": " "}, "Name a unit"),
        ("leaderboard", {"week": "last tuesday"}, "is not a week"),
        ("ask_book", {"question": ""}, ""),
    ],
)
async def test_bad_arguments_are_tool_errors_the_model_can_act_on(server, mode, tool, arguments, says):
    async with Client(server, mode=mode) as client:
        result = await client.call_tool(tool, arguments)
        assert result.is_error
        text = result.content[0].text
        assert says in text
        assert text != f"Error executing tool {tool}"  # not an unexplained crash


async def test_read_section_pages_and_records_reading(server, mode, monkeypatch):
    async with Client(server, mode=mode) as client:
        monkeypatch.setattr(paging, "PAGE_CHARS", 800)
        reading = {"path": CHAPTER, "record_progress": True}
        first = (await client.call_tool("read_section", reading)).structured_content
        assert first["page"] == 1 and first["pages"] > 2 and len(first["markdown"]) <= 800
        assert first["markdown"].startswith("# Bipedal Balance")
        assert 0 < first["chapter_completion_pct"] < 100
        pages, cursor, pct = [first["markdown"]], first["next_cursor"], first["chapter_completion_pct"]
        while cursor:
            page = (await client.call_tool("read_section", {**reading, "cursor": cursor})).structured_content
            assert page["chapter_completion_pct"] >= pct
            pages.append(page["markdown"])
            cursor, pct = page["next_cursor"], page["chapter_completion_pct"]
        assert len(pages) == first["pages"] and pct == 100
        progress = (await client.call_tool("get_progress", {})).structured_content
        assert {"chapter": CHAPTER, "completion_pct": 100, "read": True} in progress["chapters"]
        week1 = next(u for u in progress["units"] if u["unit_id"] == "week-1")
        assert week1["completed"]


async def test_reading_one_section_counts_part_of_the_chapter(server, mode):
    async with Client(server, mode=mode) as client:
        toc = (await client.call_tool("table_of_contents", {"chapter": CHAPTER})).structured_content
        chapter = next(c for m in toc["modules"] for c in m["chapters"] if c["path"] == CHAPTER)
        anchor = chapter["sections"][0]["anchor"]
        page = (
            await client.call_tool(
                "read_section", {"path": CHAPTER, "anchor": anchor, "record_progress": True}
            )
        ).structured_content
        assert page["anchor"] == anchor and page["next_anchor"]
        assert 0 < page["chapter_completion_pct"] < 100


async def test_table_of_contents_lists_modules_chapters_sections_and_units(server, mode):
    async with Client(server, mode=mode) as client:
        toc = (await client.call_tool("table_of_contents", {})).structured_content
        labels = [m["label"] for m in toc["modules"]]
        assert labels[0] == "Introduction" and len(labels) == 4
        paths = [c["path"] for m in toc["modules"] for c in m["chapters"]]
        assert CHAPTER in paths and len(paths) == 7
        assert {u["id"] for u in toc["units"]} >= {"week-1", "week-2"}


async def test_ask_book_answers_with_citations_and_reports_progress(server, mode):
    async with Client(server, mode=mode) as client:
        updates = []

        async def on_progress(progress, total, message):
            updates.append((progress, total, message))

        result = await client.call_tool(
            "ask_book", {"question": "What is the support polygon?"}, progress_callback=on_progress
        )
        assert not result.is_error, result.content
        answer = result.structured_content
        assert answer["covered"] and answer["citations"] and answer["mode"] == "extractive"
        assert answer["citations"][0]["uri"].startswith("book://sample/")
        assert updates[0][0] == 0 and updates[-1][0] == 1 and updates[-1][1] == 1


async def test_ask_book_says_when_the_book_does_not_cover_it(server, mode):
    async with Client(server, mode=mode) as client:
        answer = (
            await client.call_tool("ask_book", {"question": "What is the capital of Australia?"})
        ).structured_content
        assert answer["covered"] is False and answer["citations"] == []


async def test_mark_complete_is_idempotent_and_shows_in_progress(server, mode):
    async with Client(server, mode=mode) as client:
        first = (await client.call_tool("mark_complete", {"unit": "2"})).structured_content
        again = (await client.call_tool("mark_complete", {"unit": "week-2"})).structured_content
        assert first == again and first["unit"]["completed"] and first["course_completion"] > 0
        progress = (await client.call_tool("get_progress", {})).structured_content
        assert next(u for u in progress["units"] if u["unit_id"] == "week-2")["completed"]
        undone = (
            await client.call_tool("mark_complete", {"unit": "week-2", "completed": False})
        ).structured_content
        assert not undone["unit"]["completed"]


async def test_leaderboard_and_recommendations(server, book_app, mode):
    await book_app.courses.configure("sample", self_marked_counts=True)  # marking alone counts here
    async with Client(server, mode=mode) as client:
        await client.call_tool("mark_complete", {"unit": "week-1"})
        board = (await client.call_tool("leaderboard", {})).structured_content
        assert board["you"]["is_you"] and board["you"]["completion"] > 0
        assert all("user_id" not in row for row in board["rows"])
        picks = (await client.call_tool("recommend_next", {})).structured_content["suggestions"]
        assert picks and all(p["reason"] and p["uri"].startswith("book://sample/") for p in picks)


async def test_resources_toc_chapter_and_section(server, mode):
    async with Client(server, mode=mode) as client:
        listed = [str(r.uri) for r in (await client.list_resources()).resources]
        assert listed == ["book://sample/toc"]
        templates = {t.uri_template for t in (await client.list_resource_templates()).resource_templates}
        assert templates == {"book://{course}/{+path}", "book://{course}/{+path}#{anchor}"}
        toc = (await client.read_resource("book://sample/toc")).contents[0]
        assert toc.mime_type == "text/markdown" and f"(book://sample/{CHAPTER})" in toc.text
        chapter = (await client.read_resource(f"book://sample/{CHAPTER}")).contents[0]
        assert chapter.text.count("## ") >= 3
        section = (await client.read_resource(f"book://sample/{CHAPTER}#support-polygon")).contents[0]
        assert "Support Polygon" in section.text and len(section.text) < len(chapter.text)


@pytest.mark.parametrize(
    "uri", ["book://sample/nope.md", "book://other/index.md", "book://sample/index.md#nope"]
)
async def test_unknown_resources_are_errors(server, mode, uri):
    async with Client(server, mode=mode) as client:
        with pytest.raises(Exception, match="No "):
            await client.read_resource(uri)


async def test_prompts(server, mode):
    async with Client(server, mode=mode) as client:
        names = {p.name for p in (await client.list_prompts()).prompts}
        assert names == {"quiz_me", "study_plan", "explain_at_my_level"}
        quiz = await client.get_prompt("quiz_me", {"chapter": CHAPTER, "questions": "3"})
        text = quiz.messages[0].content.text
        assert "Ask 3 questions" in text and "Support Polygon" in text
        plan = await client.get_prompt("study_plan", {"hours_per_week": "4", "unit": "week-2"})
        assert "4 hours a week" in plan.messages[0].content.text and "week-2" in plan.messages[0].content.text
        explain = await client.get_prompt("explain_at_my_level", {"topic": "zero moment point"})
        assert "experience level" in explain.messages[0].content.text
        assert "book://sample/" in explain.messages[0].content.text


async def test_completions_for_paths_anchors_and_units(server, mode):
    async with Client(server, mode=mode) as client:
        template = ResourceTemplateReference(type="ref/resource", uri="book://{course}/{+path}")
        paths = (await client.complete(template, {"name": "path", "value": "01-"})).completion
        assert paths.values == ["01-foundations/balance-and-zmp.md", "01-foundations/sensors.md"]
        quiz = PromptReference(type="ref/prompt", name="quiz_me")
        assert (
            "02-ros2/nodes-and-topics.md"
            in (await client.complete(quiz, {"name": "chapter", "value": "nodes"})).completion.values
        )
        plan = PromptReference(type="ref/prompt", name="study_plan")
        units = (await client.complete(plan, {"name": "unit", "value": "week"})).completion
        assert "week-1" in units.values
        section = ResourceTemplateReference(type="ref/resource", uri="book://{course}/{+path}#{anchor}")
        anchors = (
            await client.complete(
                section, {"name": "anchor", "value": "supp"}, context_arguments={"path": CHAPTER}
            )
        ).completion
        assert anchors.values == ["support-polygon"]
