"""The lexical tokenizer and BM25 sparse vectors, ranked by a real in-memory Qdrant."""

from __future__ import annotations

import uuid

import pytest
from qdrant_client import QdrantClient, models

from core.books.lexical import (
    sparse_document,
    sparse_query,
    token_index,
    tokenize,
)


def term(word: str) -> str:
    """The index term of a single plain word (so the tests don't hard-code stems)."""
    (only,) = tokenize(word)
    return only


def test_identifiers_are_kept_whole_and_split_into_parts() -> None:
    terms = tokenize("Raise max_rotation_attempts when keys fail.")
    assert "max_rotation_attempts" in terms
    assert {term("max"), term("rotation"), term("attempts")} <= set(terms)


def test_camel_case_gives_the_whole_and_its_parts() -> None:
    terms = tokenize("Call getUserName() on the HTTPServer")
    assert "getusername" in terms
    assert {term("get"), term("user"), term("name")} <= set(terms)
    assert "httpserver" in terms
    assert {term("http"), term("server")} <= set(terms)


def test_dotted_and_namespaced_names_are_kept_whole() -> None:
    terms = tokenize("Use os.path.join, std::vector and src/app.py (Python 3.11).")
    assert {"os.path.join", "std::vector", "src/app.py", "3.11"} <= set(terms)
    assert {term("path"), term("join"), term("vector")} <= set(terms)


def test_lowercase_stopwords_and_stemming() -> None:
    assert tokenize("The AND of it") == []
    assert tokenize("Attempts") == tokenize("attempt")
    assert tokenize("Rotating") == tokenize("rotation")
    assert tokenize("QUERIES") == tokenize("query")
    # stopwords inside an identifier still leave the identifier whole
    assert "is_valid" in tokenize("is_valid")
    # single letters carry nothing, digits do
    assert tokenize("a b 7") == ["7"]
    # `e.g` is not an identifier
    assert "e.g" not in tokenize("e.g. a tree")


def test_token_index_is_stable_and_31_bit() -> None:
    assert token_index("rotat") == token_index("rotat")
    assert token_index("rotat") != token_index("attempt")
    indices = [token_index(word) for word in ("a", "max_rotation_attempts", "ünïcode", "3.11")]
    assert all(0 <= index < 2**31 for index in indices)
    # pinned: the index must not change between releases, or stored vectors stop matching
    assert token_index("max_rotation_attempts") == 1105002564


def test_document_weights_saturate_and_normalise_by_length() -> None:
    def weight(text: str, word: str) -> float:
        indices, values = sparse_document(text)
        return dict(zip(indices, values, strict=True))[token_index(term(word))]

    once = weight("rotation keys", "rotation")
    thrice = weight("rotation rotation rotation keys", "rotation")
    assert 0 < once < thrice < 1.2 + 1  # never above k1 + 1
    padding = " ".join(f"filler{i}" for i in range(300))
    assert weight(f"rotation keys {padding}", "rotation") < once

    indices, values = sparse_document("alpha beta alpha gamma")
    assert indices == sorted(set(indices))
    assert len(values) == len(indices) == 3
    assert sparse_document("") == ([], [])
    assert sparse_document("the of and") == ([], [])


def test_query_has_one_unit_weight_per_distinct_term() -> None:
    indices, values = sparse_query("rotation rotation attempts max_rotation_attempts")
    assert indices == sorted(set(indices))
    assert values == [1.0] * len(indices)
    assert len(indices) == 4  # rotat, attempt, the identifier whole, max
    assert sparse_query("the") == ([], [])


CHUNKS = {
    "identifier": "Set max_rotation_attempts to bound how often a key rotation is retried.",
    "rotation": "Key rotation replaces old keys. Rotation runs nightly; rotation logs are kept.",
    "attempts": "Login attempts are counted and failed attempts lock the account.",
    "max": "The max function returns the largest item; max accepts a key function.",
    "prose": "Rotation attempts beyond the maximum are abandoned by the scheduler.",
    "unrelated": "Binary trees keep their keys ordered for fast lookups.",
}


@pytest.fixture
def lexical_collection() -> QdrantClient:
    client = QdrantClient(location=":memory:")
    client.create_collection(
        "chunks",
        vectors_config={},
        sparse_vectors_config={"lexical": models.SparseVectorParams(modifier=models.Modifier.IDF)},
    )
    points = []
    for name, text in CHUNKS.items():
        indices, values = sparse_document(text, avg_len=12.0)
        points.append(
            models.PointStruct(
                id=str(uuid.uuid5(uuid.NAMESPACE_URL, name)),
                vector={"lexical": models.SparseVector(indices=indices, values=values)},
                payload={"name": name},
            )
        )
    client.upsert("chunks", points)
    yield client
    client.close()


def ranked(client: QdrantClient, text: str) -> list[str]:
    indices, values = sparse_query(text)
    response = client.query_points(
        "chunks",
        query=models.SparseVector(indices=indices, values=values),
        using="lexical",
        limit=10,
    )
    return [point.payload["name"] for point in response.points]


def test_identifier_query_ranks_the_chunk_containing_it_first(
    lexical_collection: QdrantClient,
) -> None:
    names = ranked(lexical_collection, "max_rotation_attempts")
    assert names[0] == "identifier"
    assert "prose" in names  # its parts still match chunks without the identifier
    assert "unrelated" not in names


def test_identifier_parts_find_the_identifier(lexical_collection: QdrantClient) -> None:
    names = ranked(lexical_collection, "how many rotation attempts?")
    assert names[:2] and set(names[:2]) == {"identifier", "prose"}
    names = ranked(lexical_collection, "getMaxRotationAttempts")  # camelCase spelling
    assert names[0] in {"identifier", "prose"}
