"""`studyhall demo`: the sample book loaded, two questions answered with citations, what to do next."""

from __future__ import annotations

import argparse

from core.app import App
from core.books.layout import SAMPLE_BOOK_ROOT
from core.commands.answers import local_user, print_answer
from core.errors import InvalidInput, NotFound
from core.models.accounts import Course

DEMO_NAME = "Studyhall demo"
QUESTIONS = (
    "What stops a walking robot from falling over?",
    "What should a robot do when it gets stuck?",
)
NEXT_STEPS = """\
Next: your own book   studyhall ingest path/to/book --course my-course --name "My course"
      Discord         DISCORD_TOKEN=… studyhall-bot   (README: "The Discord bot")
      AI assistants   studyhall-mcp --course {slug}   (README: "The MCP server")"""


def register(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help="load the sample book and answer two questions from it")
    demo.add_argument("--course", default="demo", help="the demo course's slug (default: demo)")
    demo.set_defaults(handler=run_demo)


async def run_demo(app: App, args: argparse.Namespace) -> int:
    course = await _demo_course(app, args.course)
    report = await app.library.ingest(course, SAMPLE_BOOK_ROOT)
    chapters = len(report.added) + len(report.changed) + len(report.unchanged)
    print(f"The sample book is in course {course.slug!r} ({chapters} chapters).")
    user = await local_user(app, course)
    for question in QUESTIONS:
        print(f"\n> {question}\n")
        print_answer(await app.answers.ask(course, user, question))
    print()
    print(NEXT_STEPS.format(slug=course.slug))
    return 0


async def _demo_course(app: App, slug: str) -> Course:
    """The demo's own course: made on first run, reused after; never a course holding another book."""
    try:
        course = await app.courses.get(slug)
    except NotFound:
        return await app.courses.get_or_create(slug, DEMO_NAME)
    if course.name != DEMO_NAME:
        raise InvalidInput(
            "course",
            f"Course {slug!r} already exists and is not the demo's; "
            f"run `studyhall demo --course another-slug`.",
        )
    return course
