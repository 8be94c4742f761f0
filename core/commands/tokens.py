"""`studyhall token …`"""

from __future__ import annotations

import argparse

from core.app import App
from core.commands.common import print_json, user_by_discord_id, user_for_discord_id
from core.models.accounts import ALL_SCOPES


def register(sub: argparse._SubParsersAction) -> None:
    token = sub.add_parser("token", help="API tokens for the MCP server")
    actions = token.add_subparsers(dest="action", required=True, metavar="ACTION")

    create = actions.add_parser("create", help="create a token (shown once)")
    create.add_argument("--discord-id", required=True, help="the owner's Discord user id")
    create.add_argument("--name", required=True, help="what the token is for, e.g. 'laptop'")
    create.add_argument(
        "--scope",
        action="append",
        choices=ALL_SCOPES,
        dest="scopes",
        help="repeat for several; default: all scopes",
    )
    create.add_argument("--expires-days", type=int, help="expire after N days (default: never)")
    create.add_argument(
        "--course", help="the one course (slug) it works on (default: any course its owner is in)"
    )
    create.add_argument("--json", action="store_true", help="print JSON")
    create.set_defaults(handler=create_token)

    listing = actions.add_parser("list", help="list a user's tokens")
    listing.add_argument("--discord-id", required=True)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_tokens)

    revoke = actions.add_parser("revoke", help="revoke a token")
    revoke.add_argument("token_id", help="the token's id (or its first characters)")
    revoke.add_argument("--discord-id", required=True)
    revoke.set_defaults(handler=revoke_token)


async def create_token(app: App, args: argparse.Namespace) -> int:
    course = await app.courses.get(args.course) if args.course else None
    user = await user_for_discord_id(app, args.discord_id)
    new = await app.tokens.create(
        user.id,
        args.name,
        scopes=args.scopes or ALL_SCOPES,
        expires_days=args.expires_days,
        surface="cli",
        course_id=course.id if course else None,
    )
    expires = new.record.expires_at.isoformat() if new.record.expires_at else None
    if args.json:
        print_json(
            {
                "token": new.token,
                "id": new.record.id,
                "expires_at": expires,
                "course": course.slug if course else None,
            }
        )
    else:
        where = f"only for the course {course.slug!r}" if course else "for any course its owner is in"
        print(new.token)
        print(
            f"Token {new.record.id} ({', '.join(new.record.scopes)}; "
            f"expires {expires or 'never'}; {where}). It is shown only this once."
        )
    return 0


async def list_tokens(app: App, args: argparse.Namespace) -> int:
    user = await user_by_discord_id(app, args.discord_id)
    tokens = await app.tokens.list(user.id)
    now = app.clock()
    slugs = {c.id: c.slug for c in await app.courses.list()}
    rows = [
        {**t.model_dump(mode="json"), "state": t.state(now), "course": slugs.get(t.course_id or "")}
        for t in tokens
    ]
    if args.json:
        print_json(rows)
    elif not rows:
        print("No tokens.")
    else:
        for r in rows:
            print(
                f"{r['id']}  {r['name']:<20} {','.join(r['scopes']):<20} {r['state']:<8} "
                f"…{r['hint']}  last used {r['last_used_at'] or 'never'}  "
                f"{'course ' + r['course'] if r['course'] else 'any course'}"
            )
    return 0


async def revoke_token(app: App, args: argparse.Namespace) -> int:
    user = await user_by_discord_id(app, args.discord_id)
    token = await app.tokens.revoke(user.id, args.token_id, surface="cli")
    print(f"Revoked token {token.id} ({token.name}).")
    return 0
