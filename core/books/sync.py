"""Keep this process's vector index in step with the book stored in the database.

The database is the system of record. Each ingest bumps the course's book revision; a process
that finds a revision newer than the one its index was built from loads what changed (by
document id and version) from the stored chunks and vectors — nothing is embedded again.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from core.books import audience
from core.books.embeddings import Embedder
from core.books.index_types import IndexFilters, IndexPoint
from core.books.vocabulary import Vocabulary
from core.store.books import bytes_to_vector
from core.store.session import Store

log = logging.getLogger(__name__)


class VectorIndex(Protocol):
    """What the book needs of an index (core.books.index.BookIndex, core.books.memory_index)."""

    async def ensure_collection(self, collection: str, dim: int | None) -> bool: ...
    async def upsert(self, collection: str, points: list[IndexPoint], batch_size: int = 256) -> None: ...
    async def delete_where(self, collection: str, document_id: str) -> None: ...
    async def count(self, collection: str, filters: IndexFilters | None = None) -> int: ...
    async def drop(self, collection: str) -> None: ...
    async def search(self, collection: str, **kwargs: Any) -> list[Any]: ...


def collection_name(course_id: str) -> str:
    return "book_" + course_id.replace("-", "")


@dataclass
class _Loaded:
    revision: int
    versions: dict[str, str]  # document id -> version it was loaded at


class IndexSync:
    def __init__(self, store: Store, index: VectorIndex, embedder: Embedder):
        self._store = store
        self._index = index
        self._embedder = embedder
        self._loaded: dict[str, _Loaded] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._vocabularies: dict[str, Vocabulary] = {}

    def vocabulary(self, course_id: str) -> Vocabulary:
        """The words of the course's book as loaded (call ensure_current first)."""
        return self._vocabularies.setdefault(course_id, Vocabulary())

    async def ensure_current(self, course_id: str) -> int:
        """Bring the index up to the stored revision; return that revision."""
        async with self._store.read() as s:
            revision = await s.books.revision(course_id)
        loaded = self._loaded.get(course_id)
        if loaded is not None and loaded.revision == revision:
            return revision
        lock = self._locks.setdefault(course_id, asyncio.Lock())
        async with lock:
            loaded = self._loaded.get(course_id)
            if loaded is not None and loaded.revision == revision:
                return revision
            await self._catch_up(course_id, loaded)
        return self._loaded[course_id].revision

    async def rebuild(self, course_id: str) -> int:
        """Drop and reload the course's index from the stored vectors."""
        lock = self._locks.setdefault(course_id, asyncio.Lock())
        async with lock:
            await self._index.drop(collection_name(course_id))
            self._loaded.pop(course_id, None)
            await self._catch_up(course_id, None)
            return await self._index.count(collection_name(course_id))

    async def _catch_up(self, course_id: str, loaded: _Loaded | None) -> None:
        name = collection_name(course_id)
        async with self._store.read() as s:
            revision = await s.books.revision(course_id)
            documents = await s.books.documents(course_id)
        # A page's version includes its audience: a new one reloads its points (stored vectors).
        want = {
            d.id: f"{d.content_hash}:{d.updated_at.isoformat()}:{d.audience}"
            for d in documents
            if d.status == "ready"
        }
        created = await self._index.ensure_collection(name, self._embedder.dim)
        have = {} if created else (loaded.versions if loaded else await self._adopt(course_id, want))
        vocabulary = self.vocabulary(course_id)
        if not have:
            self._vocabularies[course_id] = vocabulary = Vocabulary()
        for document_id, version in have.items():
            if want.get(document_id) != version:
                await self._index.delete_where(name, document_id)
                vocabulary.drop_document(document_id)
        fresh = [d for d, v in want.items() if have.get(d) != v]
        if fresh:
            async with self._store.read() as s:
                rows = await s.books.index_rows(course_id, None if not have else fresh)
            await self._index.upsert(name, [self._point(r) for r in rows])
            texts: dict[str, list[str]] = {}
            for r in rows:
                # The vocabulary judges whether the book knows a student's words: theirs only.
                if r["audience"] != audience.STAFF:
                    texts.setdefault(r["document_id"], []).append(r["text"] + " " + r["heading"])
            for document_id, parts in texts.items():
                vocabulary.set_document(document_id, "\n".join(parts))
        self._loaded[course_id] = _Loaded(revision, want)
        log.info("index for course %s at revision %d (%d documents loaded)", course_id, revision, len(fresh))

    async def _adopt(self, course_id: str, want: dict[str, str]) -> dict[str, str]:
        """A collection this process did not build (a shared Qdrant server): trust it when it
        holds as many points as the database has chunks, else start it afresh."""
        name = collection_name(course_id)
        async with self._store.read() as s:
            stored = await s.books.chunk_count(course_id)
        labelled = IndexFilters(audiences=audience.AUDIENCES)
        # Points loaded before pages had an audience would be hidden from everyone: reload those.
        if await self._index.count(name) == stored and await self._index.count(name, labelled) == stored:
            return dict(want)
        await self._index.drop(name)
        await self._index.ensure_collection(name, self._embedder.dim)
        return {}

    def _point(self, row: dict[str, Any]) -> IndexPoint:
        headings = json.loads(row["headings"]) if isinstance(row["headings"], str) else row["headings"]
        usable = self._embedder.available and row["embedding_model"] == self._embedder.name
        payload = {
            "document_id": row["document_id"],
            "path": row["path"],
            "title": row["title"],
            "heading": row["heading"],
            "headings": headings,
            "anchor": row["anchor"],
            "chunk_index": row["chunk_index"],
            "section_position": row["section_position"],
            "module": row["module"],
            "week": row["week"],
            "difficulty": row["difficulty"],
            "language": row["language"],
            "audience": row["audience"],
            "text": row["text"],
        }
        # Heading paths count as words of the chunk: "balance" in a title finds its sections.
        lexical = " ".join(headings) + "\n" + row["text"]
        return IndexPoint(
            id=row["id"],
            dense=bytes_to_vector(row["embedding"]) if usable else None,
            text=lexical,
            payload=payload,
        )
