"""`studyhall course …`"""

from __future__ import annotations

import argparse

from core import validation
from core.app import App
from core.bind_codes import parse_lifetime
from core.commands.common import print_json, user_for_discord_id
from core.courses import ANSWER_MODES, ANSWER_STYLES
from core.errors import InvalidInput
from core.models.accounts import Course


def register(sub: argparse._SubParsersAction) -> None:
    course = sub.add_parser("course", help="create and list courses")
    actions = course.add_subparsers(dest="action", required=True, metavar="ACTION")

    create = actions.add_parser("create", help="create a course")
    create.add_argument("slug", help="short name used in commands, e.g. robotics-101")
    create.add_argument("--name", required=True, help="the course's full name")
    create.add_argument(
        "--instructor",
        metavar="DISCORD_ID",
        help="the course's first instructor (without one, Discord binds it only with a bind-code)",
    )
    create.set_defaults(handler=create_course)

    code = actions.add_parser(
        "bind-code", help="a one-time code that lets someone bind a Discord server to this course"
    )
    code.add_argument("slug")
    code.add_argument(
        "--expires-in",
        default="24h",
        help="how long the code stays valid: 30m, 24h, 7d … (default 24h, at most 30d)",
    )
    code.set_defaults(handler=make_bind_code)

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
        "--book-path",
        "--book-folder",
        dest="book_path",
        help="the book's source folder, for /book ingest in Discord: any folder of this machine "
        "(Discord staff can only pick folders under STUDYHALL_BOOKS_ROOT); '' clears",
    )
    settings.add_argument(
        "--share-folder",
        action="store_true",
        help="allow a book folder another course already uses (both courses then read it)",
    )
    settings.add_argument(
        "--staff-only",
        dest="staff_only",
        help="pages only staff see: comma-separated patterns, e.g. "
        "'educator-resources/**, *solutions*' ('' clears)",
    )
    settings.add_argument(
        "--self-marked-counts",
        dest="self_marked_counts",
        choices=("yes", "no"),
        help="whether units students only mark complete count on the leaderboard (default: no)",
    )
    settings.set_defaults(handler=set_course)

    listing = actions.add_parser("list", help="list courses")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=list_courses)


async def create_course(app: App, args: argparse.Namespace) -> int:
    # The id is checked before anything is made, so a typo creates no instructor-less course.
    discord_id = validation.discord_id(args.instructor) if args.instructor else None
    course = await app.courses.create(args.slug, args.name)
    print(f"Created course {course.slug!r} ({course.name}).")
    if discord_id:
        await make_instructor(app, course, discord_id)
        print(
            f"Discord user {discord_id} is its instructor; they bind their server with "
            f"/course setup slug:{course.slug}"
        )
    else:
        print(no_instructor_hint(course.slug))
    return 0


async def make_bind_code(app: App, args: argparse.Namespace) -> int:
    lifetime = parse_lifetime(args.expires_in)
    issued = await app.bind_codes.create(args.slug, expires_in=lifetime)
    until = issued.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    print(f"A binding code for {issued.course.slug!r}, valid once, until {until}:")
    print(f"  {issued.code}")
    print("Give it to the person who will run, in their Discord server:")
    print(f"  /course setup slug:{issued.course.slug} code:{issued.code}")
    print("It makes them the course's instructor only if the course has none. It is not shown again.")
    return 0


async def make_instructor(app: App, course: Course, discord_id: str) -> None:
    """Works before the person ever used Studyhall: their account is made now, named on first use."""
    user = await user_for_discord_id(app, discord_id)
    await app.accounts.set_role(user.id, course.id, "instructor", surface="cli")


def no_instructor_hint(slug: str) -> str:
    return (
        f"The course has no instructor: nobody can bind it from Discord until you run "
        f"`studyhall user role --discord-id ID --course {slug} --role instructor`, or make a one-time "
        f"code with `studyhall course bind-code {slug}`."
    )


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
        "staff_only",
        "self_marked_counts",
    )
    if getattr(args, "self_marked_counts", None) is not None:
        args.self_marked_counts = args.self_marked_counts == "yes"
    changes = {name: getattr(args, name) for name in names if getattr(args, name) is not None}
    if not changes:
        raise InvalidInput("setting", "Give at least one setting to change (see --help).")
    # The operator is trusted on the host: any folder, shared only when they say so.
    course = await app.courses.configure(
        args.slug, host_paths=True, share_folder=args.share_folder, **changes
    )
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
