"""The migration runner: fresh apply, no-op re-apply, edited files refused."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from core.errors import StoreError
from core.store import database_for
from core.store.migrations import applied_versions, default_migrations_dir, load_migrations, migrate

pytestmark = pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def migrations_copy(tmp_path: Path) -> Path:
    target = tmp_path / "migrations"
    shutil.copytree(default_migrations_dir(), target)
    return target


async def test_fresh_apply_then_noop(fresh_database_url: str) -> None:
    async with database_for(fresh_database_url) as db:
        applied = await migrate(db)
        assert [m.version for m in applied] == [m.version for m in load_migrations()]
        assert await migrate(db) == []
        versions = await applied_versions(db)
    assert set(versions) == {m.version for m in load_migrations()}


async def test_edited_migration_is_refused(fresh_database_url: str, migrations_copy: Path) -> None:
    async with database_for(fresh_database_url) as db:
        await migrate(db, migrations_copy)
        first = sorted(migrations_copy.glob("*.sql"))[0]
        first.write_text(first.read_text() + "\n-- a later edit\n")
        with pytest.raises(StoreError, match="edited after it was applied"):
            await migrate(db, migrations_copy)


async def test_new_migration_is_applied_once(fresh_database_url: str, migrations_copy: Path) -> None:
    async with database_for(fresh_database_url) as db:
        await migrate(db, migrations_copy)
        (migrations_copy / "0999_extra.sql").write_text(
            "CREATE TABLE extra (id TEXT PRIMARY KEY, note JSONB, at TIMESTAMPTZ);\n"
            "CREATE INDEX extra_at ON extra (at);\n"
        )
        assert [m.version for m in await migrate(db, migrations_copy)] == [999]
        assert await migrate(db, migrations_copy) == []
        async with db.read() as conn:
            assert await conn.fetchval("SELECT COUNT(*) FROM extra") == 0


async def test_failed_migration_leaves_nothing_behind(fresh_database_url: str, migrations_copy: Path) -> None:
    async with database_for(fresh_database_url) as db:
        await migrate(db, migrations_copy)
        (migrations_copy / "0999_broken.sql").write_text(
            "CREATE TABLE half (id TEXT PRIMARY KEY);\nTHIS IS NOT SQL;\n"
        )
        with pytest.raises(Exception):  # noqa: B017 - the database's own syntax error
            await migrate(db, migrations_copy)
        assert 999 not in await applied_versions(db)
        (migrations_copy / "0999_broken.sql").write_text("CREATE TABLE half (id TEXT PRIMARY KEY);\n")
        assert [m.version for m in await migrate(db, migrations_copy)] == [999]


async def test_database_newer_than_code_is_refused(fresh_database_url: str, migrations_copy: Path) -> None:
    async with database_for(fresh_database_url) as db:
        (migrations_copy / "0999_future.sql").write_text("CREATE TABLE future (id TEXT);\n")
        await migrate(db, migrations_copy)
        (migrations_copy / "0999_future.sql").unlink()
        with pytest.raises(StoreError, match="newer version"):
            await migrate(db, migrations_copy)


async def test_concurrent_migrators_apply_once(fresh_database_url: str) -> None:
    databases = [database_for(fresh_database_url) for _ in range(3)]
    for db in databases:
        await db.open()
    try:
        results = await asyncio.gather(*(migrate(db) for db in databases))
        applied = [m.version for r in results for m in r]
        # between them they applied every migration, each exactly once
        assert sorted(applied) == [m.version for m in load_migrations()]
    finally:
        for db in databases:
            await db.close()


def test_badly_named_file_is_refused(migrations_copy: Path, fresh_database_url: str) -> None:
    (migrations_copy / "add-things.sql").write_text("SELECT 1;")
    with pytest.raises(StoreError, match="NNNN_name.sql"):
        load_migrations(migrations_copy)
