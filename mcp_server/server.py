"""The MCP server: the course book and the caller's progress as tools, resources and prompts.

It translates; the core decides. Every tool asks `Identity` who is calling, calls a core service
and maps the result to a pydantic model (so each tool has an output schema and structured content).
Domain errors become `ToolError`s whose text the model reads and can act on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Annotated
from urllib.parse import quote, unquote

from mcp.server import MCPServer
from mcp.server.auth.provider import TokenVerifier
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, ResourceLink, TextContent, ToolAnnotations
from pydantic import Field

from core.app import App
from core.errors import InvalidInput, StudyhallError
from core.models.accounts import Course
from core.models.books import SearchFilters
from core.models.conversations import Answer
from mcp_server import models, paging
from mcp_server.content import register_content
from mcp_server.identity import WRITE, Caller, Identity
from mcp_server.protocol import StudyhallMCPServer, package_version

log = logging.getLogger(__name__)

MAX_HITS = 20
SEARCH_DEPTH = 50  # the core returns at most this many sections for one query
FROZEN_LATE = (
    "Frozen after the week ended: a standing that changed since counts only the progress recorded "
    "by the week's end."
)
TOC_CHAPTERS = 40  # chapters per table_of_contents page (~6k characters without sections)

INSTRUCTIONS = """\
Studyhall gives you the course textbook and the student's own progress.
Use search_book to find where the book covers something (ranked sections with paths and anchors),
read_section to read a section (paged Markdown; record_progress=true only when the student reads it),
ask_book for a cited answer to a question, table_of_contents for the book's structure and unit ids,
get_progress / mark_complete / leaderboard / recommend_next for the student's learning.
Cite the book by chapter and section when you use it."""

# Every tool says openWorldHint: the book and the class are a closed world; only ask_book, when a
# model writes its answers, reaches outside.
READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)
MODULE = Field(
    description="Only this module: its folder, label, number or a part of its label (see table_of_contents)."
)


@dataclass
class Runtime:
    """What the tools need: the wired core, the course this server serves, and who is calling."""

    app: App
    course_slug: str
    identity: Identity

    async def course(self) -> Course:
        return await self.app.courses.get(self.course_slug)

    async def caller(self) -> Caller:
        """Who is calling, once the core agrees they may use this course (members only)."""
        caller = await self.identity.caller()
        enrollment = await self.app.access.require(
            caller.user, await self.course(), token_course_id=caller.course_id
        )
        return replace(caller, role=enrollment.role)

    async def sees_staff_material(self, caller: Caller, course: Course) -> bool:
        """The core's decision: staff-only pages are for the course's instructors and TAs."""
        return await self.app.staff.sees_staff_material(caller.user, course)

    def uri(self, path: str, anchor: str = "") -> str:
        base = f"book://{self.course_slug}/{quote(path, safe='/')}"
        return f"{base}#{quote(anchor, safe='')}" if anchor else base


@contextmanager
def domain_errors() -> Iterator[None]:
    """The core's errors, worded for the model: raised as ToolError so the text reaches it."""
    try:
        yield
    except StudyhallError as err:
        raise ToolError(str(err)) from err


def build_server(
    runtime: Runtime,
    *,
    token_verifier: TokenVerifier | None = None,
    auth: AuthSettings | None = None,
) -> MCPServer:
    """An MCPServer over `runtime`. With a verifier and auth settings it requires bearer tokens (HTTP)."""
    server = StudyhallMCPServer(
        name="studyhall",
        title="Studyhall course book",
        instructions=INSTRUCTIONS,
        version=package_version(),
        token_verifier=token_verifier,
        auth=auth,
    )
    _register_tools(server, runtime)
    register_content(server, runtime)
    return server


def _register_tools(server: MCPServer, rt: Runtime) -> None:
    @server.tool(
        title="Search the course book",
        annotations=READ_ONLY,
    )
    async def search_book(
        query: Annotated[
            str, Field(description="What to look for: a question, a concept, or exact terms and identifiers.")
        ],
        module: Annotated[int | str | None, MODULE] = None,
        limit: Annotated[int, Field(description="Hits per page, 1–20.", ge=1, le=MAX_HITS)] = 5,
        cursor: Annotated[
            str | None,
            Field(description="next_cursor from a previous call with the same query, for more hits."),
        ] = None,
    ) -> Annotated[CallToolResult, models.SearchPage]:
        """Find where the course book covers something. Hybrid search (meaning + keywords) over the book,
        one hit per section, best first, each with a relevance score, chapter path, heading path,
        anchor, the matching passage and a book:// link. Use it before answering from the book; read a
        hit in full with read_section(path, anchor). Pages with next_cursor."""
        with domain_errors():
            caller = await rt.caller()
            course = await rt.course()
            staff = await rt.sees_staff_material(caller, course)
            await rt.app.quotas.take_search(course, caller.user.id)
            text = (query or "").strip()
            if not text:
                raise InvalidInput("query", "The query is empty: give a few words to look for.")
            folder = await _module(rt, course, module, staff)
            about = json.dumps([text, folder, limit])
            offset = paging.decode(cursor, "search", about)["o"] if cursor else 0
            if not isinstance(offset, int) or offset < 0 or offset >= SEARCH_DEPTH:
                raise InvalidInput("cursor", "This cursor is past the end; call again without a cursor.")
            wanted = min(offset + limit + 1, SEARCH_DEPTH)
            filters = SearchFilters(module=folder) if folder else None
            result = await rt.app.library.search(course, text, limit=wanted, filters=filters, staff=staff)
        found = result.hits[offset : offset + limit]
        more = len(result.hits) > offset + limit
        page = models.SearchPage(
            query=text,
            module=folder,
            hits=[
                models.Hit(
                    uri=rt.uri(h.path, h.anchor),
                    path=h.path,
                    anchor=h.anchor,
                    title=h.title,
                    heading=h.heading,
                    headings=h.headings,
                    score=round(h.score, 4),
                    text=paging.trim(h.text),
                    highlight=paging.trim(h.highlight),
                    module=h.module,
                    week=h.week,
                    staff_only=h.staff_only,
                )
                for h in found
            ],
            next_cursor=paging.encode("search", about, o=offset + limit) if more else None,
            lexical_only=result.lexical_only,
            ms=round(result.ms, 1),
        )
        links = [
            ResourceLink(
                type="resource_link",
                uri=hit.uri,
                name=f"{hit.path}#{hit.anchor}" if hit.anchor else hit.path,
                title=" › ".join(hit.headings) or hit.heading,
                mime_type="text/markdown",
            )
            for hit in page.hits
        ]
        return CallToolResult(
            content=[TextContent(type="text", text=page.model_dump_json()), *links],
            structured_content=page.model_dump(mode="json"),
        )

    @server.tool(
        title="Read a section of the book",
        # Not read-only: with record_progress it records reading (each stretch counted once, so
        # repeating a call changes nothing more: idempotent).
        annotations=ToolAnnotations(
            read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False
        ),
    )
    async def read_section(
        path: Annotated[
            str,
            Field(
                description="Chapter path (from search_book or table_of_contents), `path#anchor`, or a "
                "hit's book:// uri."
            ),
        ],
        anchor: Annotated[
            str,
            Field(description="Section anchor (or heading) inside the chapter; empty for the whole chapter."),
        ] = "",
        cursor: Annotated[
            str | None, Field(description="next_cursor from a previous read_section of the same section.")
        ] = None,
        record_progress: Annotated[
            bool,
            Field(
                description="True only when the student is reading this text themselves: the characters "
                "returned then count toward their progress through the chapter. Leave false to look "
                "something up."
            ),
        ] = False,
    ) -> models.SectionPage:
        """Read a section of the course book (with its subsections) as Markdown, one bounded page at a
        time; follow next_cursor for the rest, and previous_anchor/next_anchor to move on. Looking
        something up records nothing. Pass record_progress=true only when the student is reading
        along: the text returned then counts toward their progress (each passage once)."""
        with domain_errors():
            caller = await rt.caller()
            if record_progress:
                caller.require(WRITE)  # before anything is charged
            course = await rt.course()
            await rt.app.quotas.take_read(course, caller.user.id)
            clean_path, clean_anchor = _place(rt, path, anchor)
            if not clean_path:
                raise InvalidInput("path", "Give a chapter path (see table_of_contents or search_book).")
            about = json.dumps([clean_path, clean_anchor])
            number = paging.decode(cursor, "read", about)["p"] if cursor else 0
            staff = await rt.sees_staff_material(caller, course)
            view = await rt.app.library.reader.get_section(course, clean_path, clean_anchor, staff)
            pages = paging.split_pages(view.markdown)
            if not isinstance(number, int) or not 0 <= number < len(pages):
                raise InvalidInput("cursor", "This cursor is past the end; call again without a cursor.")
            pct, note = None, None
            if record_progress:
                pct = await _record_reading(rt, caller, course, view, pages, number, staff)
            else:
                note = "Not recorded (looked up). Pass record_progress=true when the student reads it."
        return models.SectionPage(
            uri=rt.uri(view.path, view.anchor),
            path=view.path,
            anchor=view.anchor,
            title=view.title,
            heading=view.heading,
            headings=[str(h) for h in view.headings],
            markdown=pages[number],
            page=number + 1,
            pages=len(pages),
            next_cursor=paging.encode("read", about, p=number + 1) if number + 1 < len(pages) else None,
            previous_anchor=view.previous_anchor,
            next_anchor=view.next_anchor,
            chapter_completion_pct=pct,
            progress_note=note,
            staff_only=view.staff_only,
        )

    @server.tool(title="Table of contents", annotations=READ_ONLY)
    async def table_of_contents(
        chapter: Annotated[
            str | None,
            Field(description="A chapter's path, book:// uri or title: list its sections (with anchors)."),
        ] = None,
        module: Annotated[int | str | None, MODULE] = None,
        cursor: Annotated[
            str | None, Field(description="next_cursor from a previous call, for the next chapters.")
        ] = None,
    ) -> models.TableOfContents:
        """The course book's structure: modules and their chapters (path, title, week, difficulty,
        how many sections), plus the units a student can mark complete. Sections (heading, anchor)
        are listed for one chapter at a time: pass `chapter`. Use the paths and anchors with
        read_section, module names with search_book and unit ids with mark_complete. Long books
        page with next_cursor."""
        with domain_errors():
            caller = await rt.caller()
            course = await rt.course()
            staff = await rt.sees_staff_material(caller, course)
            folder = await _module(rt, course, module, staff)
            wanted = None
            if chapter is not None and chapter.strip():
                path, _ = _place(rt, chapter, "")
                wanted = (await rt.app.library.reader.get_section(course, path, "", staff)).path
            about = json.dumps([wanted, folder])
            start = paging.decode(cursor, "toc", about)["o"] if cursor else 0
            toc = await rt.app.library.reader.table_of_contents(course, staff=staff)
            units = await rt.app.tracking.units(course) if start == 0 else []
        listed = [
            (m, c)
            for m in toc
            if folder is None or m.module == folder
            for c in m.chapters
            if c.status == "ready" and (wanted is None or c.path == wanted)
        ]
        if not isinstance(start, int) or not 0 <= start <= len(listed):
            raise ToolError("This cursor is past the end; call again without a cursor.")
        shown = listed[start : start + TOC_CHAPTERS]
        modules: dict[str | None, models.Module] = {}
        for m, c in shown:
            entry = modules.setdefault(m.module, models.Module(module=m.module, label=m.label, chapters=[]))
            entry.chapters.append(
                models.Chapter(
                    path=c.path,
                    uri=rt.uri(c.path),
                    title=c.title,
                    week=c.week,
                    difficulty=c.difficulty,
                    section_count=sum(1 for s in c.sections if s.anchor),
                    sections=[
                        models.Section(heading=s.heading, anchor=s.anchor, level=s.level) for s in c.sections
                    ]
                    if wanted
                    else None,
                    staff_only=c.staff_only,
                )
            )
        more = start + TOC_CHAPTERS < len(listed)
        return models.TableOfContents(
            course=course.slug,
            modules=list(modules.values()),
            units=[
                models.UnitInfo(id=u.id, title=u.title, kind=u.kind, chapters=[str(c) for c in u.chapters])
                for u in units
            ],
            next_cursor=paging.encode("toc", about, o=start + TOC_CHAPTERS) if more else None,
        )

    @server.tool(
        title="Ask the book",
        # With a model configured, the passages go to it (outside this server): an open world.
        annotations=ToolAnnotations(
            read_only_hint=False,
            idempotent_hint=False,
            open_world_hint=bool(rt.app.settings.anthropic_api_key),
        ),
    )
    async def ask_book(
        question: Annotated[str, Field(description="The student's question, in their words.")],
        ctx: Context,
        module: Annotated[int | str | None, MODULE] = None,
        selected_text: Annotated[
            str | None, Field(description="A passage of the book the question is about, quoted exactly.")
        ] = None,
    ) -> models.BookAnswer:
        """Answer a question from the course book: the core retrieves passages, decides whether the book
        covers it, and writes a grounded answer with citations (chapter, section, quote). If the book
        does not cover it, `covered` is false and `closest` names the nearest sections; do not invent
        an answer then. Counts against the student's question quota and is kept in their history."""
        with domain_errors():
            caller = await rt.caller()
            course = await rt.course()
            folder = await _module(rt, course, module, await rt.sees_staff_material(caller, course))
            await ctx.report_progress(0, 1, "Searching the book")
            final: Answer | None = None
            written = 0
            async for item in rt.app.answers.stream(
                course, caller.user, question, module=folder, selected_text=selected_text, surface="mcp"
            ):
                if isinstance(item, Answer):
                    final = item
                else:
                    written += len(item)
                    await ctx.report_progress(0.5, 1, f"Writing the answer ({written} characters)")
            assert final is not None
            await ctx.report_progress(1, 1, "Done")
        return models.BookAnswer(
            answer=final.text,
            covered=final.covered,
            citations=[
                models.Citation(
                    uri=rt.uri(c.path, c.anchor),
                    path=c.path,
                    anchor=c.anchor,
                    heading=c.heading,
                    headings=c.headings,
                    quote=c.quote,
                    score=c.score,
                )
                for c in final.citations
            ],
            closest=[
                models.Nearest(uri=rt.uri(s.path, s.anchor), path=s.path, anchor=s.anchor, heading=s.heading)
                for s in final.closest
            ],
            mode=final.mode,
            notice=final.notice,
            latency_ms=final.latency_ms,
        )

    @server.tool(title="My progress", annotations=READ_ONLY)
    async def get_progress() -> models.Progress:
        """The calling student's own progress in this course: overall completion, quiz average, each
        unit (completed, percent, time, best quiz score) and each chapter read. Only ever the caller's."""
        with domain_errors():
            caller = await rt.caller()
            course = await rt.course()
            progress = await rt.app.tracking.show(caller.user, course)
        return _progress(progress, caller)

    @server.tool(
        title="Mark a unit complete",
        annotations=ToolAnnotations(
            read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False
        ),
    )
    async def mark_complete(
        unit: Annotated[
            str, Field(description="Unit id or title, e.g. 'week-3' or '3' (see table_of_contents units).")
        ],
        completed: Annotated[bool, Field(description="False to undo an earlier mark.")] = True,
    ) -> models.MarkResult:
        """Mark one of the course's units (a week or module) complete for the calling student, when they
        say they have finished it; idempotent. Returns the unit's state and the new course completion."""
        with domain_errors():
            caller = await rt.caller()
            caller.require(WRITE)
            course = await rt.course()
            if not unit.strip():
                raise InvalidInput("unit", "Name a unit, e.g. 'week-1' (see table_of_contents).")
            state = await rt.app.tracking.mark(caller.user, course, unit, completed=completed)
            overall = await rt.app.tracking.show(caller.user, course)
        return models.MarkResult(unit=_unit(state), course_completion=overall.completion)

    @server.tool(title="Leaderboard", annotations=READ_ONLY)
    async def leaderboard(
        week: Annotated[
            str | None,
            Field(
                description="A past week, as a date in it (2026-11-16) or ISO week (2026-W47); omit for live."
            ),
        ] = None,
    ) -> models.Leaderboard:
        """The course leaderboard (students who opted out are left out) and the caller's own standing."""
        with domain_errors():
            caller = await rt.caller()
            course = await rt.course()
            board = await rt.app.leaderboards.board(course, week=week, viewer_id=caller.user.id, limit=10)

        def standing(row) -> models.Standing:
            return models.Standing(
                rank=row.rank,
                display_name=row.display_name,
                completion=row.completion,
                # as get_progress: null, not 0, for a student who never took a quiz
                quiz_average=None if row.quiz_average == 0 and not row.took_a_quiz else row.quiz_average,
                is_you=row.user_id == caller.user.id,
            )

        return models.Leaderboard(
            course=board.course,
            week_start=board.week_start,
            rows=[standing(r) for r in board.rows],
            you=standing(board.viewer) if board.viewer else None,
            you_hidden=board.viewer_hidden,
            note=FROZEN_LATE if board.frozen_late else None,
            students=board.students,
        )

    @server.tool(
        title="What to read next",
        # Not read-only: the suggestions are kept (the bot shows them too).
        annotations=ToolAnnotations(read_only_hint=False, idempotent_hint=True, open_world_hint=False),
    )
    async def recommend_next() -> models.Recommendations:
        """Chapters the calling student should read next, from their profile (experience, hardware,
        software), what they have read and the book's order, each with a one-sentence reason."""
        with domain_errors():
            caller = await rt.caller()
            course = await rt.course()
            picks = await rt.app.recommendations.next_for(caller.user, course)
        return models.Recommendations(
            suggestions=[
                models.Suggestion(
                    uri=rt.uri(r.path), path=r.path, title=r.title, score=r.score, reason=r.reason
                )
                for r in picks
            ]
        )


async def _record_reading(
    rt: Runtime, caller: Caller, course: Course, view, pages: list[str], number: int, staff: bool
) -> int:
    """Count the characters of the page returned toward the chapter (each stretch only once)."""
    start = 0
    for page in pages[:number]:  # pages are cut from the section in order, whitespace dropped
        start = view.markdown.find(page, start) + len(page)
    start = max(0, view.markdown.find(pages[number], start))
    span = await rt.app.library.reader.chapter_span(course, view, start, start + len(pages[number]), staff)
    state = await rt.app.tracking.record_read_span(caller.user, course, view.path, *span)
    return state.completion_pct


def _place(rt: Runtime, path: str, anchor: str) -> tuple[str, str]:
    """(chapter path, anchor) from what an assistant passes: a path, `path#anchor`, or the
    book:// uri a search hit or resource link carries (an explicit anchor wins)."""
    text = path.strip()
    uri = text.startswith("book://")
    if uri:
        course, _, text = text[len("book://") :].partition("/")
        if course != rt.course_slug:
            raise InvalidInput("path", f"That uri is not of this course's book ({rt.course_slug!r}).")
    text, _, in_path = text.partition("#")
    if uri:  # rt.uri quotes both parts
        text, in_path = unquote(text), unquote(in_path)
    return text.strip().lstrip("/"), (anchor.strip() or in_path.strip()).lstrip("#")


async def _module(rt: Runtime, course: Course, module: int | str | None, staff: bool) -> str | None:
    """The module folder an assistant meant: a number, a folder, a label or a part of one."""
    if module is None or not str(module).strip():
        return None
    return await rt.app.library.reader.resolve_module(course, module, staff, partial=True)


def _unit(u) -> models.UnitStatus:
    return models.UnitStatus(
        unit_id=u.unit_id,
        title=u.title,
        completed=u.completed,
        completion_pct=u.completion_pct,
        time_spent_s=u.time_spent_s,
        best_quiz_score=u.best_quiz_score,
    )


def _progress(progress, caller: Caller) -> models.Progress:
    return models.Progress(
        course=progress.course,
        student=caller.user.display_name,
        completion=progress.completion,
        quiz_average=progress.quiz_average,
        units=[_unit(u) for u in progress.units],
        chapters=[
            models.ChapterStatus(chapter=c.chapter, completion_pct=c.completion_pct, read=c.read)
            for c in progress.chapters
        ],
    )
