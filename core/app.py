"""The composition root: builds every service from Settings, opens and closes them."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from core.access import Access
from core.accounts import Accounts
from core.answers.explain import Explainer
from core.answers.llm import GroundedLlm
from core.answers.service import Answers
from core.auth_failures import AuthFailures
from core.bind_codes import BindCodes
from core.books.library import Library
from core.clock import Clock, utcnow
from core.conversations import Conversations
from core.course_staff import CourseStaff
from core.courses import Courses
from core.errors import DatabaseUnreachable
from core.handoffs import Handoffs
from core.maintenance import Maintenance
from core.onboarding import Onboarding
from core.privacy import Privacy
from core.progress.book_hook import ProgressFromBook
from core.progress.leaderboard import Leaderboards
from core.progress.quizzes import Quizzes
from core.progress.recommendations import Recommendations
from core.progress.reports import Reports
from core.progress.tracking import Tracking
from core.public_posts import PublicPosts
from core.quotas import Quotas
from core.redact import redact_text, redact_url
from core.settings import Settings
from core.staff import Staff
from core.store import Database, database_for
from core.store.migrations import migrate
from core.store.session import Store
from core.tokens import Tokens
from core.usage import Usage

log = logging.getLogger(__name__)
SELF_MARKED_MIGRATION = 11  # courses.self_marked_counts: the board's rule for marked units


@dataclass
class App:
    settings: Settings
    clock: Clock
    db: Database
    store: Store
    courses: Courses
    staff: Staff
    course_staff: CourseStaff
    accounts: Accounts
    tokens: Tokens
    privacy: Privacy
    library: Library
    conversations: Conversations
    quotas: Quotas
    answers: Answers
    explainer: Explainer
    usage: Usage
    maintenance: Maintenance
    tracking: Tracking
    quizzes: Quizzes
    leaderboards: Leaderboards
    reports: Reports
    recommendations: Recommendations
    bind_codes: BindCodes
    public_posts: PublicPosts
    handoffs: Handoffs
    access: Access
    onboarding: Onboarding


@asynccontextmanager
async def open_app(
    settings: Settings, *, clock: Clock = utcnow, run_migrations: bool = True
) -> AsyncIterator[App]:
    """Open the database (migrating it unless told not to) and wire the services."""
    url = settings.resolved_database_url()
    db = database_for(url)
    try:
        await db.open()
    except (OSError, ConnectionError) as err:  # the URL is named without its password
        raise DatabaseUnreachable(redact_url(url) or "", redact_text(str(err))) from err
    applied = []
    try:
        if run_migrations:
            applied = await migrate(db, clock=clock)
            if applied:
                log.info("applied %d migration(s)", len(applied))
        store = Store(db)
        library = Library(settings, store, clock)
        accounts = Accounts(store, clock)
        courses = Courses(store, clock, books_root=settings.books_folder, operator=settings)
        conversations = Conversations(store, clock)
        quotas = Quotas(
            store,
            clock,
            searches_per_minute=settings.searches_per_minute,
            reads_per_minute=settings.reads_per_minute,
        )
        llm = GroundedLlm(
            api_key=settings.anthropic_api_key,
            model=settings.llm_model,
            base_url=settings.anthropic_base_url,
            timeout=settings.llm_timeout,
            allowed_models=settings.allowed_models(),
        )
        tracking = Tracking(store, accounts, clock)
        leaderboards = Leaderboards(store, clock)
        quizzes = Quizzes(store, tracking, library.reader, llm, clock, quotas=quotas)
        from_book = ProgressFromBook(store, quizzes, tracking)
        library.after_ingest.append(from_book)

        async def staff_only_changed(course) -> None:
            # New patterns: pages change audience now, and units and completion follow (nothing re-embedded).
            if await library.apply_staff_only(course):
                await from_book.refresh(course)

        courses.after_staff_only.append(staff_only_changed)
        bind_codes = BindCodes(store, courses, clock)
        staff = Staff(courses, accounts, bind_codes)
        courses.after_configure.append(tracking.on_course_configured)
        if any(m.version == SELF_MARKED_MIGRATION for m in applied):
            # Standings stored before it counted every mark: count them again under each course's rule.
            for course in await courses.list():
                await tracking.recompute_standings(course)
        try:
            yield App(
                settings=settings,
                clock=clock,
                db=db,
                store=store,
                courses=courses,
                staff=staff,
                course_staff=CourseStaff(store, accounts, staff, clock),
                accounts=accounts,
                tokens=Tokens(store, clock, AuthFailures(store, clock, limit=settings.auth_failure_limit)),
                privacy=Privacy(store, clock),
                library=library,
                conversations=conversations,
                quotas=quotas,
                answers=Answers(
                    library=library, accounts=accounts, conversations=conversations, quotas=quotas, llm=llm
                ),
                explainer=Explainer(store, library.reader, accounts, llm, clock, quotas=quotas),
                usage=Usage(store, clock),
                maintenance=Maintenance(store, conversations, leaderboards, clock),
                tracking=tracking,
                quizzes=quizzes,
                leaderboards=leaderboards,
                reports=Reports(store, clock),
                recommendations=Recommendations(store, library.reader, accounts, tracking, clock),
                bind_codes=bind_codes,
                public_posts=PublicPosts(store, clock),
                handoffs=Handoffs(store, conversations, clock),
                access=Access(accounts, courses),
                onboarding=Onboarding(store, clock),
            )
        finally:
            await library.close()
            await llm.close()
    finally:
        await db.close()
