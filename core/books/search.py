"""Hybrid search over a course's book, one hit per section.

A query runs dense (meaning) and lexical (BM25 words, identifiers) retrieval fused by reciprocal
rank; chunks of one section are folded into that section's best chunk, because a student wants
"where in the book", not five pieces of one page. Selected-text mode first finds where a
quoted passage sits, then searches around it.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field, replace
from typing import Any

from core import validation
from core.books import audience
from core.books.embeddings import Embedder
from core.books.highlight import highlight
from core.books.index_types import IndexFilters, IndexHit
from core.books.lexical import tokenize
from core.books.sync import IndexSync, VectorIndex, collection_name
from core.errors import InvalidInput
from core.models.accounts import Course
from core.models.books import SearchFilters, SearchHit

MAX_QUERY_CHARS = 1000
MAX_SELECTED_CHARS = 4000
MAX_LIMIT = 50


@dataclass(frozen=True)
class Tuning:
    """Retrieval knobs, measured on benchmarks/retrieval.py."""

    candidates: int = 60  # fused chunk hits considered before folding into sections
    prefetch: int = 80  # per-source candidates before fusion
    weights: tuple[float, float] = (1.0, 1.0)  # dense, lexical
    rrf_k: int | None = None
    fusion: str = "rrf"
    sibling_bonus: float = 0.0  # share of a further chunk's score added to its section


@dataclass(frozen=True)
class Signals:
    """How well the book matches a question, for deciding whether it answers it at all."""

    dense_top: float  # best cosine similarity of a passage (0 when lexical-only)
    dense_mean: float  # mean of the best three
    lexical_top: float  # best BM25 score
    term_coverage: float  # share of the question's content words found in the best passages
    unknown_terms: tuple[str, ...] = ()  # rare words of the question the book never uses
    absent_fraction: float = 0.0  # share of the question's content words the book never uses


@dataclass
class SearchResult:
    hits: list[SearchHit]
    ms: float
    lexical_only: bool
    located: SearchHit | None = None  # selected-text mode: where the passage sits
    notes: list[str] = field(default_factory=list)


class BookSearch:
    def __init__(self, index: VectorIndex, sync: IndexSync, embedder: Embedder, tuning: Tuning | None = None):
        self._index = index
        self._sync = sync
        self._embedder = embedder
        self.tuning = tuning or Tuning()

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
        """`staff`: the viewer is staff of the course (core.staff.sees_staff_material), so staff-only
        pages may be found; for anyone else the index itself leaves them out."""
        started = time.perf_counter()
        query = validation.free_text("query", query, max_chars=MAX_QUERY_CHARS, what="The search")
        selected = validation.free_text("selected text", selected_text, max_chars=MAX_SELECTED_CHARS)
        if not query and not selected:
            raise InvalidInput("query", "The search is empty: type a few words to look for.")
        validation.whole_number("limit", limit, 1, MAX_LIMIT)
        # The query's embedding and the index's freshness check overlap: both wait on threads.
        first = query or selected
        embedding = asyncio.ensure_future(self._embed(first))
        try:
            await self._sync.ensure_current(course.id)
        finally:
            await asyncio.wait([embedding])
        index_filters = _index_filters(filters, staff)
        located = None
        if selected:
            located = await self._locate(course, selected, index_filters)
        hits = await self._sections(course, query or selected, limit, index_filters)
        if located is not None:
            # The passage's own section first, then others from around it and the whole book.
            near = await self._sections(
                course,
                query or selected,
                limit,
                _narrowed(index_filters, located.document_id),
            )
            hits = _merge([located], near, hits, limit=limit)
        return SearchResult(
            hits=hits,
            ms=(time.perf_counter() - started) * 1000,
            lexical_only=not self._embedder.available,
            located=located,
        )

    async def signals(
        self,
        course: Course,
        question: str,
        hits: list[SearchHit],
        filters: SearchFilters | None = None,
        staff: bool = False,
    ) -> Signals:
        """Raw similarity figures behind a search (dense and lexical, unfused)."""
        await self._sync.ensure_current(course.id)
        name = collection_name(course.id)
        index_filters = _index_filters(filters, staff)
        dense_scores: list[float] = []
        dense = await self._embed(question)
        if dense is not None:
            found = await self._index.search(
                name, dense=dense, text=question, limit=3, filters=index_filters, fusion="dense"
            )
            dense_scores = [h.score for h in found]
        lexical = await self._index.search(
            name, dense=None, text=question, limit=1, filters=index_filters, fusion="lexical"
        )
        vocabulary = self._sync.vocabulary(course.id)
        terms = set(tokenize(question))
        seen: set[str] = set()
        for hit in hits[:5]:
            seen.update(tokenize(" ".join(hit.headings) + " " + hit.text))
        return Signals(
            dense_top=dense_scores[0] if dense_scores else 0.0,
            dense_mean=sum(dense_scores) / len(dense_scores) if dense_scores else 0.0,
            lexical_top=lexical[0].score if lexical else 0.0,
            term_coverage=len(terms & seen) / len(terms) if terms else 0.0,
            unknown_terms=tuple(vocabulary.unknown(question)),
            absent_fraction=vocabulary.absent_fraction(question),
        )

    async def _locate(self, course: Course, passage: str, filters: IndexFilters) -> SearchHit | None:
        found = await self._sections(course, passage, 1, filters)
        return found[0] if found else None

    async def _embed(self, text: str) -> list[float] | None:
        if not self._embedder.available:
            return None
        return await asyncio.to_thread(self._embedder.embed_query, text)

    async def _sections(
        self, course: Course, text: str, limit: int, filters: IndexFilters
    ) -> list[SearchHit]:
        dense = await self._embed(text)  # cached when just computed
        t = self.tuning
        raw = await self._index.search(
            collection_name(course.id),
            dense=dense,
            text=text,
            limit=t.candidates,
            filters=filters,
            prefetch_limit=t.prefetch,
            fusion=t.fusion if dense else "lexical",
            weights=t.weights if dense and t.fusion == "rrf" else None,
            rrf_k=t.rrf_k,
        )
        return _fold_sections(raw, text, limit, t.sibling_bonus)


def _fold_sections(raw: list[IndexHit], query: str, limit: int, bonus: float) -> list[SearchHit]:
    best: dict[tuple[str, int], tuple[float, IndexHit]] = {}
    for hit in raw:
        key = (hit.payload["document_id"], hit.payload["section_position"])
        if key in best:
            score, top = best[key]
            best[key] = (score + bonus * hit.score, top)
        else:
            best[key] = (hit.score, hit)
    ranked = sorted(best.values(), key=lambda pair: pair[0], reverse=True)[:limit]
    return [_hit(top, score, query) for score, top in ranked]


def _hit(hit: IndexHit, score: float, query: str) -> SearchHit:
    p: dict[str, Any] = hit.payload
    return SearchHit(
        chunk_id=str(hit.id),
        document_id=p["document_id"],
        path=p["path"],
        title=p["title"],
        heading=p["heading"],
        headings=list(p["headings"]),
        anchor=p["anchor"],
        score=round(float(score), 6),
        text=p["text"],
        highlight=highlight(p["text"], query),
        module=p.get("module"),
        week=p.get("week"),
        staff_only=p.get("audience") == audience.STAFF,
    )


def _merge(*groups: list[SearchHit], limit: int) -> list[SearchHit]:
    seen: set[tuple[str, str]] = set()
    merged: list[SearchHit] = []
    for group in groups:
        for hit in group:
            key = (hit.path, hit.anchor)
            if key not in seen:
                seen.add(key)
                merged.append(hit)
    return merged[:limit]


def _index_filters(filters: SearchFilters | None, staff: bool) -> IndexFilters:
    # Anyone but staff searches the pages for everyone only: a payload filter, applied by the index
    # before it ranks, so a staff-only page is never a candidate (nor shows in a count or a score).
    audiences = audience.AUDIENCES if staff else (audience.EVERYONE,)
    if filters is None:
        return IndexFilters(audiences=audiences)
    week, module = filters.week, filters.module
    if filters.unit:  # a unit is a week (a number) or a module (a folder)
        unit = filters.unit.strip()
        week, module = (int(unit), module) if unit.isdigit() else (week, unit)
    return IndexFilters(
        module=module,
        week=week,
        path=filters.path,
        difficulty=filters.difficulty,
        language=filters.language,
        audiences=audiences,
    )


def _narrowed(filters: IndexFilters, document_id: str) -> IndexFilters:
    return replace(filters, document_ids=(document_id,))
