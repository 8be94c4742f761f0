"""`studyhall user …`: a user's data and settings."""

from __future__ import annotations

import argparse

from core import validation
from core.accounts import ROLES
from core.app import App
from core.commands.common import print_json, user_by_discord_id
from core.errors import InvalidInput


def register(sub: argparse._SubParsersAction) -> None:
    user = sub.add_parser("user", help="a user's data: export, forget, settings")
    actions = user.add_subparsers(dest="action", required=True, metavar="ACTION")

    export = actions.add_parser("export", help="print everything about a user as JSON")
    export.add_argument("--discord-id", required=True)
    export.set_defaults(handler=export_user)

    forget = actions.add_parser("forget", help="delete a user and all their data")
    forget.add_argument("--discord-id", required=True)
    forget.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    forget.set_defaults(handler=forget_user)

    settings = actions.add_parser("set", help="change a user's settings")
    settings.add_argument("--discord-id", required=True)
    settings.add_argument(
        "--leaderboard",
        choices=("hidden", "visible"),
        required=True,
        help="hide the user from leaderboards, or show them again",
    )
    settings.add_argument("--course", help="only this course (default: every course)")
    settings.set_defaults(handler=set_user)

    role = actions.add_parser("role", help="make someone a course's instructor, TA or student")
    role.add_argument("--discord-id", required=True)
    role.add_argument("--course", required=True)
    role.add_argument("--role", required=True, choices=ROLES)
    role.set_defaults(handler=set_role)


async def export_user(app: App, args: argparse.Namespace) -> int:
    user = await user_by_discord_id(app, args.discord_id)
    print_json(await app.privacy.export(user.id, surface="cli"))
    return 0


async def forget_user(app: App, args: argparse.Namespace) -> int:
    if not args.yes:
        raise InvalidInput(
            "--yes",
            "Forgetting a user deletes all their data for good; "
            "add --yes to confirm (export it first with 'user export').",
        )
    user = await user_by_discord_id(app, args.discord_id)
    posts = len(await app.public_posts.of_user(user.id))
    removed = await app.privacy.forget(user.id, surface="cli")
    summary = ", ".join(f"{n} {table}" for table, n in removed.items() if n)
    print(f"Forgot user {args.discord_id}: removed the account" + (f", {summary}." if summary else "."))
    if posts:
        # Only the bot can reach Discord: its sweep deletes them, without knowing whose they were.
        one = posts == 1
        print(
            f"{posts} public Discord message{'' if one else 's'} {'is' if one else 'are'} left for the bot "
            "to delete (a running bot does it within 10 minutes)."
        )
    return 0


async def set_user(app: App, args: argparse.Namespace) -> int:
    user = await user_by_discord_id(app, args.discord_id)
    course_id = (await app.courses.get(args.course)).id if args.course else None
    visible = args.leaderboard == "visible"
    await app.accounts.set_leaderboard_visibility(user.id, visible, surface="cli", course_id=course_id)
    where = f"course {args.course!r}" if args.course else "all courses"
    print(f"User {args.discord_id} is now {args.leaderboard} on leaderboards of {where}.")
    return 0


async def set_role(app: App, args: argparse.Namespace) -> int:
    """Works before the person ever used Studyhall: their account is made now, named on first use."""
    course = await app.courses.get(args.course)
    discord_id = validation.discord_id(args.discord_id)
    user = await app.accounts.resolve("discord", discord_id, f"Discord user {discord_id}")
    await app.accounts.set_role(user.id, course.id, args.role, surface="cli")
    print(f"User {discord_id} is now {args.role} of {course.slug!r}.")
    return 0
