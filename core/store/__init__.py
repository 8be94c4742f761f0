"""The system of record: one schema and one set of repositories over SQLite or PostgreSQL."""

from __future__ import annotations

from core.store.database import Connection, Database, Row


def database_for(url: str) -> Database:
    """Pick the adapter from the URL's scheme."""
    if url.startswith("sqlite:"):
        from core.store.sqlite import SQLiteDatabase

        return SQLiteDatabase(url)
    if url.startswith(("postgresql:", "postgres:")):
        from core.store.postgres import PostgresDatabase

        return PostgresDatabase(url)
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:/// or postgresql://")


__all__ = ["Connection", "Database", "Row", "database_for"]
