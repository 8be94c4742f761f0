"""Resources (the book as Markdown), prompts (study workflows) and completions (paths, units)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError
from mcp.server.mcpserver.prompts.base import UserMessage
from mcp.shared.exceptions import MCPError
from mcp.types import (
    Completion,
    CompletionArgument,
    CompletionContext,
    PromptReference,
    ResourceTemplateReference,
)
from mcp_types import INVALID_PARAMS
from pydantic import Field

from core.errors import NotFound, PermissionDenied, StudyhallError
from core.models.accounts import Course
from mcp_server.course_gate import FORBIDDEN

if TYPE_CHECKING:
    from mcp_server.server import Runtime

MAX_COMPLETIONS = 100  # the protocol's cap on completion values
PROMPT_CHARS = 12_000  # book text embedded in one prompt
CHAPTER_TEMPLATE = "book://{course}/{+path}"
SECTION_TEMPLATE = "book://{course}/{+path}#{anchor}"


@contextmanager
def resource_errors() -> Iterator[None]:
    try:
        yield
    except NotFound as err:
        raise ResourceNotFoundError(str(err)) from err
    except StudyhallError as err:
        raise ResourceError(str(err)) from err


@contextmanager
def prompt_errors() -> Iterator[None]:
    try:
        yield
    except PermissionDenied as err:  # an MCPError keeps its words (the SDK rewords anything else)
        raise MCPError(FORBIDDEN, str(err)) from err
    except StudyhallError as err:  # the client's mistake (a chapter that is not there, …), in our words
        raise MCPError(INVALID_PARAMS, str(err)) from err


def register_content(server: MCPServer, rt: Runtime) -> None:
    _register_resources(server, rt)
    _register_prompts(server, rt)
    _register_completions(server, rt)


def _register_resources(server: MCPServer, rt: Runtime) -> None:
    @server.resource(
        f"book://{rt.course_slug}/toc",
        name="table-of-contents",
        title="Table of contents",
        description="The course book's chapters and sections: a Markdown outline with book:// links.",
        mime_type="text/markdown",
    )
    async def toc() -> str:
        with resource_errors():
            caller = await rt.caller()
            course = await rt.course()
            staff = await rt.sees_staff_material(caller, course)
            modules = await rt.app.library.reader.table_of_contents(course, staff=staff)
        lines = [f"# {course.name}", ""]
        for module in modules:
            lines += [f"## {module.label}", ""]
            for chapter in module.chapters:
                if chapter.status != "ready":
                    continue
                week = f" (week {chapter.week})" if chapter.week else ""
                mark = " (staff only)" if chapter.staff_only else ""
                lines.append(f"- [{chapter.title}]({rt.uri(chapter.path)}){week}{mark}")
                for section in chapter.sections:
                    if section.anchor and section.level > 1:
                        indent = "  " * (section.level - 1)
                        lines.append(f"{indent}- [{section.heading}]({rt.uri(chapter.path, section.anchor)})")
            lines.append("")
        return "\n".join(lines)

    @server.resource(
        CHAPTER_TEMPLATE,
        name="chapter",
        title="A chapter of the book",
        description="A whole chapter as Markdown; `path` as in the table of contents.",
        mime_type="text/markdown",
    )
    async def chapter(course: str, path: str) -> str:
        return await _section_markdown(rt, course, path, "")

    @server.resource(
        SECTION_TEMPLATE,
        name="section",
        title="A section of the book",
        description="One section (with its subsections) as Markdown, e.g. a search_book hit's uri.",
        mime_type="text/markdown",
    )
    async def section(course: str, path: str, anchor: str) -> str:
        return await _section_markdown(rt, course, path, anchor)


async def _section_markdown(rt: Runtime, course_slug: str, path: str, anchor: str) -> str:
    with resource_errors():
        caller = await rt.caller()
        if course_slug != rt.course_slug:
            raise NotFound("course", course_slug, f"This server serves the course {rt.course_slug!r}.")
        course = await rt.course()
        staff = await rt.sees_staff_material(caller, course)
        await rt.app.quotas.take_read(course, caller.user.id)
        view = await rt.app.library.reader.get_section(course, path, anchor, staff)
    trail = " › ".join(str(h) for h in view.headings) or view.heading
    if not trail.startswith(view.title):  # the heading path already starts with the chapter's title
        trail = f"{view.title} › {trail}"
    mark = " (staff only)" if view.staff_only else ""
    return f"<!-- {trail}{mark} -->\n\n{view.markdown}\n"


def _register_prompts(server: MCPServer, rt: Runtime) -> None:
    @server.prompt(
        title="Quiz me", description="Quiz the student on a chapter of the book, one question at a time."
    )
    async def quiz_me(
        chapter: Annotated[str, Field(description="Chapter path to be quizzed on (completions available).")],
        questions: Annotated[str, Field(description="How many questions (1–10).")] = "5",
    ) -> list[UserMessage]:
        with prompt_errors():
            caller = await rt.caller()
            course = await rt.course()
            staff = await rt.sees_staff_material(caller, course)
            await rt.app.quotas.take_read(course, caller.user.id)
            view = await rt.app.library.reader.get_section(course, chapter, "", staff)
        count = questions.strip() if questions.strip().isdigit() and 1 <= int(questions) <= 10 else "5"
        return [
            UserMessage(
                f"Quiz me on the chapter “{view.title}” of our course book ({rt.uri(view.path)}). "
                f"Ask {count} questions, one at a time, waiting for my answer before the next. Mix recall "
                "and understanding; after each answer tell me whether I was right, quoting the book's "
                "section (by heading) that supports it. Finish with my score and the sections to reread. "
                "Use only this text as the source:\n\n"
                f"{_bounded(view.markdown)}"
            )
        ]

    @server.prompt(title="Study plan", description="A study plan from the student's progress and the book.")
    async def study_plan(
        hours_per_week: Annotated[str, Field(description="Hours the student can study per week.")] = "5",
        unit: Annotated[
            str, Field(description="A unit id to focus on (completions available); optional.")
        ] = "",
    ) -> list[UserMessage]:
        with prompt_errors():
            caller = await rt.caller()
            course = await rt.course()
            progress = await rt.app.tracking.show(caller.user, course)
            picks = await rt.app.recommendations.next_for(caller.user, course)
        units = "\n".join(
            f"- {u.unit_id} “{u.title}”: {'done' if u.completed else f'{u.completion_pct}%'}"
            for u in progress.units
        )
        suggestions = "\n".join(f"- {r.title} ({rt.uri(r.path)}): {r.reason}" for r in picks) or "- none"
        return [
            UserMessage(
                f"Make me a study plan for the course {course.name!r}. I can study about "
                f"{hours_per_week.strip() or '5'} hours a week. I am {progress.completion:.0f}% through the "
                f"course.\n\nMy units:\n{units or '- none yet'}\n\n"
                f"Suggested next chapters:\n{suggestions}\n\n"
                + (f"Focus on the unit {unit.strip()!r} first. " if unit.strip() else "")
                + "Plan week by week, unfinished units first, naming chapters by title. Use the "
                "table_of_contents and search_book tools if you need more detail."
            )
        ]

    @server.prompt(
        title="Explain at my level",
        description="Explain a topic from the book at the student's experience level.",
    )
    async def explain_at_my_level(
        topic: Annotated[str, Field(description="The topic or question to explain.")],
    ) -> list[UserMessage]:
        with prompt_errors():
            caller = await rt.caller()
            course = await rt.course()
            await rt.app.quotas.take_search(course, caller.user.id)
            profile = await rt.app.accounts.profile(caller.user.id)
            staff = await rt.sees_staff_material(caller, course)
            result = await rt.app.library.search(course, topic, limit=3, staff=staff)
        passages = "\n\n".join(
            f"### {' › '.join(h.headings) or h.heading} ({rt.uri(h.path, h.anchor)})\n{h.text}"
            for h in result.hits
        )
        level = profile.experience_level or "unknown"
        return [
            UserMessage(
                f"Explain “{topic.strip()}” to me. My experience level is {level}: pitch the explanation "
                "there (define terms a learner at that level may not know; skip what they would find "
                "obvious). Ground it in these passages from our course book and cite them by heading:\n\n"
                f"{_bounded(passages) or '(the book has nothing on this; say so)'}"
            )
        ]


def _bounded(text: str) -> str:
    return (
        text
        if len(text) <= PROMPT_CHARS
        else text[:PROMPT_CHARS].rstrip() + "\n\n[…truncated; read the rest with read_section]"
    )


def _register_completions(server: MCPServer, rt: Runtime) -> None:
    @server.completion()
    async def complete(
        ref: PromptReference | ResourceTemplateReference,
        argument: CompletionArgument,
        context: CompletionContext | None,
    ) -> Completion | None:
        if argument.name not in _arguments_of(server, ref):
            return Completion(values=[], total=0, has_more=False)  # nothing there takes that argument
        try:
            return await _complete(rt, argument, context)
        except StudyhallError:
            return None


TEMPLATE_ARGUMENTS = {CHAPTER_TEMPLATE: {"course", "path"}, SECTION_TEMPLATE: {"course", "path", "anchor"}}


def _arguments_of(server: MCPServer, ref: PromptReference | ResourceTemplateReference) -> set[str]:
    """The arguments the prompt or resource template `ref` names takes (none if it is unknown)."""
    if isinstance(ref, PromptReference):
        return server.prompt_arguments(ref.name) or set()  # type: ignore[attr-defined]
    return TEMPLATE_ARGUMENTS.get(ref.uri, set())


async def _complete(
    rt: Runtime, argument: CompletionArgument, context: CompletionContext | None
) -> Completion | None:
    await rt.caller()  # a non-member learns nothing, not even chapter paths
    course = await rt.course()
    staff = await rt.sees_staff_material(await rt.caller(), course)
    typed = argument.value.strip().lower()
    if argument.name in ("path", "chapter"):
        options = await _chapter_paths(rt, course, staff)
    elif argument.name == "unit":
        options = [u.id for u in await rt.app.tracking.units(course)]
    elif argument.name == "course":
        options = [rt.course_slug]
    elif argument.name == "anchor" and context and context.arguments and context.arguments.get("path"):
        toc = await rt.app.library.reader.table_of_contents(course, staff=staff)
        options = [
            s.anchor
            for m in toc
            for c in m.chapters
            if c.path == context.arguments["path"].strip()
            for s in c.sections
            if s.anchor
        ]
    else:
        return None
    matches = [o for o in options if typed in o.lower()]
    matches.sort(key=lambda o: (not o.lower().startswith(typed), o))
    return Completion(
        values=matches[:MAX_COMPLETIONS], total=len(matches), has_more=len(matches) > MAX_COMPLETIONS
    )


async def _chapter_paths(rt: Runtime, course: Course, staff: bool) -> list[str]:
    return [d.path for d in await rt.app.library.reader.documents(course, staff) if d.status == "ready"]
