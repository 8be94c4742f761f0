"""Recommended next chapters for a student, from their profile, what they read and the book."""

from __future__ import annotations

from core.accounts import Accounts
from core.books.reading import BookReader
from core.clock import Clock, utcnow
from core.errors import NotFound
from core.models.accounts import Course, User
from core.progress.recommend import ChapterFacts, Profile, Recommendation, chapter_facts, recommend
from core.progress.tracking import Tracking
from core.progress.units import INTRODUCTION
from core.store.session import Store

KEEP = 10  # recommendations kept per student and course
SHOWN = 5


class Recommendations:
    def __init__(
        self, store: Store, reader: BookReader, accounts: Accounts, tracking: Tracking, clock: Clock = utcnow
    ):
        self._store = store
        self._reader = reader
        self._accounts = accounts
        self._tracking = tracking
        self._clock = clock
        self._facts: dict[str, tuple[int, list[ChapterFacts]]] = {}  # course id -> (revision, facts)

    async def next_for(self, user: User, course: Course, limit: int = SHOWN) -> list[Recommendation]:
        chapters = await self._chapter_facts(course)
        profile = await self._accounts.profile(user.id)
        read = await self._tracking.read_chapters(user, course)
        async with self._store.read() as s:
            dismissed = await s.recommendations.dismissed(user.id, course.id)
        view = Profile(
            experience_level=profile.experience_level,
            programming_languages=frozenset(profile.programming_languages),
            frameworks=frozenset(profile.frameworks),
            available_hardware=frozenset(profile.available_hardware),
            robotics_hardware=frozenset(profile.robotics_hardware),
            difficulty_preference=profile.difficulty_preference,
        )
        picks = recommend(view, [c for c in chapters if c.path not in dismissed], read, limit=limit)
        if picks:
            async with self._store.transaction() as s:
                await s.recommendations.save(
                    user.id, course.id, [(r.path, r.score, r.reason) for r in picks], self._clock(), KEEP
                )
        return picks

    async def dismiss(self, user: User, course: Course, chapter: str) -> str:
        """Stop recommending `chapter` (a path) to this student; its title, to tell them which."""
        async with self._store.transaction() as s:
            if not await s.recommendations.dismiss(user.id, course.id, chapter.strip()):
                raise NotFound(
                    "recommendation", chapter, "Only a chapter you were recommended can be dismissed."
                )
        titles = {d.path: d.title for d in await self._reader.documents(course)}
        return titles.get(chapter.strip()) or chapter.strip()

    async def _chapter_facts(self, course: Course) -> list[ChapterFacts]:
        async with self._store.read() as s:
            revision = await s.books.revision(course.id)
        cached = self._facts.get(course.id)
        if cached and cached[0] == revision:
            return cached[1]
        async with self._store.read() as s:
            units = await s.progress.units(course.id)
        # Recommend the course's chapters: a module-less book's root pages (guides, rubrics) are not
        # next steps when the book also has modules.
        taught = [u for u in units if u.id != INTRODUCTION] or units
        wanted = [c for u in taught for c in u.chapters]
        documents = {d.path: d for d in await self._reader.documents(course) if d.status == "ready"}
        facts = []
        for position, path in enumerate(p for p in (wanted or list(documents)) if p in documents):
            document = documents[path]
            section = await self._reader.get_section(course, path)
            facts.append(chapter_facts(path, document.title, position, document.difficulty, section.markdown))
        self._facts[course.id] = (revision, facts)
        return facts
