"""The hybrid (dense + lexical) vector index over Qdrant.

Each collection has two named vectors: `dense` (cosine, absent when the index is lexical-only)
and the sparse `lexical` (BM25 term weights from `core.books.lexical`, IDF applied by Qdrant
through `Modifier.IDF`). A search is one `query_points` call: a dense and a sparse `Prefetch`
fused by RRF or DBSF, or the lexical prefetch alone when there is no query vector.

By default the index lives in this process's memory (qdrant-client local mode): the database is
the system of record and each process rebuilds its index from it, because a local Qdrant *path*
admits one process and the bot, MCP servers and CLI run side by side. Local mode does its work
synchronously inside its `async def`s, so it is run on a private event loop in a thread of its
own: the caller's loop (the bot's gateway heartbeat, say) is never blocked by a search or a
rebuild, and the local collections are only ever touched from that one thread. Given a URL,
the index talks to a Qdrant server instead, directly from the caller's loop.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Coroutine, Sequence
from typing import Any, TypeVar

from qdrant_client import AsyncQdrantClient, models

from core.books.index_types import FUSIONS, Bm25Params, Fusion, IndexFilters, IndexHit, IndexPoint
from core.books.lexical import sparse_document, sparse_query

log = logging.getLogger(__name__)

DENSE_VECTOR = "dense"
LEXICAL_VECTOR = "lexical"


# Payload fields worth an index on a Qdrant server (local mode ignores payload indexes).
_KEYWORD_FIELDS = ("document_id", "module", "path", "difficulty", "language", "audience")
_INTEGER_FIELDS = ("week",)

T = TypeVar("T")


class BookIndex:
    """Hybrid search over book chunks. Open it (or `async with` it) before use."""

    def __init__(
        self,
        url: str | None = None,
        api_key: str | None = None,
        location: str = ":memory:",
        *,
        bm25: Bm25Params | None = None,
        timeout: int | None = None,
    ) -> None:
        """`url` selects a Qdrant server; otherwise `location` is ":memory:" or a local path."""
        self.url = url
        self.location = None if url else location
        self._api_key = api_key
        self._timeout = timeout
        self.bm25 = bm25 or Bm25Params()
        self._client: AsyncQdrantClient | None = None
        self._runner: _LoopThread | None = None
        self._dims: dict[str, int | None] = {}

    @property
    def is_local(self) -> bool:
        return self.url is None

    async def __aenter__(self) -> BookIndex:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def open(self) -> None:
        if self._client is not None:
            return
        if self.url is not None:
            self._client = AsyncQdrantClient(url=self.url, api_key=self._api_key, timeout=self._timeout)
            return
        location = self.location or ":memory:"
        runner = _LoopThread("studyhall-qdrant-local")
        runner.start()

        async def make_client() -> AsyncQdrantClient:
            # built on the runner thread: a path-backed local client is bound to its thread
            if location == ":memory:":
                return AsyncQdrantClient(location=location)
            return AsyncQdrantClient(path=location)

        try:
            self._client = await runner.run(make_client())
        except BaseException:
            await asyncio.to_thread(runner.stop)
            raise
        self._runner = runner

    async def close(self) -> None:
        client, runner = self._client, self._runner
        self._client, self._runner = None, None
        self._dims.clear()
        if client is None:
            return
        try:
            await self._call(client.close(), runner)
        finally:
            if runner is not None:
                await asyncio.to_thread(runner.stop)

    async def ensure_collection(self, collection: str, dim: int | None) -> bool:
        """Create the collection, or recreate it if its layout differs. True when (re)created.

        `dim` None makes a lexical-only collection. A recreated collection is empty: the caller
        must upsert its points again.
        """
        client = self._require()
        if await self._call(client.collection_exists(collection)):
            info = await self._call(client.get_collection(collection))
            current, lexical_ok = _layout(info)
            if current == dim and lexical_ok:
                self._dims[collection] = dim
                return False
            log.info(
                "Recreating collection %s: dense dimension %s -> %s%s",
                collection,
                current,
                dim,
                "" if lexical_ok else ", lexical vector missing or without IDF",
            )
            await self._call(client.delete_collection(collection))
        vectors: dict[str, models.VectorParams] = {}
        if dim is not None:
            vectors[DENSE_VECTOR] = models.VectorParams(size=dim, distance=models.Distance.COSINE)
        await self._call(
            client.create_collection(
                collection,
                vectors_config=vectors,
                sparse_vectors_config={
                    LEXICAL_VECTOR: models.SparseVectorParams(modifier=models.Modifier.IDF)
                },
            )
        )
        if not self.is_local:
            for name in _KEYWORD_FIELDS:
                await client.create_payload_index(
                    collection, name, field_schema=models.PayloadSchemaType.KEYWORD
                )
            for name in _INTEGER_FIELDS:
                await client.create_payload_index(
                    collection, name, field_schema=models.PayloadSchemaType.INTEGER
                )
        self._dims[collection] = dim
        return True

    async def upsert(self, collection: str, points: list[IndexPoint], batch_size: int = 256) -> None:
        """Insert or replace points. Dense vectors are dropped on a lexical-only collection."""
        client = self._require()
        dim = await self._dim(collection)
        for start in range(0, len(points), batch_size):
            batch = points[start : start + batch_size]
            # tokenising is CPU work: keep it off the caller's loop
            structs = await asyncio.to_thread(_point_structs, batch, dim, self.bm25)
            await self._call(client.upsert(collection, points=structs, wait=True))

    async def delete_points(self, collection: str, ids: list[str]) -> None:
        if not ids:
            return
        client = self._require()
        await self._call(
            client.delete(collection, points_selector=models.PointIdsList(points=list(ids)), wait=True)
        )

    async def delete_where(self, collection: str, document_id: str) -> None:
        """Delete every point of one document (payload `document_id`)."""
        client = self._require()
        selector = models.FilterSelector(filter=_filter(IndexFilters(document_ids=(document_id,))))
        await self._call(client.delete(collection, points_selector=selector, wait=True))

    async def count(self, collection: str, filters: IndexFilters | None = None) -> int:
        client = self._require()
        result = await self._call(client.count(collection, count_filter=_filter(filters), exact=True))
        return int(result.count)

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
        """The best `limit` chunks for a query, in one `query_points` call.

        `fusion`: "rrf" (reciprocal rank fusion) or "dbsf" (distribution-based score fusion) of
        the dense and lexical candidates (`prefetch_limit` of each, filters applied before the
        cut), or "dense" / "lexical" for one source alone (for comparison). Without a usable
        query vector (`dense` None, or a lexical-only collection) the search is lexical only;
        with no lexical terms in `text` it is dense only. `weights` (dense, lexical) and `rrf_k`
        tune RRF (Qdrant's default k is 2). Scores are fusion scores, or cosine / BM25 scores
        when one source answers: compare them within one search only.
        """
        if fusion not in FUSIONS:
            raise ValueError(f"fusion must be one of {', '.join(FUSIONS)}, not {fusion!r}")
        if fusion == "dbsf" and weights is not None:
            raise ValueError("weights apply to RRF fusion only")
        client = self._require()
        dim = await self._dim(collection)
        sources: list[tuple[str, Any]] = []
        if dense is not None and dim is not None and fusion != "lexical":
            if len(dense) != dim:
                raise ValueError(f"query vector has {len(dense)} dimensions, {collection} {dim}")
            sources.append((DENSE_VECTOR, dense))
        indices, values = sparse_query(text)
        if indices and (fusion != "dense" or not sources):
            sources.append((LEXICAL_VECTOR, models.SparseVector(indices=indices, values=values)))
        if not sources:
            return []
        query_filter = _filter(filters)
        if len(sources) == 1:
            using, vector = sources[0]
            request = client.query_points(
                collection,
                query=vector,
                using=using,
                query_filter=query_filter,
                limit=limit,
                with_payload=True,
                score_threshold=score_threshold,
            )
        else:
            # The top-level filter is propagated into the prefetches (server and local mode),
            # so each prefetch picks its candidates among the matching points only.
            prefetch = [
                models.Prefetch(query=vector, using=using, limit=max(prefetch_limit, limit))
                for using, vector in sources
            ]
            request = client.query_points(
                collection,
                prefetch=prefetch,
                query=_fusion_query(fusion, weights, rrf_k),
                query_filter=query_filter,
                limit=limit,
                with_payload=True,
                score_threshold=score_threshold,
            )
        response = await self._call(request)
        return [
            IndexHit(id=str(point.id), score=float(point.score), payload=dict(point.payload or {}))
            for point in response.points
        ]

    async def drop(self, collection: str) -> None:
        client = self._require()
        self._dims.pop(collection, None)
        if await self._call(client.collection_exists(collection)):
            await self._call(client.delete_collection(collection))

    async def ping(self) -> None:
        """One cheap request, so `doctor` can tell whether the server answers at all."""
        await self._call(self._require().get_collections())

    def _require(self) -> AsyncQdrantClient:
        if self._client is None:
            raise RuntimeError("BookIndex is not open: await index.open() first")
        return self._client

    async def _dim(self, collection: str) -> int | None:
        if collection not in self._dims:
            info = await self._call(self._require().get_collection(collection))
            self._dims[collection] = _layout(info)[0]
        return self._dims[collection]

    async def _call(self, request: Coroutine[Any, Any, T], runner: _LoopThread | None = None) -> T:
        runner = runner or self._runner
        if runner is None:
            return await request
        return await runner.run(request)


def _point_structs(
    points: Sequence[IndexPoint], dim: int | None, bm25: Bm25Params
) -> list[models.PointStruct]:
    structs = []
    for point in points:
        vector: dict[str, Any] = {}
        if point.dense is not None and dim is not None:
            if len(point.dense) != dim:
                raise ValueError(
                    f"point {point.id} has a {len(point.dense)}-dimensional vector, expected {dim}"
                )
            vector[DENSE_VECTOR] = point.dense
        indices, values = sparse_document(point.text, avg_len=bm25.avg_len, k1=bm25.k1, b=bm25.b)
        if indices:
            vector[LEXICAL_VECTOR] = models.SparseVector(indices=indices, values=values)
        structs.append(models.PointStruct(id=point.id, vector=vector, payload=point.payload))
    return structs


def _fusion_query(
    fusion: str, weights: tuple[float, float] | None, rrf_k: int | None
) -> models.FusionQuery | models.RrfQuery:
    if fusion == "dbsf":
        return models.FusionQuery(fusion=models.Fusion.DBSF)
    if weights is None and rrf_k is None:
        return models.FusionQuery(fusion=models.Fusion.RRF)
    return models.RrfQuery(rrf=models.Rrf(k=rrf_k, weights=list(weights) if weights is not None else None))


def _filter(filters: IndexFilters | None) -> models.Filter | None:
    if filters is None:
        return None
    must: list[models.Condition] = []

    def equals(key: str, value: object) -> None:
        if value is not None:
            must.append(models.FieldCondition(key=key, match=models.MatchValue(value=value)))

    def any_of(key: str, values: Sequence[str]) -> None:
        if values:
            must.append(models.FieldCondition(key=key, match=models.MatchAny(any=list(values))))

    equals("module", filters.module)
    equals("week", filters.week)
    equals("path", filters.path)
    any_of("path", filters.paths)
    equals("difficulty", filters.difficulty)
    equals("language", filters.language)
    any_of("document_id", filters.document_ids)
    any_of("audience", filters.audiences)  # a point without one matches none: fail closed
    return models.Filter(must=must) if must else None


def _layout(info: models.CollectionInfo) -> tuple[int | None, bool]:
    """(dense dimension or None, whether the lexical sparse vector has the IDF modifier)."""
    params = info.config.params
    vectors = params.vectors
    dim = None
    if isinstance(vectors, dict) and DENSE_VECTOR in vectors:
        dim = vectors[DENSE_VECTOR].size
    sparse = (params.sparse_vectors or {}).get(LEXICAL_VECTOR)
    return dim, sparse is not None and sparse.modifier == models.Modifier.IDF


class _LoopThread:
    """An event loop running in a daemon thread, for work that would block the caller's loop."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_forever()
        finally:
            self.loop.close()

    def start(self) -> None:
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T]) -> Awaitable[T]:
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self.loop))

    def stop(self) -> None:
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join()
