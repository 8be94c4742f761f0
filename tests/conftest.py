"""Shared fixtures. Store tests take `db` or `app` and run once per backend."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.app import App, open_app
from core.books.embeddings import load_embedder
from core.books.library import EMBED_MAX_TOKENS
from core.models.accounts import Course
from core.settings import Settings
from core.store import Database, database_for
from core.store.migrations import migrate
from tests import databases
from tests.sample_app import sample_book_app
from tests.shared import MODEL_DIR

BACKENDS = ("sqlite", "postgresql")


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime | None = None):
        self.now = start or datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """One fresh PostgreSQL database for the session; required (never skipped) in CI."""
    reason = databases.postgres_reason()
    if reason:
        if databases.IN_CI:
            pytest.fail(f"{reason}; CI must run the PostgreSQL tests", pytrace=False)
        pytest.skip(reason)
    url = databases.create_database()
    try:
        yield url
    finally:
        databases.drop_database(url)


@pytest.fixture
def fresh_postgres_url() -> Iterator[str]:
    """A database of its own, for tests of migrations and schema."""
    reason = databases.postgres_reason()
    if reason:
        if databases.IN_CI:
            pytest.fail(f"{reason}; CI must run the PostgreSQL tests", pytrace=False)
        pytest.skip(reason)
    url = databases.create_database()
    try:
        yield url
    finally:
        databases.drop_database(url)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'studyhall.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Like database_url but never shared: parametrised by the test itself."""
    backend = request.param if hasattr(request, "param") else "sqlite"
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    return request.getfixturevalue("fresh_postgres_url")


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A migrated, empty database."""
    database = database_for(database_url)
    await database.open()
    await migrate(database)
    await _empty(database)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture(scope="session")
def library_embedder():
    """The local embedding model as the library loads it (skips when the model folder is absent)."""
    if not MODEL_DIR.is_dir():
        pytest.skip(f"{MODEL_DIR} is absent")
    loaded = load_embedder(None, MODEL_DIR, None, max_tokens=EMBED_MAX_TOKENS)
    assert loaded.available, loaded.reason
    return loaded


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(home=tmp_path / "home", database_url=database_url, _env_file=None)


@pytest.fixture
async def app(settings: Settings, clock: FakeClock, db: Database) -> AsyncIterator[App]:
    """The wired core over the test database (emptied by `db`)."""
    async with open_app(settings, clock=clock) as application:
        yield application


@pytest.fixture
async def book_app(app: App, clock: FakeClock) -> AsyncIterator[App]:
    """The app with the sample book (units and quizzes too) in course `sample`, keyword-only.
    Folders that need more (the embedding model, a bound Discord server) override it."""
    async with sample_book_app(app, clock) as wired:
        yield wired


@pytest.fixture
async def course(book_app: App) -> Course:
    return await book_app.courses.get("sample")


async def _empty(database: Database) -> None:
    """The PostgreSQL database is shared by the session: start every test from empty tables."""
    if database.dialect != "postgresql":
        return
    async with database.transaction() as conn:
        rows = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            " AND tablename <> 'schema_migrations'"
        )
        if rows:
            names = ", ".join(f'"{r["tablename"]}"' for r in rows)
            await conn.execute(f"TRUNCATE {names} CASCADE")
