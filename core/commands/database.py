"""`studyhall migrate`"""

from __future__ import annotations

import argparse

from core.app import App


def register(sub: argparse._SubParsersAction) -> None:
    migrate = sub.add_parser("migrate", help="bring the database schema up to date")
    migrate.set_defaults(handler=show_schema, migrates=True)


async def show_schema(app: App, args: argparse.Namespace) -> int:
    from core.store.migrations import applied_versions

    versions = await applied_versions(app.db)
    newest = max(versions) if versions else 0
    print(f"Database is up to date (schema version {newest}, {app.db.dialect}).")
    return 0
