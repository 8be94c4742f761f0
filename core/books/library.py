"""The book as a service: ingest, search, read. Heavy parts (model, index) load on first use."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from core.books import audience
from core.books.embeddings import NO_MODEL, Embedder, load_embedder
from core.books.ingest import BookIngestor, IngestReport, Progress
from core.books.limits import BookLimits
from core.books.reading import BookReader
from core.books.safe_files import is_link
from core.books.search import BookSearch, SearchResult, Tuning
from core.books.status import BookStatus, book_status
from core.books.sync import IndexSync, VectorIndex
from core.clock import Clock, utcnow
from core.errors import InvalidInput, StudyhallError
from core.models.accounts import Course
from core.models.books import SearchFilters
from core.redact import redact_text
from core.settings import Settings
from core.store.session import Store

log = logging.getLogger(__name__)

# Passages are cut to this many word pieces before embedding: a chunk's prose fits, and it keeps
# a cold ingest of a large book within a couple of minutes on two cores.
EMBED_MAX_TOKENS = 128


class IngestRunning(StudyhallError):
    """An ingest of this course's book is already under way in this process."""

    def __init__(self) -> None:
        super().__init__("⏳ An ingest of this book is already running; wait for it to finish.")


class Library:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        clock: Clock = utcnow,
        embedder: Embedder | None = None,
        index: VectorIndex | None = None,
        tuning: Tuning | None = None,
    ):
        self._settings = settings
        self._store = store
        self._clock = clock
        self._embedder = embedder
        self._index = index
        self._tuning = tuning
        self._ready: tuple[BookIngestor, BookSearch, IndexSync] | None = None
        self._lock = asyncio.Lock()
        self._ingesting: set[str] = set()  # course ids: one ingest per course, courses in parallel
        self.reader = BookReader(store)
        # Called after each ingest with (course, root, report): other features take what they need.
        self.after_ingest: list[Callable[[Course, Path, IngestReport], Awaitable[None]]] = []

    async def embedder(self) -> Embedder:
        if self._embedder is None:
            s = self._settings
            self._embedder = await asyncio.to_thread(
                load_embedder,
                s.embedding_model,
                s.embedding_model_path,
                s.home / "models",
                max_tokens=EMBED_MAX_TOKENS,
            )
            if not self._embedder.available:
                log.warning(NO_MODEL)  # once per process; the reason is logged at INFO
        return self._embedder

    async def _parts(self) -> tuple[BookIngestor, BookSearch, IndexSync]:
        async with self._lock:
            if self._ready is None:
                embedder = await self.embedder()
                index = self._index or await self._open_index()
                self._index = index
                sync = IndexSync(self._store, index, embedder)
                self._ready = (
                    BookIngestor(
                        self._store, embedder, self._clock, BookLimits.from_settings(self._settings)
                    ),
                    BookSearch(index, sync, embedder, self._tuning),
                    sync,
                )
            return self._ready

    async def index_problem(self, within: float = 10.0) -> str | None:
        """Why the configured Qdrant server cannot be used, or None (always None in-process)."""
        if not self._settings.qdrant_url:
            return None
        from core.books.index import BookIndex

        probe = BookIndex(url=self._settings.qdrant_url, api_key=self._settings.qdrant_api_key, timeout=5)
        try:
            await probe.open()
            await asyncio.wait_for(probe.ping(), within)
        except Exception as err:  # any failure means: search cannot use it
            reason = redact_text(str(err)) or type(err).__name__
            return f"{type(err).__name__}: {reason}" if reason != type(err).__name__ else reason
        finally:
            await probe.close()
        return None

    async def _open_index(self) -> VectorIndex:
        s = self._settings
        if s.qdrant_url:
            from core.books.index import BookIndex

            index = BookIndex(url=s.qdrant_url, api_key=s.qdrant_api_key)
        else:
            from core.books.memory_index import MemoryIndex

            index = MemoryIndex()
        await index.open()
        return index

    def ingesting(self, course_id: str) -> bool:
        return course_id in self._ingesting

    async def ingest(self, course: Course, root: Path, progress: Progress | None = None) -> IngestReport:
        """Ingest `root` into the course; IngestRunning if this course's book is being ingested."""
        with self.exclusive(course):
            return await self.ingest_held(course, root, progress)

    @contextmanager
    def exclusive(self, course: Course) -> Iterator[None]:
        """Hold the course's book (an upload holds it while it swaps the folder, then ingests)."""
        if course.id in self._ingesting:  # checked and taken with no await between: no race
            raise IngestRunning()
        self._ingesting.add(course.id)
        try:
            yield
        finally:
            self._ingesting.discard(course.id)

    async def ingest_held(self, course: Course, root: Path, progress: Progress | None = None) -> IngestReport:
        """ingest, for a caller already inside `exclusive(course)`."""
        assert course.id in self._ingesting
        if await asyncio.to_thread(lambda: is_link(root.expanduser())):
            raise InvalidInput("book folder", "The book folder is a symbolic link: give the folder itself.")
        ingestor, _, _ = await self._parts()
        folder = await asyncio.to_thread(lambda: root.expanduser().resolve())
        report = await ingestor.ingest(course, folder, progress)
        for hook in self.after_ingest:
            await hook(course, folder, report)
        return report

    async def apply_staff_only(self, course: Course) -> list[str]:
        """Recompute which pages are staff-only from what each declares and the course's patterns
        as stored now; the paths whose audience changed. Nothing is re-embedded: the revision moves
        and every process reloads those pages' stored vectors with their new audience."""
        now = self._clock()
        changed: list[str] = []
        async with self._store.transaction() as s:
            current = await s.courses.get(course.id)
            patterns = list(current.staff_only) if current else []
            for document in await s.books.documents(course.id):
                in_force = audience.effective(document.declared_audience, document.path, patterns)
                if in_force != document.audience:
                    await s.books.set_audience(document.id, document.declared_audience, in_force, now)
                    changed.append(document.path)
            if changed:
                await s.books.bump_revision(course.id, now)
        if changed:
            log.info("course %s: %d page(s) changed audience", course.slug, len(changed))
        return changed

    async def status(self, course: Course) -> BookStatus:
        """The stored book: documents, sections, chunks, failed files, embedding model, last ingest."""
        return await book_status(self._store, course)

    async def search(
        self,
        course: Course,
        query: str,
        *,
        limit: int = 5,
        filters: SearchFilters | None = None,
        selected_text: str | None = None,
        staff: bool = False,
    ) -> SearchResult:
        """`staff`: the viewer is staff of the course (core.staff.sees_staff_material); otherwise
        staff-only pages are never searched."""
        _, search, _ = await self._parts()
        return await search.search(
            course, query, limit=limit, filters=filters, selected_text=selected_text, staff=staff
        )

    async def signals(
        self,
        course: Course,
        question: str,
        hits: list,
        filters: SearchFilters | None = None,
        staff: bool = False,
    ):
        _, search, _ = await self._parts()
        return await search.signals(course, question, hits, filters, staff=staff)

    async def warm(self, course: Course) -> int:
        """Load the course's index now (otherwise the first search does it)."""
        _, _, sync = await self._parts()
        return await sync.ensure_current(course.id)

    async def reindex(self, course: Course) -> int:
        """Rebuild this process's index from stored vectors and tell other processes to."""
        _, _, sync = await self._parts()
        async with self._store.transaction() as s:
            await s.books.bump_revision(course.id, self._clock())
        return await sync.rebuild(course.id)

    async def close(self) -> None:
        if self._index is not None and hasattr(self._index, "close"):
            await self._index.close()
