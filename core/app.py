"""The composition root: builds every service from Settings, opens and closes them."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from core.accounts import Accounts
from core.books.library import Library
from core.clock import Clock, utcnow
from core.courses import Courses
from core.privacy import Privacy
from core.settings import Settings
from core.store import Database, database_for
from core.store.migrations import migrate
from core.store.session import Store
from core.tokens import Tokens

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    clock: Clock
    db: Database
    store: Store
    courses: Courses
    accounts: Accounts
    tokens: Tokens
    privacy: Privacy
    library: Library


@asynccontextmanager
async def open_app(
    settings: Settings, *, clock: Clock = utcnow, run_migrations: bool = True
) -> AsyncIterator[App]:
    """Open the database (migrating it unless told not to) and wire the services."""
    db = database_for(settings.resolved_database_url())
    await db.open()
    try:
        if run_migrations:
            applied = await migrate(db, clock=clock)
            if applied:
                log.info("applied %d migration(s)", len(applied))
        store = Store(db)
        library = Library(settings, store, clock)
        try:
            yield App(
                settings=settings,
                clock=clock,
                db=db,
                store=store,
                courses=Courses(store, clock),
                accounts=Accounts(store, clock),
                tokens=Tokens(store, clock),
                privacy=Privacy(store, clock),
                library=library,
            )
        finally:
            await library.close()
    finally:
        await db.close()
