"""The vector index's value types, apart from the Qdrant adapter so that using them imports no
qdrant-client (which takes a second to load)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Fusion = Literal["rrf", "dbsf", "dense", "lexical"]
FUSIONS: tuple[str, ...] = ("rrf", "dbsf", "dense", "lexical")


@dataclass(frozen=True)
class IndexPoint:
    id: str  # a UUID string (the chunk id)
    dense: list[float] | None  # None when lexical-only or the chunk has no dense vector
    text: str  # text for the sparse vector (heading path + chunk text)
    payload: dict = field(default_factory=dict)


@dataclass(frozen=True)
class IndexFilters:
    module: str | None = None
    week: int | None = None
    path: str | None = None
    paths: tuple[str, ...] = ()
    difficulty: str | None = None
    language: str | None = None
    document_ids: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()  # payload `audience` in these (core.books.audience); () = any


@dataclass(frozen=True)
class IndexHit:
    id: str
    score: float
    payload: dict


@dataclass(frozen=True)
class Bm25Params:
    """Document-side BM25 parameters. `avg_len` is the mean chunk length in lexical terms."""

    avg_len: float = 120.0
    k1: float = 1.2
    b: float = 0.75
