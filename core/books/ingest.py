"""Ingest a book folder: parse, embed what deserves it, store; skip what did not change.

Each changed file is replaced in one transaction (sections, chunks and vectors together), so a
reader never sees half a file. Unchanged files (same content hash, same embedding model) cost
nothing. A file that cannot be parsed is marked `error` and the rest goes on.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from core.books import audience
from core.books.dense import dense_text
from core.books.embeddings import Embedder
from core.books.layout import declared_audience, load_document
from core.books.limits import BookLimits
from core.books.model import BookDocument, BookParseError
from core.books.safe_files import is_plain_folder, read_capped
from core.clock import Clock, utcnow
from core.errors import NotFound
from core.models.accounts import Course
from core.models.books import StoredDocument
from core.store.session import Store, StoreSession

log = logging.getLogger(__name__)

EMBED_BATCH = 64  # texts handed to the model per thread hop (it batches by 8 inside)

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class IngestReport:
    course: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped_links: list[str] = field(default_factory=list)  # symlinks seen and not followed
    chunks: int = 0
    embedded: int = 0
    reused_vectors: int = 0
    seconds: float = 0.0
    embedding_model: str = ""
    lexical_only_reason: str | None = None
    revision: int = 0

    def summary(self) -> dict:
        return {
            "course": self.course,
            "added": len(self.added),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "removed": len(self.removed),
            "failed": len(self.failed),
            "chunks": self.chunks,
            "embedded": self.embedded,
            "reused_vectors": self.reused_vectors,
            "seconds": round(self.seconds, 2),
            "embedding_model": self.embedding_model,
            "revision": self.revision,
            "lexical_only_reason": self.lexical_only_reason,
            "errors": [{"path": p, "error": e} for p, e in self.failed],
            "skipped_links": self.skipped_links,
        }


class BookIngestor:
    """Ingests one course's book at a time per course (Library keeps the per-course guard): no
    lock is shared between courses, so one course's ingest never waits for another's."""

    def __init__(
        self, store: Store, embedder: Embedder, clock: Clock = utcnow, limits: BookLimits | None = None
    ):
        self._store = store
        self._embedder = embedder
        self._clock = clock
        self._limits = limits or BookLimits()

    async def ingest(self, course: Course, root: Path, progress: Progress | None = None) -> IngestReport:
        folder = await asyncio.to_thread(lambda: root.expanduser().resolve())
        return await self._ingest(course, folder, progress or _quiet)

    async def _ingest(self, course: Course, root: Path, progress: Progress) -> IngestReport:
        started = time.perf_counter()
        if not await asyncio.to_thread(is_plain_folder, root):
            raise NotFound("book folder", str(root), "Give the folder that holds the book's Markdown.")
        model = self._embedder.name if self._embedder.available else None
        report = IngestReport(
            course=course.slug, embedding_model=self._embedder.name, lexical_only_reason=self._embedder.reason
        )
        # Every cap is checked before anything is stored: a refused ingest changes nothing.
        files = await asyncio.to_thread(self._limits.listed, root, report.skipped_links)
        async with self._store.read() as s:
            stored = {d.path: d for d in await s.books.documents(course.id)}
            state = await s.books.state(course.id)
            current = await s.courses.get(course.id)  # the staff-only patterns as they are now
        patterns = list((current or course).staff_only)
        regrouped = False  # a page that became staff-only (or stopped being) without changing
        # A keyword-only book is stored with model "" and ingested with None: the same thing.
        same_model = state is not None and (state.embedding_model or None) == model

        parsed: list[tuple[int, BookDocument]] = []
        for position, file in enumerate(files):
            progress("files", position + 1, len(files))
            try:
                document = await asyncio.to_thread(
                    load_document, root, file, max_bytes=self._limits.max_file_bytes
                )
            except BookParseError as err:
                await self._record_failure(course, root, file, position, err, report, patterns)
                continue
            old = stored.get(document.path)
            declared = document.metadata.get("audience") or audience.EVERYONE
            in_force = audience.effective(declared, document.path, patterns)
            if old and old.status == "ready" and old.content_hash == document.content_hash and same_model:
                report.unchanged.append(document.path)
                if old.position != position:
                    async with self._store.transaction() as s:
                        await s.books.set_position(old.id, position)
                if (old.declared_audience, old.audience) != (declared, in_force):
                    async with self._store.transaction() as s:
                        await s.books.set_audience(old.id, declared, in_force, self._clock())
                    regrouped = True
                continue
            parsed.append((position, document))
            if old is None:  # shows as processing (not yet searchable) until it is stored
                await self._mark_processing(course, position, document, in_force)

        vectors = await self._embed(parsed, stored, model, progress, report)
        for done, (position, document) in enumerate(parsed, start=1):
            progress("storing", done, len(parsed))
            in_force = audience.effective(
                document.metadata.get("audience") or audience.EVERYONE, document.path, patterns
            )
            await self._replace(course, position, document, vectors, model, in_force)
            (report.changed if document.path in stored else report.added).append(document.path)
            report.chunks += len(document.chunks)

        seen = {str(f.relative_to(root).as_posix()) for f in files}
        for path, old in stored.items():
            if path not in seen:
                async with self._store.transaction() as s:
                    await s.books.delete_document(old.id)
                report.removed.append(path)

        async with self._store.transaction() as s:
            touched = report.added or report.changed or report.removed or report.failed or regrouped
            if touched or state is None or state.book_path != str(root):
                report.revision = await s.books.bump_revision(
                    course.id,
                    self._clock(),
                    book_path=str(root),
                    embedding_model=model or "",
                    ingested=True,
                )
            else:
                report.revision = state.revision
        report.seconds = time.perf_counter() - started
        log.info("ingested %s: %s", course.slug, report.summary())
        return report

    async def _embed(
        self,
        parsed: list[tuple[int, BookDocument]],
        stored: dict[str, StoredDocument],
        model: str | None,
        progress: Progress,
        report: IngestReport,
    ) -> dict[str, list[float]]:
        """Vectors by embed text: reused from the stored version where the text is unchanged."""
        if model is None:
            return {}
        wanted = {dense_text(c) for _, d in parsed for c in d.chunks}
        vectors: dict[str, list[float]] = {}
        for _, document in parsed:
            old = stored.get(document.path)
            if old is None:
                continue
            async with self._store.read() as s:
                for text, (vector, old_model) in (await s.books.stored_embeddings(old.id)).items():
                    if old_model == model and text in wanted:
                        vectors[text] = vector
        report.reused_vectors = len(vectors)
        todo = sorted(wanted - set(vectors))
        for start in range(0, len(todo), EMBED_BATCH):
            progress("embedding", start, len(todo))
            batch = todo[start : start + EMBED_BATCH]
            rows = await asyncio.to_thread(self._embedder.embed_passages, batch)
            vectors.update(zip(batch, rows, strict=True))
        progress("embedding", len(todo), len(todo))
        report.embedded = len(todo)
        return vectors

    async def _replace(
        self,
        course: Course,
        position: int,
        document: BookDocument,
        vectors: dict[str, list[float]],
        model: str | None,
        in_force: str,
    ) -> None:
        texts = [dense_text(c) for c in document.chunks]
        embeddings = [vectors.get(text) for text in texts]
        async with self._store.transaction() as s:
            document_id = await self._save(s, course, position, document, "ready", in_force)
            await s.books.clear_content(document_id)
            await s.books.insert_sections(document_id, document.sections)
            await s.books.insert_chunks(course.id, document_id, document.chunks, texts, embeddings, model)

    async def _mark_processing(
        self, course: Course, position: int, document: BookDocument, in_force: str
    ) -> None:
        async with self._store.transaction() as s:
            await self._save(s, course, position, document, "processing", in_force)

    async def _save(
        self,
        s: StoreSession,
        course: Course,
        position: int,
        document: BookDocument,
        status: str,
        in_force: str,
    ) -> str:
        return await s.books.save_document(
            course.id,
            document.path,
            title=document.title,
            content_hash=document.content_hash,
            status=status,
            error=None,
            position=position,
            metadata=document.metadata,
            now=self._clock(),
            audience=in_force,
        )

    async def _record_failure(
        self,
        course: Course,
        root: Path,
        file: Path,
        position: int,
        err: BookParseError,
        report: IngestReport,
        patterns: list[str],
    ) -> None:
        path = file.relative_to(root).as_posix() if file.is_absolute() else file.as_posix()
        try:
            digest = hashlib.sha256(read_capped(root / path, self._limits.max_file_bytes)).hexdigest()
        except OSError:
            digest = "0" * 64
        async with self._store.transaction() as s:
            document_id = await s.books.save_document(
                course.id,
                path,
                title=path,
                content_hash=digest,
                status="error",
                error=str(err),
                position=position,
                metadata={},
                now=self._clock(),
                # unparsed, its front matter is unknown: the patterns still keep its name from students
                audience=audience.effective(declared_audience(root, path, {}), path, patterns),
            )
            await s.books.clear_content(document_id)
        report.failed.append((path, str(err)))
        log.warning("could not ingest %s: %s", path, err)


def _quiet(stage: str, done: int, total: int) -> None:
    """No progress display."""
