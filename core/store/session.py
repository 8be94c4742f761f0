"""A unit of work: the repositories bound to one transaction's connection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cached_property

from core.store.audit import AuditRepository
from core.store.auth_failures import AuthFailuresRepository
from core.store.bind_codes import BindCodesRepository
from core.store.books import BooksRepository
from core.store.conversations import ConversationsRepository
from core.store.courses import CoursesRepository
from core.store.database import Connection, Database
from core.store.enrollments import EnrollmentsRepository
from core.store.generated import GeneratedRepository
from core.store.handoffs import HandoffsRepository, ThreadsRepository
from core.store.leaderboards import LeaderboardsRepository, RecommendationsRepository
from core.store.progress import ProgressRepository
from core.store.public_posts import PublicPostsRepository
from core.store.quotas import QuotasRepository
from core.store.role_maps import RoleMapsRepository
from core.store.tokens import TokensRepository
from core.store.usage import UsageRepository
from core.store.user_data import UserDataRepository
from core.store.users import UsersRepository


class StoreSession:
    def __init__(self, conn: Connection):
        self.conn = conn

    @cached_property
    def courses(self) -> CoursesRepository:
        return CoursesRepository(self.conn)

    @cached_property
    def users(self) -> UsersRepository:
        return UsersRepository(self.conn)

    @cached_property
    def enrollments(self) -> EnrollmentsRepository:
        return EnrollmentsRepository(self.conn)

    @cached_property
    def tokens(self) -> TokensRepository:
        return TokensRepository(self.conn)

    @cached_property
    def audit(self) -> AuditRepository:
        return AuditRepository(self.conn)

    @cached_property
    def auth_failures(self) -> AuthFailuresRepository:
        return AuthFailuresRepository(self.conn)

    @cached_property
    def books(self) -> BooksRepository:
        return BooksRepository(self.conn)

    @cached_property
    def conversations(self) -> ConversationsRepository:
        return ConversationsRepository(self.conn)

    @cached_property
    def quotas(self) -> QuotasRepository:
        return QuotasRepository(self.conn)

    @cached_property
    def usage(self) -> UsageRepository:
        return UsageRepository(self.conn)

    @cached_property
    def generated(self) -> GeneratedRepository:
        return GeneratedRepository(self.conn)

    @cached_property
    def progress(self) -> ProgressRepository:
        return ProgressRepository(self.conn)

    @cached_property
    def leaderboards(self) -> LeaderboardsRepository:
        return LeaderboardsRepository(self.conn)

    @cached_property
    def recommendations(self) -> RecommendationsRepository:
        return RecommendationsRepository(self.conn)

    @cached_property
    def user_data(self) -> UserDataRepository:
        return UserDataRepository(self.conn)

    @cached_property
    def bind_codes(self) -> BindCodesRepository:
        return BindCodesRepository(self.conn)

    @cached_property
    def public_posts(self) -> PublicPostsRepository:
        return PublicPostsRepository(self.conn)

    @cached_property
    def handoffs(self) -> HandoffsRepository:
        return HandoffsRepository(self.conn)

    @cached_property
    def threads(self) -> ThreadsRepository:
        return ThreadsRepository(self.conn)

    @cached_property
    def role_maps(self) -> RoleMapsRepository:
        return RoleMapsRepository(self.conn)


class Store:
    """``async with store.transaction() as s: await s.users.get(...)``."""

    def __init__(self, db: Database):
        self.db = db

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[StoreSession]:
        async with self.db.transaction() as conn:
            yield StoreSession(conn)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[StoreSession]:
        async with self.db.read() as conn:
            yield StoreSession(conn)
