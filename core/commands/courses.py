"""`studyhall course …`"""

from __future__ import annotations

import argparse

from core.app import App
from core.commands.common import print_json
from core.courses import ANSWER_MODES, ANSWER_STYLES
from core.errors import InvalidInput


def register(sub: argparse._SubParsersAction) -> None:
    course = sub.add_parser("course", help="create and list courses")
    actions = course.add_subparsers(dest="action", required=True, metavar="ACTION")

    create = actions.add_parser("create", help="create a course")
    create.add_argument("slug", help="short name used in commands, e.g. robotics-101")
    create.add_argument("--name", required=True, help="the course's full name")
    create.set_defaults(handler=create_course)

    settings = actions.add_parser("set", help="change a course's settings")
    settings.add_argument("slug")
    settings.add_argument("--name", help="the course's full name")
    settings.add_argument(
        "--quota",
        type=int,
        dest="hourly_question_quota",
        help="questions per student per hour (0 = no questions; staff are exempt; "
        "at most STUDYHALL_MAX_HOURLY_QUOTA)",
    )
    settings.add_argument(
        "--answer-mode",
        dest="answer_mode",
        choices=ANSWER_MODES,
        help="auto: LLM when a key is set; llm; extractive: never the LLM",
    )
    settings.add_argument("--answer-style", dest="answer_style", choices=ANSWER_STYLES)
    settings.add_argument(
        "--model", dest="llm_model", help="this course's Anthropic model, one of STUDYHALL_LLM_MODELS"
    )
    settings.add_argument(
        "--leaderboard-day",
        dest="leaderboard_day",
        type=int,
        help="the day each week's board is frozen: 0 = Monday … 6 = Sunday",
    )
    settings.add_argument("--welcome", dest="welcome_text", help="a welcome message for students")
    settings.add_argument(
        "--book-url", dest="book_url", help="where the book is published, so citations link to it ('' clears)"
    )
    settings.add_argument(
        "--book-path", dest="book_path", help="the book's source folder, for /book ingest in Discord"
    )
    settings.set_defaults(handler=set_course)

    listing = actions.add_parser("list", help="list courses")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=list_courses)


async def create_course(app: App, args: argparse.Namespace) -> int:
    course = await app.courses.create(args.slug, args.name)
    print(f"Created course {course.slug!r} ({course.name}).")
    return 0


async def set_course(app: App, args: argparse.Namespace) -> int:
    names = (
        "name",
        "hourly_question_quota",
        "answer_mode",
        "answer_style",
        "llm_model",
        "leaderboard_day",
        "welcome_text",
        "book_url",
        "book_path",
    )
    changes = {name: getattr(args, name) for name in names if getattr(args, name) is not None}
    if not changes:
        raise InvalidInput("setting", "Give at least one setting to change (see --help).")
    course = await app.courses.configure(args.slug, **changes)
    print(f"Updated {course.slug!r}: " + ", ".join(f"{k} = {getattr(course, k)!r}" for k in changes))
    return 0


async def list_courses(app: App, args: argparse.Namespace) -> int:
    courses = await app.courses.list()
    if args.json:
        print_json([c.model_dump(mode="json") for c in courses])
    elif not courses:
        print("No courses yet. Create one with: studyhall course create SLUG --name NAME")
    else:
        for c in courses:
            state = "" if c.is_active else "  (inactive)"
            print(f"{c.slug:<24} {c.name}{state}")
    return 0
