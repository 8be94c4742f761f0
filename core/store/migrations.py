"""Versioned migrations: ``migrations/NNNN_name.sql`` applied in order, each in a transaction.

Applied files are recorded with a SHA-256 checksum. An applied file that was edited afterwards
stops the start-up: the fix is a new migration, never a changed old one.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path

from core.clock import Clock, utcnow
from core.errors import StoreError
from core.store.database import Connection, Database

log = logging.getLogger(__name__)

_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_LOCK_KEY = 0x5354_5544  # "STUD": serialises concurrent migrators on PostgreSQL

_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()

    @property
    def file_name(self) -> str:
        return f"{self.version:04d}_{self.name}.sql"


def default_migrations_dir() -> Path:
    return Path(str(resources.files("migrations")))


def load_migrations(directory: Path | None = None) -> list[Migration]:
    directory = directory or default_migrations_dir()
    found: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if not match:
            raise StoreError(f"migration file {path.name!r} is not named NNNN_name.sql")
        found.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise StoreError("two migration files share a version number")
    return found


async def migrate(db: Database, directory: Path | None = None, *, clock: Clock = utcnow) -> list[Migration]:
    """Apply what is pending; return it (empty when up to date)."""
    migrations = load_migrations(directory)
    async with db.transaction() as conn:
        await conn.lock(_LOCK_KEY)
        await conn.run_script(_LEDGER)
        await _check_applied(conn, migrations)
    applied: list[Migration] = []
    for migration in migrations:
        async with db.transaction() as conn:
            await conn.lock(_LOCK_KEY)
            if await _is_applied(conn, migration.version):
                continue  # another process got there first
            log.info("applying migration %s", migration.file_name)
            await conn.run_script(migration.sql)
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)",
                migration.version,
                migration.name,
                migration.checksum,
                _iso(clock()),
            )
            applied.append(migration)
    return applied


async def applied_versions(db: Database) -> dict[int, str]:
    async with db.read() as conn:
        exists = await _ledger_exists(conn)
        if not exists:
            return {}
        rows = await conn.fetch("SELECT version, checksum FROM schema_migrations ORDER BY version")
    return {row["version"]: row["checksum"] for row in rows}


async def _check_applied(conn: Connection, migrations: list[Migration]) -> None:
    known = {m.version: m for m in migrations}
    rows = await conn.fetch("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
    for row in rows:
        migration = known.get(row["version"])
        if migration is None:
            raise StoreError(
                f"the database has migration {row['version']:04d}_{row['name']}.sql, which this "
                "Studyhall does not know: it was set up by a newer version. Upgrade Studyhall."
            )
        if migration.checksum != row["checksum"]:
            raise StoreError(
                f"migration {migration.file_name} was edited after it was applied "
                f"(recorded checksum {row['checksum'][:12]}…, file now {migration.checksum[:12]}…). "
                "Restore the file and put the change in a new migration."
            )


async def _is_applied(conn: Connection, version: int) -> bool:
    return await conn.fetchval("SELECT 1 FROM schema_migrations WHERE version = $1", version) == 1


async def _ledger_exists(conn: Connection) -> bool:
    if conn.dialect == "sqlite":
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    else:
        sql = (
            "SELECT 1 FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
        )
    return await conn.fetchval(sql) == 1


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
