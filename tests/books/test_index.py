"""The hybrid index, against a real in-memory Qdrant and the real local embedding model."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.books.embeddings import FastEmbedEmbedder
from core.books.index import BookIndex, IndexFilters, IndexHit, IndexPoint

COLLECTION = "book"

# (key, module, week, difficulty, text)
PASSAGES = [
    (
        "hash",
        "data-structures",
        1,
        "intro",
        "A hash table maps keys to buckets with a hash function; collisions are resolved by "
        "chaining entries in a linked list or by open addressing.",
    ),
    (
        "bst",
        "data-structures",
        2,
        "intro",
        "A binary search tree keeps smaller keys in the left subtree and larger keys in the right "
        "subtree, so lookups follow one path from the root.",
    ),
    (
        "tls",
        "security",
        3,
        "advanced",
        "TLS certificates expire, so servers renew them before the expiry date; the handshake "
        "checks the certificate chain against trusted roots.",
    ),
    (
        "rotation",
        "security",
        4,
        "advanced",
        "Set max_rotation_attempts to bound how many times a failed key rotation is retried "
        "before the operator is paged.",
    ),
    (
        "gc",
        "runtime",
        5,
        "advanced",
        "The garbage collector frees memory that no live reference can reach, pausing the program "
        "briefly while it marks and sweeps the heap.",
    ),
    (
        "deadlock",
        "concurrency",
        6,
        "advanced",
        "A deadlock occurs when two threads each hold a lock the other one is waiting for, so "
        "neither can ever proceed.",
    ),
    (
        "recursion",
        "algorithms",
        7,
        "intro",
        "A recursive function calls itself on a smaller input and needs a base case that stops "
        "the recursion.",
    ),
    (
        "sorting",
        "algorithms",
        8,
        "intro",
        "Merge sort splits the list in halves, sorts each half and merges the sorted halves in linear time.",
    ),
]


def chunk_id(key: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"studyhall-test/{key}"))


def payload(key: str, module: str, week: int, difficulty: str) -> dict:
    return {
        "document_id": f"doc-{module}",
        "path": f"{module}.md",
        "heading": key,
        "headings": [module, key],
        "anchor": key,
        "chunk_index": week,
        "module": module,
        "week": week,
        "difficulty": difficulty,
        "language": "en",
    }


def keys(hits: list[IndexHit]) -> list[str]:
    return [hit.payload["heading"] for hit in hits]


@pytest.fixture(scope="module")
def passage_vectors(embedder: FastEmbedEmbedder) -> dict[str, list[float]]:
    vectors = embedder.embed_passages([text for *_, text in PASSAGES])
    return {key: vector for (key, *_), vector in zip(PASSAGES, vectors, strict=True)}


@pytest.fixture
async def index() -> AsyncIterator[BookIndex]:
    async with BookIndex() as opened:
        yield opened


@pytest.fixture
async def hybrid(index: BookIndex, passage_vectors: dict[str, list[float]]) -> BookIndex:
    assert await index.ensure_collection(COLLECTION, 384) is True
    await index.upsert(
        COLLECTION,
        [
            IndexPoint(
                id=chunk_id(key),
                dense=passage_vectors[key],
                text=f"{module} > {key}\n{text}",
                payload=payload(key, module, week, difficulty),
            )
            for key, module, week, difficulty, text in PASSAGES
        ],
        batch_size=3,
    )
    return index


@pytest.fixture
async def lexical_only(index: BookIndex) -> BookIndex:
    assert await index.ensure_collection(COLLECTION, None) is True
    await index.upsert(
        COLLECTION,
        [
            IndexPoint(
                id=chunk_id(key),
                dense=None,
                text=text,
                payload=payload(key, module, week, difficulty),
            )
            for key, module, week, difficulty, text in PASSAGES
        ],
    )
    return index


async def test_hybrid_search_finds_the_passage_a_paraphrase_means(
    hybrid: BookIndex, embedder: FastEmbedEmbedder
) -> None:
    # barely a word in common with the deadlock passage
    question = "why would my program freeze forever when two workers wait on each other?"
    hits = await hybrid.search(COLLECTION, dense=embedder.embed_query(question), text=question)
    assert keys(hits)[0] == "deadlock"
    assert hits[0].id == chunk_id("deadlock")
    assert hits[0].score >= hits[-1].score

    question = "how do I make the retry limit for swapping keys smaller?"
    for fusion in ("rrf", "dbsf"):
        hits = await hybrid.search(
            COLLECTION, dense=embedder.embed_query(question), text=question, fusion=fusion
        )
        assert keys(hits)[0] == "rotation", fusion


async def test_identifier_query_ranks_the_chunk_with_it_first(
    hybrid: BookIndex, embedder: FastEmbedEmbedder
) -> None:
    text = "max_rotation_attempts"
    lexical = await hybrid.search(COLLECTION, dense=None, text=text)
    assert keys(lexical) == ["rotation"]  # only that chunk holds any of the terms
    fused = await hybrid.search(COLLECTION, dense=embedder.embed_query(text), text=text)
    assert keys(fused)[0] == "rotation"


async def test_single_source_modes_and_tuning_options(hybrid: BookIndex, embedder: FastEmbedEmbedder) -> None:
    question = "garbage collector pauses"
    vector = embedder.embed_query(question)
    dense = await hybrid.search(COLLECTION, dense=vector, text=question, fusion="dense", limit=3)
    assert keys(dense)[0] == "gc" and len(dense) == 3
    assert 0.0 < dense[0].score <= 1.0 + 1e-6  # cosine
    lexical = await hybrid.search(COLLECTION, dense=vector, text=question, fusion="lexical")
    assert keys(lexical) == ["gc"]
    weighted = await hybrid.search(
        COLLECTION, dense=vector, text=question, weights=(1.0, 3.0), rrf_k=60, prefetch_limit=5
    )
    assert keys(weighted)[0] == "gc"
    # "dense" without a query vector falls back to what there is: the lexical match
    assert keys(await hybrid.search(COLLECTION, dense=None, text=question, fusion="dense")) == ["gc"]
    with pytest.raises(ValueError, match="fusion"):
        await hybrid.search(COLLECTION, dense=vector, text=question, fusion="max")
    with pytest.raises(ValueError, match="RRF"):
        await hybrid.search(COLLECTION, dense=vector, text=question, fusion="dbsf", weights=(1.0, 1.0))
    with pytest.raises(ValueError, match="dimensions"):
        await hybrid.search(COLLECTION, dense=[1.0, 0.0], text=question)
    # no terms and no vector: nothing to look for
    assert await hybrid.search(COLLECTION, dense=None, text="the of and") == []


async def test_filters_restrict_results(hybrid: BookIndex, embedder: FastEmbedEmbedder) -> None:
    question = "how are keys stored and looked up?"
    vector = embedder.embed_query(question)

    async def search(filters: IndexFilters, **options: object) -> list[IndexHit]:
        options.setdefault("limit", 10)
        return await hybrid.search(COLLECTION, dense=vector, text=question, filters=filters, **options)

    unfiltered = await hybrid.search(COLLECTION, dense=vector, text=question, limit=10)
    assert {hit.payload["module"] for hit in unfiltered} > {"security"}

    hits = await search(IndexFilters(module="security"))
    assert hits and {hit.payload["module"] for hit in hits} == {"security"}
    # filters apply before each prefetch's cut: one candidate each is still a matching one
    hits = await search(IndexFilters(module="security"), prefetch_limit=1, limit=1)
    assert [hit.payload["module"] for hit in hits] == ["security"]
    assert keys(await search(IndexFilters(week=2))) == ["bst"]
    hits = await search(IndexFilters(paths=("runtime.md", "algorithms.md")))
    assert {hit.payload["path"] for hit in hits} == {"runtime.md", "algorithms.md"}
    assert len(hits) == 3
    hits = await search(IndexFilters(difficulty="intro", language="en"))
    assert {hit.payload["heading"] for hit in hits} == {"hash", "bst", "recursion", "sorting"}
    hits = await search(IndexFilters(document_ids=("doc-security", "doc-concurrency")))
    assert {hit.payload["heading"] for hit in hits} == {"tls", "rotation", "deadlock"}
    hits = await search(IndexFilters(path="security.md", difficulty="advanced", week=3))
    assert keys(hits) == ["tls"]
    assert await search(IndexFilters(language="fr")) == []
    lexical = await hybrid.search(
        COLLECTION, dense=None, text="keys", filters=IndexFilters(module="data-structures")
    )
    assert set(keys(lexical)) == {"hash", "bst"}


async def test_delete_where_removes_a_documents_points(
    hybrid: BookIndex, embedder: FastEmbedEmbedder
) -> None:
    assert await hybrid.count(COLLECTION) == len(PASSAGES)
    await hybrid.delete_where(COLLECTION, "doc-security")
    assert await hybrid.count(COLLECTION) == len(PASSAGES) - 2
    question = "certificate expiry and key rotation"
    hits = await hybrid.search(COLLECTION, dense=embedder.embed_query(question), text=question)
    assert hits
    assert all(hit.payload["document_id"] != "doc-security" for hit in hits)
    await hybrid.delete_where(COLLECTION, "doc-nothing")  # no match, no error
    assert await hybrid.count(COLLECTION) == len(PASSAGES) - 2


async def test_delete_points_and_upsert_replaces(
    hybrid: BookIndex, passage_vectors: dict[str, list[float]]
) -> None:
    await hybrid.delete_points(COLLECTION, [chunk_id("gc"), chunk_id("sorting")])
    await hybrid.delete_points(COLLECTION, [])
    assert await hybrid.count(COLLECTION) == len(PASSAGES) - 2
    assert await hybrid.search(COLLECTION, dense=None, text="garbage collector") == []
    # upserting an existing id replaces the point, text and payload included
    replacement = IndexPoint(
        id=chunk_id("bst"),
        dense=passage_vectors["bst"],
        text="Red-black trees recolour nodes after insertion.",
        payload={**payload("bst", "data-structures", 2, "intro"), "heading": "red-black"},
    )
    await hybrid.upsert(COLLECTION, [replacement])
    assert await hybrid.count(COLLECTION) == len(PASSAGES) - 2
    assert keys(await hybrid.search(COLLECTION, dense=None, text="recolour")) == ["red-black"]
    assert await hybrid.search(COLLECTION, dense=None, text="subtree") == []


async def test_points_without_a_dense_vector_are_found_lexically(
    hybrid: BookIndex, embedder: FastEmbedEmbedder
) -> None:
    await hybrid.upsert(
        COLLECTION,
        [
            IndexPoint(
                id=chunk_id("late"),
                dense=None,
                text="The zygohistomorphic prepromorphism is a recursion scheme.",
                payload=payload("late", "algorithms", 9, "advanced"),
            )
        ],
    )
    question = "zygohistomorphic prepromorphism"
    vector = embedder.embed_query(question)
    assert keys(await hybrid.search(COLLECTION, dense=vector, text=question, fusion="lexical")) == ["late"]
    # In a fusion it has the lexical vote only. First there, under RRF it can at best tie with
    # the dense favourite; under DBSF a lone lexical hit is normalised to a flat 0.5, below the
    # dense leaders. Found it must be, all the same.
    hits = await hybrid.search(COLLECTION, dense=vector, text=question)
    assert "late" in keys(hits)[:2]
    hits = await hybrid.search(COLLECTION, dense=vector, text=question, fusion="dbsf")
    assert "late" in keys(hits)
    hits = await hybrid.search(COLLECTION, dense=vector, text=question, weights=(1.0, 1.5))
    assert keys(hits)[0] == "late"


async def test_lexical_only_collection_works(lexical_only: BookIndex) -> None:
    assert await lexical_only.count(COLLECTION) == len(PASSAGES)
    hits = await lexical_only.search(COLLECTION, dense=None, text="deadlock threads lock")
    assert keys(hits)[0] == "deadlock"
    # a query vector is ignored when the collection has no dense vectors
    hits = await lexical_only.search(COLLECTION, dense=[0.1] * 384, text="merge sort halves")
    assert keys(hits)[0] == "sorting"
    hits = await lexical_only.search(
        COLLECTION, dense=None, text="keys", filters=IndexFilters(module="security")
    )
    assert set(keys(hits)) == {"rotation"}
    # dense vectors offered to a lexical-only collection are dropped, not an error
    await lexical_only.upsert(
        COLLECTION,
        [
            IndexPoint(
                id=chunk_id("extra"),
                dense=[0.5] * 384,
                text="quicksort pivots",
                payload=payload("extra", "algorithms", 9, "intro"),
            )
        ],
    )
    assert keys(await lexical_only.search(COLLECTION, dense=None, text="pivot")) == ["extra"]


async def test_ensure_collection_keeps_or_recreates(
    index: BookIndex, passage_vectors: dict[str, list[float]]
) -> None:
    assert await index.ensure_collection(COLLECTION, 384) is True
    await index.upsert(
        COLLECTION,
        [IndexPoint(id=chunk_id("gc"), dense=passage_vectors["gc"], text="garbage", payload={})],
    )
    assert await index.ensure_collection(COLLECTION, 384) is False  # same layout: kept
    assert await index.count(COLLECTION) == 1
    assert await index.ensure_collection(COLLECTION, 768) is True  # new model: recreated empty
    assert await index.count(COLLECTION) == 0
    with pytest.raises(ValueError, match="768"):
        await index.upsert(
            COLLECTION, [IndexPoint(id=chunk_id("gc"), dense=[0.1] * 384, text="x", payload={})]
        )
    assert await index.ensure_collection(COLLECTION, None) is True
    await index.drop(COLLECTION)
    await index.drop(COLLECTION)  # dropping a missing collection is fine
    assert await index.ensure_collection(COLLECTION, None) is True


async def test_collections_are_independent(index: BookIndex) -> None:
    await index.ensure_collection("first", None)
    await index.ensure_collection("second", None)
    await index.upsert("first", [IndexPoint(id=chunk_id("a"), dense=None, text="heap", payload={})])
    assert await index.count("first") == 1
    assert await index.count("second") == 0


async def test_search_does_not_block_the_callers_event_loop(index: BookIndex) -> None:
    # local mode computes synchronously; it must run off the caller's loop
    await index.ensure_collection(COLLECTION, None)
    words = ["heap", "stack", "queue", "graph", "tree", "trie", "list", "array", "deque", "set"]
    await index.upsert(
        COLLECTION,
        [
            IndexPoint(
                id=str(uuid.uuid4()),
                dense=None,
                payload={"module": f"m{i % 7}"},
                text=" ".join(words[(i + j) % 10] + f"{i % 97}" for j in range(60)),
            )
            for i in range(2000)
        ],
    )
    ticks = 0
    done = asyncio.Event()

    async def tick() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0)
    before = ticks
    hits = await index.search(
        COLLECTION, dense=None, text="heap1 stack2 queue3", filters=IndexFilters(module="m1")
    )
    during = ticks - before
    done.set()
    await ticker
    assert hits
    assert during > 1


async def test_requires_open_and_reopens() -> None:
    index = BookIndex()
    with pytest.raises(RuntimeError, match="open"):
        await index.count(COLLECTION)
    await index.open()
    await index.open()  # idempotent
    await index.ensure_collection(COLLECTION, None)
    await index.close()
    await index.close()
    with pytest.raises(RuntimeError, match="open"):
        await index.count(COLLECTION)
    await index.open()  # a fresh, empty in-memory index
    assert await index.ensure_collection(COLLECTION, None) is True
    await index.close()


async def test_local_path_is_persisted_between_opens(tmp_path: Path) -> None:
    location = str(tmp_path / "qdrant")
    async with BookIndex(location=location) as index:
        await index.ensure_collection(COLLECTION, None)
        await index.upsert(COLLECTION, [IndexPoint(id=chunk_id("a"), dense=None, text="heap", payload={})])
    async with BookIndex(location=location) as index:
        assert await index.ensure_collection(COLLECTION, None) is False
        hits = await index.search(COLLECTION, dense=None, text="heap")
        assert [hit.id for hit in hits] == [chunk_id("a")]
