"""MemoryIndex: the same answers as BookIndex in qdrant-client local mode, and its own behaviour.

The equivalence tests load the same points into both (real book chunks when the corpus is
present, generated text otherwise; seeded dense vectors clustered by document, so the dense and
lexical candidates overlap) and compare every search: same ids in the same order, scores equal
to a relative 1e-4.
"""

from __future__ import annotations

import asyncio
import math
import random
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from core.books.index import Bm25Params, BookIndex, IndexFilters, IndexHit, IndexPoint
from core.books.layout import iter_book_files, load_document
from core.books.memory_index import MemoryIndex

BOOK = Path("/work/shared/corpora/physical-ai-humanoid-book")
COLLECTION = "book"
DIM = 48
CORPUS_SIZE = 420
BM25 = Bm25Params(avg_len=90.0)
FUSIONS = ("rrf", "dbsf", "dense", "lexical")


def point_id(key: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"studyhall-memory-index-test/{key}"))


@dataclass(frozen=True)
class Passage:
    key: str
    document: int
    path: str
    module: str | None
    headings: tuple[str, ...]
    text: str


@lru_cache(maxsize=1)
def passages() -> tuple[Passage, ...]:
    """About CORPUS_SIZE passages: real book chunks (a dozen per document) or generated text."""
    found: list[Passage] = []
    if BOOK.is_dir():
        for number, file in enumerate(iter_book_files(BOOK)):
            try:
                document = load_document(BOOK, file)
            except Exception:  # a broken file is no concern of these tests
                continue
            for chunk in document.chunks[:12]:
                found.append(
                    Passage(
                        key=f"{document.path}#{chunk.chunk_index}",
                        document=number,
                        path=document.path,
                        module=document.metadata.get("module"),
                        headings=chunk.headings,
                        text=chunk.text,
                    )
                )
            if len(found) >= CORPUS_SIZE:
                break
    if len(found) < 100:
        found = list(_generated_passages())
    return tuple(found[:CORPUS_SIZE])


def _generated_passages() -> list[Passage]:
    rng = random.Random(7)
    topics = [
        "ros2 node topic publisher subscriber rclpy spin callback qos launch parameter",
        "gazebo simulation world physics plugin sensor urdf sdf collision inertia",
        "isaac sim omniverse synthetic data domain randomization replicator camera",
        "humanoid balance zero moment point gait walking controller torque joint",
        "vision language action model transformer policy grasp manipulation token",
        "slam lidar odometry localization map pose graph loop closure kalman filter",
    ]
    common = "robot system data model control the of and with for using build test".split()
    found = []
    for document in range(36):
        words = topics[document % len(topics)].split()
        module = f"module{document % len(topics) + 1}"
        for index in range(12):
            length = rng.randint(8, 70)
            text = " ".join(rng.choice(words if rng.random() < 0.6 else common) for _ in range(length))
            if index % 5 == 0:
                text += f" max_rotation_attempts_{document % 4} getUserName"
            found.append(
                Passage(
                    key=f"doc{document}#{index}",
                    document=document,
                    path=f"{module}/doc{document}.md",
                    module=module,
                    headings=(f"Document {document}", f"Part {index}"),
                    text=text,
                )
            )
    return found


def unit(vector: np.ndarray) -> list[float]:
    return (vector / np.linalg.norm(vector)).tolist()


@lru_cache(maxsize=1)
def centroids() -> np.ndarray:
    return np.random.default_rng(11).normal(size=(200, DIM))


def passage_point(passage: Passage, number: int, rng: np.random.Generator) -> IndexPoint:
    dense = None
    if number % 17 != 5:  # every 17th point is lexical-only
        dense = unit(centroids()[passage.document] + 0.6 * rng.normal(size=DIM))
    text = " ".join(passage.headings) + "\n" + passage.text
    if number % 53 == 7:
        text = "the of and"  # no lexical terms: a dense-only point
    payload = {
        "document_id": f"doc-{passage.document}",
        "path": passage.path,
        "heading": passage.headings[-1] if passage.headings else "",
        "headings": list(passage.headings),
        "chunk_index": number,
        "module": passage.module,
        "week": passage.document % 5 + 1,
        "difficulty": ("intro", "advanced", "intro")[number % 3],
        "language": "en",
        "key": passage.key,
    }
    return IndexPoint(id=point_id(passage.key), dense=dense, text=text, payload=payload)


@lru_cache(maxsize=1)
def corpus_points() -> tuple[IndexPoint, ...]:
    rng = np.random.default_rng(3)
    return tuple(passage_point(p, i, rng) for i, p in enumerate(passages()))


WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{2,}")


@lru_cache(maxsize=1)
def queries() -> tuple[tuple[str, list[float] | None], ...]:
    """(text, dense) pairs: words drawn from passages with a vector near their document's,
    single frequent words (ties in BM25), identifiers, a query without terms, one without vector."""
    rng = random.Random(5)
    vectors = np.random.default_rng(9)
    found: list[tuple[str, list[float] | None]] = []
    chosen = rng.sample(list(passages()), 10)
    for passage in chosen:
        words = WORD.findall(passage.text) or ["robot"]
        text = " ".join(rng.sample(words, min(len(words), rng.randint(1, 4))))
        found.append((text, unit(centroids()[passage.document] + 0.8 * vectors.normal(size=DIM))))
    for text in ("robot", "simulation", "ROS 2 nodes and topics", "rclpy.init()", "max_rotation_attempts"):
        found.append((text, unit(vectors.normal(size=DIM))))
    found.append(("the of and", unit(vectors.normal(size=DIM))))  # no terms: dense only
    found.append(("sensor fusion for humanoid balance", None))  # no vector: lexical only
    return tuple(found)


def filter_sets(points: tuple[IndexPoint, ...]) -> list[IndexFilters]:
    modules = sorted({p.payload["module"] for p in points if p.payload["module"]})
    paths = sorted({p.payload["path"] for p in points})
    documents = sorted({p.payload["document_id"] for p in points})
    return [
        IndexFilters(module=modules[0]),
        IndexFilters(paths=(paths[1], paths[4], paths[-1])),
        IndexFilters(week=3),
        IndexFilters(document_ids=tuple(documents[2:6])),
        IndexFilters(difficulty="intro", language="en"),
        IndexFilters(module=modules[-1], week=2, difficulty="advanced"),
        IndexFilters(path=paths[2]),
        IndexFilters(module="no-such-module"),
        IndexFilters(),
    ]


OPTIONS: list[dict] = [
    {},
    {"limit": 3, "prefetch_limit": 2},
    {"limit": 25, "prefetch_limit": 40},
    {"rrf_k": 60},
    {"weights": (1.0, 3.0)},
    {"weights": (2.0, 0.5), "rrf_k": 5, "limit": 15},
    {"weights": (1.0, 0.0)},
    {"prefetch_limit": 1, "limit": 1},
]


def assert_same(
    expected: list[IndexHit], actual: list[IndexHit], context: object, *, exact: bool = False
) -> None:
    """Same ids in the same order, close scores. Unless `exact`, points whose scores tie to
    1e-9 may swap: cosine scores can differ from local mode's in the last bits (it
    re-normalises its stored vectors in place on every search). Lexical scores never do."""
    assert len(actual) == len(expected), (context, ids(expected), ids(actual))
    for position, (want, got) in enumerate(zip(expected, actual, strict=True)):
        assert math.isclose(got.score, want.score, rel_tol=1e-4, abs_tol=1e-9), (
            context,
            position,
            want,
            got,
        )
    payloads = {hit.id: hit.payload for hit in expected}
    assert all(hit.payload == payloads.get(hit.id) for hit in actual), context
    if ids(actual) != ids(expected):
        assert not exact, (context, ids(expected), ids(actual))
        assert tie_groups(expected) == tie_groups(actual), (context, ids(expected), ids(actual))


def ids(hits: list[IndexHit]) -> list[str]:
    return [hit.id for hit in hits]


def tie_groups(hits: list[IndexHit]) -> list[frozenset[str]]:
    groups: list[set[str]] = []
    previous = None
    for hit in hits:
        if previous is None or not math.isclose(hit.score, previous, rel_tol=1e-9, abs_tol=1e-12):
            groups.append(set())
        groups[-1].add(hit.id)
        previous = hit.score
    return [frozenset(group) for group in groups]


async def compare_searches(
    book: BookIndex, memory: MemoryIndex, points: tuple[IndexPoint, ...], every: int = 1
) -> int:
    """Run a grid of searches on both indexes and compare them; return how many ran."""
    filters = filter_sets(points)
    runs = 0
    for q, (text, dense) in enumerate(queries()):
        if q % every:
            continue
        for f, fusion in enumerate(FUSIONS):
            variants: list[dict] = [{}, {"filters": filters[(q + f) % len(filters)]}]
            option = dict(OPTIONS[(q * len(FUSIONS) + f) % len(OPTIONS)])
            if fusion == "dbsf":
                option.pop("weights", None)
            variants.append({**option, "filters": filters[(q + 2 * f + 3) % len(filters)]})
            for kwargs in variants:
                context = (text, fusion, kwargs)
                want = await book.search(COLLECTION, dense=dense, text=text, fusion=fusion, **kwargs)
                got = await memory.search(COLLECTION, dense=dense, text=text, fusion=fusion, **kwargs)
                assert_same(want, got, context, exact=fusion == "lexical" or dense is None)
                runs += 1
            # Thresholds. Lexical and RRF scores are exactly local mode's (RRF's depend on ranks
            # only), so a threshold right at a returned score must keep or cut it as local mode
            # does (BM25 compared in float32). Cosine scores may differ in the last bits (local
            # mode re-normalises its vectors in place on each search), so dense and DBSF
            # thresholds sit between two scores.
            base = await book.search(COLLECTION, dense=dense, text=text, fusion=fusion, limit=8)
            if len(base) > 3:
                if fusion in ("lexical", "rrf"):
                    thresholds = [base[3].score, round(base[2].score, 3)]
                elif base[2].score - base[3].score > 1e-6:
                    thresholds = [(base[2].score + base[3].score) / 2]
                else:
                    thresholds = []
                for threshold in thresholds:
                    kwargs = {"limit": 8, "score_threshold": threshold}
                    want = await book.search(COLLECTION, dense=dense, text=text, fusion=fusion, **kwargs)
                    got = await memory.search(COLLECTION, dense=dense, text=text, fusion=fusion, **kwargs)
                    assert_same(want, got, (text, fusion, kwargs))
                    runs += 1
    return runs


@pytest.fixture
async def both() -> AsyncIterator[tuple[BookIndex, MemoryIndex]]:
    async with BookIndex(bm25=BM25) as book, MemoryIndex(bm25=BM25) as memory:
        points = list(corpus_points())
        for index in (book, memory):
            assert await index.ensure_collection(COLLECTION, DIM) is True
            await index.upsert(COLLECTION, points, batch_size=100)
        yield book, memory


async def test_same_results_as_qdrant_local_mode(both: tuple[BookIndex, MemoryIndex]) -> None:
    book, memory = both
    points = corpus_points()
    assert await memory.count(COLLECTION) == await book.count(COLLECTION) == len(points)
    runs = await compare_searches(book, memory, points)
    assert runs > 150


async def test_same_results_after_deletes_and_upserts(both: tuple[BookIndex, MemoryIndex]) -> None:
    book, memory = both
    points = list(corpus_points())
    rng = np.random.default_rng(21)
    deleted = [p.id for p in points[10:40:3]] + [point_id("never-stored")]
    # revived: deleted, then upserted again with a new text and vector
    revived = [
        IndexPoint(p.id, unit(rng.normal(size=DIM)), p.text + " revived zygomorphic", p.payload)
        for p in points[10:25:3]
    ]
    # updated without a dense vector (local mode keeps the stale row, masked)
    undensed = [IndexPoint(p.id, None, p.text + " undensed", p.payload) for p in points[50:60:2]]
    # updated without lexical terms (the stale sparse vector stays, masked)
    unworded = [IndexPoint(p.id, p.dense, "and the of", p.payload) for p in points[70:80:2]]
    # updated payloads: moved to another module and week
    moved = [
        IndexPoint(p.id, p.dense, p.text, {**p.payload, "module": "moved", "week": 9})
        for p in points[90:100:2]
    ]
    fresh = [
        IndexPoint(
            point_id(f"fresh-{i}"),
            unit(centroids()[i] + 0.5 * rng.normal(size=DIM)) if i % 3 else None,
            f"fresh passage {i} about zygomorphic gait planners and robot simulation",
            {**points[i].payload, "document_id": f"doc-fresh-{i % 2}", "key": f"fresh-{i}"},
        )
        for i in range(12)
    ]
    document = points[200].payload["document_id"]
    for index in (book, memory):
        await index.delete_points(COLLECTION, deleted)
        await index.delete_where(COLLECTION, document)
        await index.delete_where(COLLECTION, "doc-nothing")
    # deletes alone change the candidates and the IDF (n and df) alike
    assert await memory.count(COLLECTION) == await book.count(COLLECTION) < len(points)
    await compare_searches(book, memory, tuple(points), every=3)
    for index in (book, memory):
        await index.upsert(COLLECTION, revived + undensed + unworded + moved)
        await index.upsert(COLLECTION, fresh, batch_size=5)
    assert await memory.count(COLLECTION) == await book.count(COLLECTION)
    await compare_searches(book, memory, tuple(points))
    for text in ("zygomorphic", "revived zygomorphic gait", "undensed", "fresh passage"):
        for fusion in FUSIONS:
            for filters in (None, IndexFilters(module="moved"), IndexFilters(document_ids=("doc-fresh-1",))):
                dense = unit(centroids()[3])
                kwargs = {"dense": dense, "text": text, "fusion": fusion, "filters": filters}
                want = await book.search(COLLECTION, **kwargs)
                got = await memory.search(COLLECTION, **kwargs)
                assert_same(want, got, (text, fusion, filters))
    # the deleted are gone, the revived back, the document's points gone
    hits = await memory.search(COLLECTION, dense=None, text="zygomorphic", limit=50)
    assert {revived_point.id for revived_point in revived} <= set(ids(hits))
    assert not set(deleted[5:-1]) & set(ids(hits))
    everything = await memory.search(COLLECTION, dense=unit(centroids()[0]), text="", limit=1000)
    assert all(hit.payload["document_id"] != document for hit in everything)


async def test_lexical_only_points_are_found() -> None:
    async with MemoryIndex() as index:
        await index.ensure_collection(COLLECTION, 3)
        await index.upsert(
            COLLECTION,
            [
                IndexPoint(point_id("a"), [1.0, 0.0, 0.0], "heap allocation", {"key": "a"}),
                IndexPoint(point_id("b"), None, "zygohistomorphic prepromorphism", {"key": "b"}),
                IndexPoint(point_id("c"), [0.0, 1.0, 0.0], "stack frames", {"key": "c"}),
            ],
        )
        text = "zygohistomorphic prepromorphism"
        hits = await index.search(COLLECTION, dense=[1.0, 0.0, 0.0], text=text, fusion="lexical")
        assert [hit.payload["key"] for hit in hits] == ["b"]
        hits = await index.search(COLLECTION, dense=[1.0, 0.0, 0.0], text=text)
        assert "b" in [hit.payload["key"] for hit in hits]
        dense_only = await index.search(COLLECTION, dense=[1.0, 0.0, 0.0], text=text, fusion="dense")
        assert "b" not in [hit.payload["key"] for hit in dense_only]


async def test_filters_restrict_candidates_before_the_cut() -> None:
    async with MemoryIndex() as index:
        await index.ensure_collection(COLLECTION, None)
        await index.upsert(
            COLLECTION,
            [
                IndexPoint(
                    point_id(f"p{i}"),
                    None,
                    "keys " * (1 + i % 4) + f"word{i}",
                    {
                        "module": f"m{i % 3}",
                        "week": i % 4,
                        "path": f"p{i % 5}.md",
                        "document_id": f"d{i % 6}",
                        "difficulty": "intro" if i % 2 else "advanced",
                        "language": "en",
                        "tags": ["a"],
                    },
                )
                for i in range(60)
            ],
        )

        async def search(filters: IndexFilters, **options: object) -> list[IndexHit]:
            return await index.search(COLLECTION, dense=None, text="keys", filters=filters, **options)

        hits = await search(IndexFilters(module="m1"), limit=100)
        assert len(hits) == 20 and {hit.payload["module"] for hit in hits} == {"m1"}
        hits = await search(IndexFilters(module="m2"), prefetch_limit=1, limit=1)
        assert [hit.payload["module"] for hit in hits] == ["m2"]
        hits = await search(IndexFilters(week=3, paths=("p1.md", "p3.md")), limit=100)
        assert hits and all(h.payload["week"] == 3 and h.payload["path"] in {"p1.md", "p3.md"} for h in hits)
        hits = await search(IndexFilters(document_ids=("d1", "d4"), difficulty="intro"), limit=100)
        assert {hit.payload["document_id"] for hit in hits} == {"d1"}  # d4's are all "advanced"
        assert await search(IndexFilters(week="3"), limit=100) == []  # type-strict: "3" is not 3
        assert await search(IndexFilters(language="fr")) == []
        assert len(await search(IndexFilters(), limit=100)) == 60


async def test_empty_collection_and_empty_queries() -> None:
    async with MemoryIndex() as index:
        await index.ensure_collection(COLLECTION, 4)
        for fusion in FUSIONS:
            assert await index.search(COLLECTION, dense=[0.5] * 4, text="robot", fusion=fusion) == []
        assert await index.count(COLLECTION) == 0
        await index.upsert(COLLECTION, [])
        await index.upsert(COLLECTION, [IndexPoint(point_id("a"), [0.5] * 4, "robot arm", {})])
        assert await index.search(COLLECTION, dense=None, text="the of and") == []
        assert await index.search(COLLECTION, dense=None, text="unrelated") == []
        hits = await index.search(COLLECTION, dense=[0.5] * 4, text="the of and")
        assert [hit.id for hit in hits] == [point_id("a")]
        assert hits[0].score == pytest.approx(1.0)


async def test_lexical_only_collection_ignores_dense_vectors() -> None:
    async with MemoryIndex() as index:
        assert await index.ensure_collection(COLLECTION, None) is True
        await index.upsert(
            COLLECTION,
            [
                IndexPoint(point_id("a"), [0.1] * 8, "merge sort halves", {"key": "a"}),
                IndexPoint(point_id("b"), None, "deadlock threads lock", {"key": "b"}),
            ],
        )
        hits = await index.search(COLLECTION, dense=[0.1] * 384, text="merge sort", fusion="dense")
        assert [hit.payload["key"] for hit in hits] == ["a"]


async def test_validation_and_errors() -> None:
    index = MemoryIndex()
    with pytest.raises(RuntimeError, match="open"):
        await index.count(COLLECTION)
    await index.open()
    await index.open()
    assert index.is_local
    with pytest.raises(ValueError, match="not found"):
        await index.search(COLLECTION, dense=None, text="x")
    await index.ensure_collection(COLLECTION, 2)
    good = IndexPoint(point_id("good"), [1.0, 0.0], "good point", {})
    with pytest.raises(ValueError, match="expected 2"):
        await index.upsert(COLLECTION, [good, IndexPoint(point_id("bad"), [1.0], "bad", {})])
    with pytest.raises(ValueError, match="UUID"):
        await index.upsert(COLLECTION, [good, IndexPoint("not-a-uuid", [1.0, 0.0], "bad", {})])
    assert await index.count(COLLECTION) == 0  # nothing of a rejected batch is applied
    await index.upsert(COLLECTION, [good])
    with pytest.raises(ValueError, match="fusion"):
        await index.search(COLLECTION, dense=[1.0, 0.0], text="good", fusion="max")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="RRF"):
        await index.search(COLLECTION, dense=[1.0, 0.0], text="good", fusion="dbsf", weights=(1.0, 1.0))
    with pytest.raises(ValueError, match="dimensions"):
        await index.search(COLLECTION, dense=[1.0, 0.0, 0.0], text="good")
    with pytest.raises(ValueError, match="NaN"):
        await index.search(COLLECTION, dense=[float("nan"), 0.0], text="good")
    # ids are stored canonically, as Qdrant stores UUIDs
    await index.upsert(COLLECTION, [IndexPoint(point_id("upper").upper(), [0.0, 1.0], "upper", {})])
    hits = await index.search(COLLECTION, dense=None, text="upper")
    assert [hit.id for hit in hits] == [point_id("upper")]
    await index.delete_points(COLLECTION, [point_id("upper").upper(), "not-a-uuid"])
    assert await index.search(COLLECTION, dense=None, text="upper") == []
    await index.close()
    await index.close()
    with pytest.raises(RuntimeError, match="open"):
        await index.count(COLLECTION)
    await index.open()  # a fresh, empty index
    assert await index.ensure_collection(COLLECTION, 2) is True


async def test_ensure_collection_keeps_or_recreates_and_drop() -> None:
    async with MemoryIndex() as index:
        assert await index.ensure_collection(COLLECTION, 2) is True
        await index.upsert(COLLECTION, [IndexPoint(point_id("a"), [1.0, 0.0], "heap", {})])
        assert await index.ensure_collection(COLLECTION, 2) is False
        assert await index.count(COLLECTION) == 1
        assert await index.ensure_collection(COLLECTION, 3) is True
        assert await index.count(COLLECTION) == 0
        assert await index.ensure_collection("other", None) is True
        await index.upsert("other", [IndexPoint(point_id("a"), None, "heap", {})])
        assert await index.count("other") == 1 and await index.count(COLLECTION) == 0
        await index.drop(COLLECTION)
        await index.drop(COLLECTION)
        with pytest.raises(ValueError, match="not found"):
            await index.count(COLLECTION)


async def test_returned_payloads_are_copies() -> None:
    async with MemoryIndex() as index:
        await index.ensure_collection(COLLECTION, None)
        await index.upsert(COLLECTION, [IndexPoint(point_id("a"), None, "heap", {"tags": ["x"]})])
        hit = (await index.search(COLLECTION, dense=None, text="heap"))[0]
        hit.payload["tags"].append("y")
        hit = (await index.search(COLLECTION, dense=None, text="heap"))[0]
        assert hit.payload == {"tags": ["x"]}


async def test_compaction_keeps_the_answers() -> None:
    rng = np.random.default_rng(4)
    words = "heap stack queue graph tree trie list array deque set map".split()

    def make(i: int) -> IndexPoint:
        text = " ".join(words[(i * 7 + j) % len(words)] for j in range(1 + i % 9)) + f" item{i % 13}"
        return IndexPoint(point_id(f"c{i}"), unit(rng.normal(size=8)), text, {"document_id": f"d{i % 10}"})

    points = [make(i) for i in range(1500)]
    survivors = [p for p in points if p.payload["document_id"] in {"d0", "d7"}]
    late = make(5000)
    async with MemoryIndex() as compacted, MemoryIndex() as fresh:
        await compacted.ensure_collection(COLLECTION, 8)
        await fresh.ensure_collection(COLLECTION, 8)
        await compacted.upsert(COLLECTION, points)
        for document in range(10):
            if document not in (0, 7):
                await compacted.delete_where(COLLECTION, f"d{document}")
        await compacted.upsert(COLLECTION, [late])  # its rebuild drops the 1200 dead slots
        await fresh.upsert(COLLECTION, [*survivors, late])
        assert await compacted.count(COLLECTION) == await fresh.count(COLLECTION) == 301
        for text in ("heap stack", "item3", "trie deque map"):
            for fusion in FUSIONS:
                dense = unit(rng.normal(size=8))
                kwargs = {"dense": dense, "text": text, "fusion": fusion, "limit": 20}
                want = await fresh.search(COLLECTION, **kwargs)
                got = await compacted.search(COLLECTION, **kwargs)
                assert [(h.id, h.score) for h in got] == [(h.id, h.score) for h in want]


async def test_searches_during_an_upsert_and_a_free_event_loop() -> None:
    async with MemoryIndex() as index:
        await index.ensure_collection(COLLECTION, 16)
        rng = np.random.default_rng(8)
        words = ["heap", "stack", "queue", "graph", "tree", "trie", "list", "array", "deque", "set"]
        first = [
            IndexPoint(point_id(f"s{i}"), unit(rng.normal(size=16)), f"{words[i % 10]} seed", {"module": "m"})
            for i in range(50)
        ]
        await index.upsert(COLLECTION, first)
        bulk = [
            IndexPoint(
                point_id(f"b{i}"),
                unit(rng.normal(size=16)) if i % 4 else None,
                " ".join(words[(i + j) % 10] + f"{i % 97}" for j in range(60)),
                {"module": f"m{i % 7}"},
            )
            for i in range(3000)
        ]
        ticks = 0
        results: list[int] = []
        writing = asyncio.create_task(index.upsert(COLLECTION, bulk))

        async def tick() -> None:
            nonlocal ticks
            while not writing.done():
                ticks += 1
                await asyncio.sleep(0)

        async def search() -> None:
            while not writing.done():
                hits = await index.search(
                    COLLECTION, dense=unit(rng.normal(size=16)), text="heap stack", limit=5
                )
                results.append(len(hits))
                await asyncio.sleep(0.001)

        await asyncio.gather(writing, tick(), search())
        assert ticks > 20  # the loop kept turning while 3000 texts were tokenised
        assert results and all(count == 5 for count in results)
        assert await index.count(COLLECTION) == 3050
        hits = await index.search(
            COLLECTION, dense=None, text="heap1 stack2", filters=IndexFilters(module="m1")
        )
        assert hits and {hit.payload["module"] for hit in hits} == {"m1"}


async def test_many_small_upserts_then_search() -> None:
    async with MemoryIndex() as index:
        await index.ensure_collection(COLLECTION, None)
        for i in range(300):
            await index.upsert(COLLECTION, [IndexPoint(point_id(f"x{i}"), None, f"entry{i} common", {})])
            if i % 50 == 0:
                assert len(await index.search(COLLECTION, dense=None, text="common", limit=500)) == i + 1
        hits = await index.search(COLLECTION, dense=None, text="entry123 common", limit=1)
        assert [hit.id for hit in hits] == [point_id("x123")]
        assert await index.count(COLLECTION) == 300


@pytest.mark.parametrize("seed", range(3))
async def test_random_operations_match_local_mode(seed: int) -> None:
    """Random upserts (some without a dense or lexical vector, many replacing points),
    deletes by id and by document, and searches with random options, on both indexes."""
    words = "heap stack queue graph tree trie list array deque set map node edge robot gait".split()
    r = random.Random(seed)
    rng = np.random.default_rng(seed)
    dim = 6
    keys = [f"r{i}" for i in range(120)]
    async with BookIndex() as book, MemoryIndex() as memory:
        for index in (book, memory):
            await index.ensure_collection(COLLECTION, dim)
        for step in range(50):
            operation = r.random()
            if operation < 0.45:
                batch = [
                    IndexPoint(
                        point_id(r.choice(keys)),
                        None if r.random() < 0.15 else unit(rng.normal(size=dim)),
                        "the of"
                        if r.random() < 0.08
                        else " ".join(r.choice(words) for _ in range(r.randint(1, 12))),
                        {
                            "document_id": f"d{r.randint(0, 5)}",
                            "module": r.choice(["a", "b", None]),
                            "week": r.randint(1, 3),
                        },
                    )
                    for _ in range(r.randint(1, 40))
                ]
                for index in (book, memory):
                    await index.upsert(COLLECTION, batch)
            elif operation < 0.6:
                doomed = [point_id(r.choice(keys)) for _ in range(r.randint(1, 15))]
                for index in (book, memory):
                    await index.delete_points(COLLECTION, doomed)
            elif operation < 0.67:
                document = f"d{r.randint(0, 5)}"
                for index in (book, memory):
                    await index.delete_where(COLLECTION, document)
            assert await book.count(COLLECTION) == await memory.count(COLLECTION)
            for _ in range(5):
                fusion = r.choice(FUSIONS)
                kwargs: dict = {
                    "text": " ".join(r.choice(words) for _ in range(r.randint(0, 3))),
                    "dense": None if r.random() < 0.2 else unit(rng.normal(size=dim)),
                    "fusion": fusion,
                    "limit": r.randint(1, 30),
                    "prefetch_limit": r.randint(1, 40),
                }
                if r.random() < 0.3:
                    kwargs["filters"] = IndexFilters(module=r.choice(["a", "b"]), week=r.choice([None, 1, 2]))
                if fusion == "rrf" and r.random() < 0.4:
                    kwargs["weights"] = (r.random() * 2, r.random() * 2)
                if fusion == "rrf" and r.random() < 0.3:
                    kwargs["rrf_k"] = r.randint(1, 80)
                want = await book.search(COLLECTION, **kwargs)
                got = await memory.search(COLLECTION, **kwargs)
                exact = fusion == "lexical" or kwargs["dense"] is None
                assert_same(want, got, (seed, step, kwargs), exact=exact)
