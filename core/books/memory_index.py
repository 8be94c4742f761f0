"""The hybrid (dense + lexical) index in this process's memory, on numpy: `BookIndex`'s twin.

`BookIndex` in qdrant-client local mode scores the sparse vectors with a pure-Python merge loop
over every point (~100 ms a search at a few thousand chunks). `MemoryIndex` has the same public
interface and answers the same searches with the same results, in a millisecond or two:

* dense: a matrix of unit vectors, cosine = dot product;
* lexical: an inverted index (term -> rows and document-side BM25 weights from
  `core.books.lexical.sparse_document`), IDF applied at query time exactly as Qdrant's
  `Modifier.IDF` does it: `ln((n - df + 0.5) / (df + 0.5) + 1)`, `n` the live points that have a
  lexical vector and `df` those of them holding the term. A point sharing no term with the query
  is no lexical candidate, as in Qdrant;
* filters: per-field maps from payload value to rows, turned into boolean masks, applied before
  each source takes its `prefetch_limit` best;
* fusion: RRF and DBSF computed as `qdrant_client.hybrid.fusion` computes them.

Faithfulness to local mode goes down to tie-breaking. Rows ("slots") are laid out as local mode
lays out its points: in order of first insertion, a deleted point keeping its slot (and its
vectors) until it is upserted again; a source ranks its candidates with the very call local mode
makes, `np.argsort(scores)[::-1]` over the scores of every slot, so points with equal scores
come out in the same order. The lexical scores are bit-for-bit local mode's (float64 sums in term
order, rounded to float32). Dense scores can differ from local mode's in the last bits: local
mode re-normalises its stored vectors in place on every search, which moves a few of them by an
ulp each time; here a vector is normalised once, as local mode's first search leaves it. The
fusions then repeat qdrant-client's arithmetic and its stable sorts (dense candidates before
lexical ones on equal fused scores). One difference is deliberate: when deleted slots outnumber
live ones (and exceed 1024), they are compacted away on the next rebuild, which local mode never
does; after that, equal scores may be ordered differently from a local-mode index with the same
history (never differently from one built afresh with the live points in the same order).

Concurrency: searches run on the caller's loop against an immutable snapshot of a collection;
writes (tokenising, normalising, applying, rebuilding the snapshot) run in worker threads under
one lock, and publish a new snapshot when done. A snapshot is rebuilt eagerly after a large
upsert and lazily (by the next search, in a thread) after small ones, so many small upserts cost
one rebuild. Deletes only swap the liveness masks of the current snapshot.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import math
import re
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from pydantic_core import to_jsonable_python
from qdrant_client.hybrid.fusion import DEFAULT_RANKING_CONSTANT_K

from core.books.index_types import FUSIONS, Bm25Params, Fusion, IndexFilters, IndexHit, IndexPoint
from core.books.lexical import sparse_document, sparse_query

__all__ = ["MemoryIndex"]

log = logging.getLogger(__name__)

# qdrant_client.local.distances.EPSILON (f32::EPSILON): norms at or below it are not divided by.
_EPSILON = 1.1920929e-7
# Payload fields a search or delete_where can filter on (IndexFilters).
_FILTER_FIELDS = ("module", "week", "path", "difficulty", "language", "document_id", "audience")
# Compact the slots when the dead ones outnumber the live ones and this many.
_COMPACT_MIN_DEAD = 1024
# An upsert that writes at least max(this, a quarter of the slots) rebuilds the snapshot at once.
_EAGER_REBUILD_MIN = 64
_EMPTY_INDICES = np.zeros(0, dtype=np.int64)
_EMPTY_VALUES = np.zeros(0, dtype=np.float64)
_UUID = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")


class MemoryIndex:
    """Hybrid search over book chunks, in memory. Open it (or `async with` it) before use."""

    def __init__(self, *, bm25: Bm25Params | None = None) -> None:
        self.bm25 = bm25 or Bm25Params()
        self._collections: dict[str, _Collection] | None = None
        # Serialises every read or write of a collection's mutable store (worker threads).
        self._mutex = threading.Lock()

    @property
    def is_local(self) -> bool:
        return True

    async def __aenter__(self) -> MemoryIndex:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def open(self) -> None:
        if self._collections is None:
            self._collections = {}

    async def close(self) -> None:
        """Forget every collection: an index opened again is empty, like `BookIndex(":memory:")`."""
        self._collections = None

    async def ensure_collection(self, collection: str, dim: int | None) -> bool:
        """Create the collection, or recreate it empty if its dense dimension differs.

        True when (re)created. `dim` None makes a lexical-only collection.
        """
        collections = self._require()
        current = collections.get(collection)
        if current is not None:
            if current.dim == dim:
                return False
            log.info("Recreating collection %s: dense dimension %s -> %s", collection, current.dim, dim)
        collections[collection] = _Collection(dim)
        return True

    async def upsert(self, collection: str, points: list[IndexPoint], batch_size: int = 256) -> None:
        """Insert or replace points. Dense vectors are dropped on a lexical-only collection.

        Every point is checked before any is applied: a bad one leaves the collection unchanged.
        """
        target = self._get(collection)
        prepared: list[_Prepared] = []
        step = max(1, batch_size)
        for start in range(0, len(points), step):
            # tokenising is CPU work: keep it off the caller's loop
            prepared += await asyncio.to_thread(_prepare, points[start : start + step], target.dim, self.bm25)
        if prepared:
            await asyncio.to_thread(self._apply, collection, target, prepared)

    async def delete_points(self, collection: str, ids: list[str]) -> None:
        if not ids:
            return
        target = self._get(collection)
        wanted = [_normalise_id(point_id, strict=False) for point_id in ids]
        await asyncio.to_thread(self._delete, target, lambda store: store.slots_of(wanted))

    async def delete_where(self, collection: str, document_id: str) -> None:
        """Delete every point of one document (payload `document_id`)."""
        target = self._get(collection)
        key = _match_key(document_id)
        await asyncio.to_thread(self._delete, target, lambda store: store.slots_where("document_id", key))

    async def count(self, collection: str, filters: IndexFilters | None = None) -> int:
        target = self._get(collection)
        if filters is None:
            return target.store.live
        snapshot = target.snapshot
        if target.stale:
            snapshot = await asyncio.to_thread(self._refresh, target)
        live = ~target.store.deleted[: snapshot.n]
        mask = snapshot.filter_mask(filters)
        return int(np.count_nonzero(live if mask is None else live & mask))

    async def search(
        self,
        collection: str,
        *,
        dense: list[float] | None,
        text: str,
        limit: int = 10,
        filters: IndexFilters | None = None,
        prefetch_limit: int = 50,
        fusion: Fusion = "rrf",
        weights: tuple[float, float] | None = None,
        rrf_k: int | None = None,
        score_threshold: float | None = None,
    ) -> list[IndexHit]:
        """The best `limit` chunks for a query; see `BookIndex.search`, which this mirrors.

        `fusion`: "rrf" or "dbsf" of the dense and lexical candidates (`prefetch_limit` of each,
        filters applied before the cut), or "dense" / "lexical" for one source alone. Without a
        usable query vector the search is lexical only; with no lexical terms in `text` it is
        dense only. `weights` (dense, lexical) and `rrf_k` tune RRF (default k 2). Scores are
        fusion scores, or cosine / BM25 scores when one source answers.
        """
        if fusion not in FUSIONS:
            raise ValueError(f"fusion must be one of {', '.join(FUSIONS)}, not {fusion!r}")
        if fusion == "dbsf" and weights is not None:
            raise ValueError("weights apply to RRF fusion only")
        target = self._get(collection)
        dim = target.dim
        query_vector: np.ndarray | None = None
        if dense is not None and dim is not None and fusion != "lexical":
            if len(dense) != dim:
                raise ValueError(f"query vector has {len(dense)} dimensions, {collection} {dim}")
            query_vector = _query_vector(dense)
        indices, values = sparse_query(text)
        use_lexical = bool(indices) and (fusion != "dense" or query_vector is None)
        if query_vector is None and not use_lexical:
            return []

        snapshot = target.snapshot
        if target.stale:
            snapshot = await asyncio.to_thread(self._refresh, target)
        mask = snapshot.filter_mask(filters)
        responses: list[_Ranked] = []
        single = (query_vector is not None) + use_lexical == 1  # one source: no fusion
        source_limit = limit if single else max(prefetch_limit, limit)
        if query_vector is not None:
            responses.append(snapshot.dense_ranking(query_vector, mask, source_limit))
        if use_lexical:
            query = np.asarray(indices, dtype=np.int64)
            responses.append(snapshot.lexical_ranking(query, values, mask, source_limit))

        if single:
            slots, scores = responses[0]
            if score_threshold is not None:
                # local mode's search loop stops at the first score not above the threshold,
                # compared in the scores' own precision (float32 for BM25)
                below = np.flatnonzero(scores <= score_threshold)
                if len(below):
                    slots, scores = slots[: below[0]], scores[: below[0]]
            ranked = list(zip(slots.tolist(), scores.tolist(), strict=True))
        else:
            lists = [list(zip(s.tolist(), v.tolist(), strict=True)) for s, v in responses]
            if fusion == "dbsf":
                ranked = _dbsf(lists, limit)
            else:
                if weights is not None and len(weights) != len(lists):
                    raise ValueError("Length of weights must match the number of responses in RRF")
                ranked = _rrf(lists, limit, rrf_k, list(weights) if weights is not None else None)
            if score_threshold is not None:
                ranked = [(slot, score) for slot, score in ranked if score >= score_threshold]
        return [
            IndexHit(id=snapshot.ids[slot], score=float(score), payload=_json_copy(snapshot.payloads[slot]))
            for slot, score in ranked
        ]

    async def drop(self, collection: str) -> None:
        self._require().pop(collection, None)

    # -- internals ---------------------------------------------------------------------------

    def _require(self) -> dict[str, _Collection]:
        if self._collections is None:
            raise RuntimeError("MemoryIndex is not open: await index.open() first")
        return self._collections

    def _get(self, collection: str) -> _Collection:
        found = self._require().get(collection)
        if found is None:
            raise ValueError(f"Collection {collection} not found")
        return found

    def _apply(self, name: str, target: _Collection, prepared: list[_Prepared]) -> None:
        """Write prepared points into the store (worker thread)."""
        with self._mutex:
            collections = self._collections
            if collections is None or collections.get(name) is not target:
                raise ValueError(f"Collection {name} not found")  # dropped or recreated meanwhile
            target.stale = True
            target.store.write(prepared)
            if target.store.writes >= max(_EAGER_REBUILD_MIN, target.store.n // 4):
                self._rebuild(target)

    def _delete(self, target: _Collection, select: Any) -> None:
        """Delete the slots `select(store)` picks (worker thread)."""
        with self._mutex:
            slots = select(target.store)
            if not slots:
                return
            target.store.kill(slots)
            if not target.stale:
                target.snapshot = target.snapshot.with_liveness(target.store)

    def _refresh(self, target: _Collection) -> _Snapshot:
        """The collection's snapshot, rebuilt if writes have made it stale (worker thread)."""
        with self._mutex:
            if target.stale:
                self._rebuild(target)
            return target.snapshot

    def _rebuild(self, target: _Collection) -> None:
        """Publish a snapshot of the store. The caller holds the mutex."""
        store = target.store
        previous: _Snapshot | None = target.snapshot
        if store.n - store.live > max(_COMPACT_MIN_DEAD, store.live):
            store.compact()
            previous = None
        target.snapshot = store.snapshot(previous)
        target.stale = False


# -- the mutable store ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    """One point, validated and tokenised, ready to be written."""

    id: str
    dense: np.ndarray | None  # float64 as given; None when absent or the collection has none
    lexical: tuple[np.ndarray, np.ndarray] | None  # (indices int64, weights float64), sorted
    payload: dict
    keys: tuple[tuple[str, tuple], ...]  # (field, match key) for each filterable payload value


def _prepare(points: Sequence[IndexPoint], dim: int | None, bm25: Bm25Params) -> list[_Prepared]:
    prepared = []
    for point in points:
        point_id = _normalise_id(point.id, strict=True)
        vector = None
        if point.dense is not None and dim is not None:
            if len(point.dense) != dim:
                raise ValueError(
                    f"point {point.id} has a {len(point.dense)}-dimensional vector, expected {dim}"
                )
            vector = np.asarray(point.dense, dtype=np.float64)
            if vector.ndim != 1:
                raise ValueError(f"point {point.id} has a dense vector that is not flat")
            if np.isnan(vector).any():
                raise ValueError("Vector contains NaN values")
        indices, values = sparse_document(point.text, avg_len=bm25.avg_len, k1=bm25.k1, b=bm25.b)
        lexical = None
        if indices:
            lexical = (np.asarray(indices, dtype=np.int64), np.asarray(values, dtype=np.float64))
        payload = to_jsonable_python(point.payload) or {}
        prepared.append(_Prepared(point_id, vector, lexical, payload, _payload_keys(payload)))
    return prepared


class _Store:
    """A collection's points, laid out in slots the way qdrant-client local mode lays them out.

    Only touched under `MemoryIndex._mutex`. Arrays grow geometrically. A slot keeps the
    vectors it was last given when its point is deleted, or upserted without that vector: its
    scores still take part in the ranking (as in local mode), masked out of the results.
    """

    def __init__(self, dim: int | None) -> None:
        self.dim = dim
        self.n = 0  # slots in use
        self.live = 0  # slots not deleted
        self.ids: dict[str, int] = {}
        self.slot_ids: list[str] = []
        self.payloads: list[dict] = []
        self.keys: list[tuple[tuple[str, tuple], ...]] = []
        self.lex_indices: list[np.ndarray] = []
        self.lex_values: list[np.ndarray] = []
        self.deleted = np.zeros(0, dtype=bool)
        self.has_dense = np.zeros(0, dtype=bool)
        self.has_lexical = np.zeros(0, dtype=bool)
        # float64 copies of float32 unit vectors (the scores are float64, as in local mode)
        self.dense = np.zeros((0, dim or 0), dtype=np.float64)
        self.changed: set[int] = set()  # slots whose stored lexical vector changed since the build
        self.writes = 0  # points written since the last snapshot
        # the dense matrix the last snapshot reads, and how many of its rows
        self.published: tuple[np.ndarray, int] | None = None

    def _reserve(self, size: int) -> None:
        capacity = len(self.deleted)
        if size <= capacity:
            return
        capacity = max(size, 16, capacity + capacity // 2)
        for name in ("deleted", "has_dense", "has_lexical"):
            grown = np.zeros(capacity, dtype=bool)
            grown[: self.n] = getattr(self, name)[: self.n]
            setattr(self, name, grown)
        dense = np.zeros((capacity, self.dim or 0), dtype=np.float64)
        dense[: self.n] = self.dense[: self.n]
        self.dense = dense

    def write(self, prepared: list[_Prepared]) -> None:
        """Apply upserts, in order (a repeated id updates the point its first occurrence made)."""
        self._reserve(self.n + len(prepared))
        live = self.live
        rows: dict[int, np.ndarray] = {}  # slot -> float32 vector to store (normalised below)
        for point in prepared:
            slot = self.ids.get(point.id)
            if slot is None:
                slot = self.n
                self.n += 1
                live += 1
                self.ids[point.id] = slot
                self.slot_ids.append(point.id)
                self.payloads.append(point.payload)
                self.keys.append(point.keys)
                self.deleted[slot] = False
                if self.dim is not None:
                    # local mode's _add_point: float32, divided by its float32 norm
                    if point.dense is None:
                        rows[slot] = np.ones(self.dim, dtype=np.float32)
                    else:
                        vector = point.dense.astype(np.float32)
                        norm = np.linalg.norm(vector)
                        rows[slot] = vector / norm if norm > _EPSILON else vector
                    self.has_dense[slot] = point.dense is not None
                if point.lexical is None:
                    self.lex_indices.append(_EMPTY_INDICES)
                    self.lex_values.append(_EMPTY_VALUES)
                else:
                    self.lex_indices.append(point.lexical[0])
                    self.lex_values.append(point.lexical[1])
                self.has_lexical[slot] = point.lexical is not None
                self.changed.add(slot)
                continue
            # local mode's _update_point: an absent vector leaves the old one in the slot
            if self.deleted[slot]:
                self.deleted[slot] = False
                live += 1
            self.payloads[slot] = point.payload
            self.keys[slot] = point.keys
            if self.dim is not None:
                if point.dense is not None:
                    norm = np.linalg.norm(point.dense)  # float64 here, unlike _add_point
                    vector = point.dense / norm if norm > _EPSILON else point.dense
                    rows[slot] = vector.astype(np.float32)
                self.has_dense[slot] = point.dense is not None
            if point.lexical is not None:
                self.lex_indices[slot], self.lex_values[slot] = point.lexical
                self.changed.add(slot)
            self.has_lexical[slot] = point.lexical is not None
        if rows:
            slots = np.fromiter(rows, dtype=np.intp, count=len(rows))
            if (
                self.published is not None
                and self.published[0] is self.dense
                and slots.min() < self.published[1]
            ):
                # a published snapshot reads that row: copy on write (appends go past its rows)
                self.dense = self.dense.copy()
            block = np.stack(list(rows.values()))
            # what local mode's first search does to its stored vectors, in place
            norms = np.linalg.norm(block, axis=-1)[:, np.newaxis]
            block /= np.where(norms != 0.0, norms, _EPSILON)
            self.dense[slots] = block
        self.writes += len(prepared)
        self.live = live

    def kill(self, slots: list[int]) -> None:
        self.deleted[slots] = True
        self.live = self.n - int(np.count_nonzero(self.deleted[: self.n]))

    def slots_of(self, ids: list[str]) -> list[int]:
        slots = {self.ids[point_id] for point_id in ids if point_id in self.ids}
        return sorted(slot for slot in slots if not self.deleted[slot])

    def slots_where(self, field_name: str, key: tuple | None) -> list[int]:
        if key is None:
            return []
        wanted = (field_name, key)
        return [slot for slot, keys in enumerate(self.keys) if not self.deleted[slot] and wanted in keys]

    def compact(self) -> None:
        """Drop the deleted slots, keeping the order of the others."""
        keep = np.flatnonzero(~self.deleted[: self.n])
        order = keep.tolist()
        log.debug("compacting %d slots to %d", self.n, len(order))
        self.slot_ids = [self.slot_ids[i] for i in order]
        self.ids = {point_id: slot for slot, point_id in enumerate(self.slot_ids)}
        self.payloads = [self.payloads[i] for i in order]
        self.keys = [self.keys[i] for i in order]
        self.lex_indices = [self.lex_indices[i] for i in order]
        self.lex_values = [self.lex_values[i] for i in order]
        self.n = self.live = len(order)
        capacity = max(16, self.n + self.n // 2)
        dense = np.zeros((capacity, self.dim or 0), dtype=np.float64)
        dense[: self.n] = self.dense[keep]
        self.dense = dense
        for name in ("has_dense", "has_lexical"):
            grown = np.zeros(capacity, dtype=bool)
            grown[: self.n] = getattr(self, name)[keep]
            setattr(self, name, grown)
        self.deleted = np.zeros(capacity, dtype=bool)
        self.changed = set(range(self.n))

    def snapshot(self, previous: _Snapshot | None) -> _Snapshot:
        """An immutable view for searches; the inverted index is merged from `previous`'s."""
        n = self.n
        changed = np.fromiter(sorted(self.changed), dtype=np.intp, count=len(self.changed))
        self.changed = set()
        self.writes = 0
        self.published = (self.dense, n)
        parts_t, parts_s, parts_v = [], [], []
        if previous is not None and len(previous.post_terms):
            keep = np.ones(n, dtype=bool)
            keep[changed] = False
            kept = keep[previous.post_slots]
            parts_t.append(previous.post_terms[kept])
            parts_s.append(previous.post_slots[kept])
            parts_v.append(previous.post_values[kept])
        if len(changed):
            lengths = np.fromiter(
                (len(self.lex_indices[slot]) for slot in changed), dtype=np.intp, count=len(changed)
            )
            if lengths.sum():
                terms = np.concatenate([self.lex_indices[slot] for slot in changed])
                order = np.argsort(terms, kind="stable")
                parts_t.append(terms[order])
                parts_s.append(np.repeat(changed, lengths)[order])
                parts_v.append(np.concatenate([self.lex_values[slot] for slot in changed])[order])
        if parts_t:
            # two sorted runs: the stable sort (timsort) merges them in linear time
            post_terms = np.concatenate(parts_t)
            order = np.argsort(post_terms, kind="stable")
            post_terms = post_terms[order]
            post_slots = np.concatenate(parts_s)[order]
            post_values = np.concatenate(parts_v)[order]
        else:
            post_terms, post_slots, post_values = _EMPTY_INDICES, np.zeros(0, np.intp), _EMPTY_VALUES
        if len(post_terms):
            first = np.empty(len(post_terms), dtype=bool)
            first[0] = True
            np.not_equal(post_terms[1:], post_terms[:-1], out=first[1:])
            starts = np.flatnonzero(first)
            terms = post_terms[starts]
            starts = np.append(starts, len(post_terms))
        else:
            terms, starts = _EMPTY_INDICES, np.zeros(1, dtype=np.intp)

        grouped: dict[tuple[str, tuple], list[int]] = {}
        for slot, keys in enumerate(self.keys):
            for key in keys:
                grouped.setdefault(key, []).append(slot)
        fields = {key: np.asarray(slots, dtype=np.intp) for key, slots in grouped.items()}

        live = ~self.deleted[:n]
        live_lexical = live & self.has_lexical[:n]
        return _Snapshot(
            n=n,
            ids=list(self.slot_ids),
            payloads=list(self.payloads),
            dense=self.dense[:n] if self.dim is not None else None,
            live_dense=live & self.has_dense[:n],
            live_lexical=live_lexical,
            lexical_count=int(np.count_nonzero(live_lexical)),
            terms=terms,
            starts=starts,
            post_terms=post_terms,
            post_slots=post_slots,
            post_values=post_values,
            fields=fields,
        )


# -- the searchable snapshot ---------------------------------------------------------------------

_Ranked = tuple[np.ndarray, np.ndarray]  # (slots, scores), best first


@dataclass(frozen=True)
class _Snapshot:
    n: int
    ids: list[str]
    payloads: list[dict]
    dense: np.ndarray | None  # (n, dim) float64, unit rows; None for a lexical-only collection
    live_dense: np.ndarray  # slots alive with a dense vector
    live_lexical: np.ndarray  # slots alive with a lexical vector
    lexical_count: int  # IDF's n
    terms: np.ndarray  # distinct term indices, sorted
    starts: np.ndarray  # postings of terms[i]: [starts[i], starts[i + 1])
    post_terms: np.ndarray
    post_slots: np.ndarray
    post_values: np.ndarray  # document-side BM25 weights
    fields: dict[tuple[str, tuple], np.ndarray] = field(default_factory=dict)  # -> slots

    def with_liveness(self, store: _Store) -> _Snapshot:
        live = ~store.deleted[: self.n]
        live_lexical = live & store.has_lexical[: self.n]
        return replace(
            self,
            live_dense=live & store.has_dense[: self.n],
            live_lexical=live_lexical,
            lexical_count=int(np.count_nonzero(live_lexical)),
        )

    def filter_mask(self, filters: IndexFilters | None) -> np.ndarray | None:
        """Slots whose payload matches every condition (Qdrant's match semantics), or None."""
        if filters is None:
            return None
        conditions: list[tuple[str, Sequence[object]]] = []
        for name, value in (
            ("module", filters.module),
            ("week", filters.week),
            ("path", filters.path),
            ("difficulty", filters.difficulty),
            ("language", filters.language),
        ):
            if value is not None:
                conditions.append((name, (value,)))
        if filters.paths:
            conditions.append(("path", filters.paths))
        if filters.document_ids:
            conditions.append(("document_id", filters.document_ids))
        if filters.audiences:  # a point without an audience matches none: hidden until reloaded
            conditions.append(("audience", filters.audiences))
        if not conditions:
            return None
        mask = np.ones(self.n, dtype=bool)
        for name, values in conditions:
            matching = np.zeros(self.n, dtype=bool)
            for value in values:
                key = _match_key(value)
                slots = self.fields.get((name, key)) if key is not None else None
                if slots is not None:
                    matching[slots] = True
            mask &= matching
        return mask

    def dense_ranking(self, query: np.ndarray, mask: np.ndarray | None, limit: int) -> _Ranked:
        if self.dense is None or self.n == 0:
            return np.zeros(0, np.intp), np.zeros(0, np.float64)
        scores = np.dot(self.dense, query)
        allowed = self.live_dense if mask is None else self.live_dense & mask
        return _top(scores, allowed, limit)

    def lexical_ranking(
        self, indices: np.ndarray, values: list[float], mask: np.ndarray | None, limit: int
    ) -> _Ranked:
        """BM25 with Qdrant's IDF; float64 sums in ascending term order, then float32."""
        sums = np.zeros(self.n, dtype=np.float64)
        overlap = np.zeros(self.n, dtype=bool)
        positions = np.searchsorted(self.terms, indices)
        total = self.lexical_count
        for term, value, position in zip(indices.tolist(), values, positions.tolist(), strict=True):
            if position >= len(self.terms) or self.terms[position] != term:
                continue  # no point holds the term
            start, end = self.starts[position], self.starts[position + 1]
            rows = self.post_slots[start:end]
            # df: live points with a lexical vector holding the term (stale vectors of deleted
            # slots are scored, as local mode scores them, but neither counted nor returned)
            frequency = int(np.count_nonzero(self.live_lexical[rows]))
            idf = math.log((total - frequency + 0.5) / (frequency + 0.5) + 1)
            sums[rows] += (value * idf) * self.post_values[start:end]
            overlap[rows] = True
        scores = sums.astype(np.float32)
        scores[~overlap] = -np.inf  # no shared term: not a candidate
        allowed = self.live_lexical & overlap
        if mask is not None:
            allowed &= mask
        return _top(scores, allowed, limit)


def _top(scores: np.ndarray, allowed: np.ndarray, limit: int) -> _Ranked:
    """The best `limit` allowed slots, ranked exactly as local mode ranks them."""
    if limit <= 0:
        return np.zeros(0, np.intp), scores[:0]
    order = np.argsort(scores)[::-1]
    chosen = order[allowed[order]][:limit]
    return chosen, scores[chosen]


@dataclass
class _Collection:
    dim: int | None
    store: _Store = field(init=False)
    snapshot: _Snapshot = field(init=False)
    stale: bool = False

    def __post_init__(self) -> None:
        self.store = _Store(self.dim)
        self.snapshot = self.store.snapshot(None)


# -- fusion, as in qdrant_client.hybrid.fusion ---------------------------------------------------


def _rrf(
    responses: list[list[tuple[int, float]]],
    limit: int,
    ranking_constant_k: int | None,
    weights: list[float] | None,
) -> list[tuple[int, float]]:
    """`reciprocal_rank_fusion`: score 1 / ((rank + 1) / weight + k - 1), summed; stable sort."""
    constant = ranking_constant_k if ranking_constant_k is not None else DEFAULT_RANKING_CONSTANT_K

    def compute_score(pos: int, score_weight: float = 1.0) -> float:
        if score_weight <= 0:
            return 0.0
        return 1 / ((pos + 1.0) / score_weight + constant - 1.0)

    scores: dict[int, float] = {}
    for response_idx, response in enumerate(responses):
        weight = weights[response_idx] if weights is not None else 1.0
        for i, (slot, _) in enumerate(response):
            if slot in scores:
                scores[slot] += compute_score(i, weight)
            else:
                scores[slot] = compute_score(i, weight)
    return sorted(scores.items(), key=lambda item: item[1], reverse=True)[:limit]


def _dbsf(responses: list[list[tuple[int, float]]], limit: int) -> list[tuple[int, float]]:
    """`distribution_based_score_fusion`: each source's scores mapped through mean +- 3 sd."""

    def normalize(response: list[tuple[int, float]]) -> list[tuple[int, float]]:
        if len(response) == 1:
            return [(response[0][0], 0.5)]
        total = sum([score for _, score in response])
        mean = total / len(response)
        variance = sum([(score - mean) ** 2 for _, score in response]) / (len(response) - 1)
        if variance == 0:
            return [(slot, 0.5) for slot, _ in response]
        std_dev = variance**0.5
        low = mean - 3 * std_dev
        high = mean + 3 * std_dev
        return [(slot, (score - low) / (high - low)) for slot, score in response]

    points: dict[int, float] = {}
    for response in responses:
        if not response:
            continue
        for slot, score in normalize(response):
            if slot in points:
                points[slot] += score
            else:
                points[slot] = score
    return sorted(points.items(), key=lambda item: item[1], reverse=True)[:limit]


# -- small helpers -------------------------------------------------------------------------------


def _query_vector(dense: list[float]) -> np.ndarray:
    """The query as local mode's cosine takes it: float64, divided by its norm."""
    query = np.asarray(dense, dtype=np.float64)
    if np.isnan(query).any():
        raise ValueError("Query vector must not contain NaN")
    norm = np.linalg.norm(query)
    return query / np.where(norm != 0.0, norm, _EPSILON)


def _normalise_id(point_id: object, *, strict: bool) -> Any:
    """A point id as Qdrant stores it: the canonical UUID string (or an unsigned integer)."""
    if isinstance(point_id, uuid.UUID):
        return str(point_id)
    if isinstance(point_id, int) and not isinstance(point_id, bool) and point_id >= 0:
        return point_id
    if isinstance(point_id, str) and _UUID.fullmatch(point_id):
        return str(uuid.UUID(point_id))
    if strict:
        raise ValueError(f"Point id {point_id} is not a valid UUID")
    return point_id  # lookups treat an invalid id as missing


def _match_key(value: object) -> tuple | None:
    """A payload value as a hashable key with Qdrant's exact-match semantics: bool, int and
    float never match each other (Python would say True == 1 == 1.0); None and containers
    match nothing."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, float):
        return ("float", value)
    if isinstance(value, (str, int)):
        return ("value", value)
    return None


def _payload_keys(payload: dict) -> tuple[tuple[str, tuple], ...]:
    """(field, match key) for each filterable value; an array field matches by any element."""
    keys = []
    for name in _FILTER_FIELDS:
        if name not in payload:
            continue
        value = payload[name]
        for item in value if isinstance(value, list) else (value,):
            key = _match_key(item)
            if key is not None and (name, key) not in keys:
                keys.append((name, key))
    return tuple(keys)


def _json_copy(value: Any) -> Any:
    """A deep copy of JSON data (what local mode's `deepcopy` of a payload gives, faster)."""
    if isinstance(value, dict):
        return {key: _json_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_copy(item) for item in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return copy.deepcopy(value)
