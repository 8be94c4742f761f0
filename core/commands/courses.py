"""`studyhall course …`"""

from __future__ import annotations

import argparse

from core.app import App
from core.commands.common import print_json


def register(sub: argparse._SubParsersAction) -> None:
    course = sub.add_parser("course", help="create and list courses")
    actions = course.add_subparsers(dest="action", required=True, metavar="ACTION")

    create = actions.add_parser("create", help="create a course")
    create.add_argument("slug", help="short name used in commands, e.g. robotics-101")
    create.add_argument("--name", required=True, help="the course's full name")
    create.set_defaults(handler=create_course)

    listing = actions.add_parser("list", help="list courses")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=list_courses)


async def create_course(app: App, args: argparse.Namespace) -> int:
    course = await app.courses.create(args.slug, args.name)
    print(f"Created course {course.slug!r} ({course.name}).")
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
