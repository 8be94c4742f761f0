"""The embedding provider, against the real local model and real (unreachable) model hubs."""

from __future__ import annotations

import math
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from core.books.embeddings import (
    DEFAULT_MODEL,
    Embedder,
    EmbeddingsUnavailable,
    FastEmbedEmbedder,
    LexicalOnlyEmbedder,
    load_embedder,
)
from tests.shared import MODEL_DIR

needs_model = pytest.mark.skipif(not MODEL_DIR.is_dir(), reason=f"{MODEL_DIR} is absent")
FAST_FAIL_SECONDS = 10.0  # far below FastEmbed's ~39 s of download retries


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def norm(vector: list[float]) -> float:
    return math.sqrt(sum(x * x for x in vector))


@pytest.fixture
def silent_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A model hub that accepts connections and never answers, as a firewall that drops does."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    url = f"http://127.0.0.1:{server.getsockname()[1]}"
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "ENDPOINT", url)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    yield url
    server.close()


@needs_model
def test_local_folder_loads_with_dimension_and_name(embedder: FastEmbedEmbedder) -> None:
    assert isinstance(embedder, Embedder)
    assert embedder.available is True
    assert embedder.reason is None
    assert embedder.dim == 384
    assert embedder.name == DEFAULT_MODEL
    assert embedder.max_tokens == 256  # MiniLM's trained length, not the tokenizer's 512


@needs_model
def test_vectors_have_the_dimension_and_unit_length(embedder: FastEmbedEmbedder) -> None:
    passages = embedder.embed_passages(["Keys are rotated every ninety days.", "x" * 10, ""])
    query = embedder.embed_query("when are keys rotated?")
    for vector in [*passages, query]:
        assert len(vector) == 384
        assert norm(vector) == pytest.approx(1.0, abs=1e-4)
    assert embedder.embed_passages([]) == []


@needs_model
def test_related_sentence_is_nearer_than_unrelated(embedder: FastEmbedEmbedder) -> None:
    query = embedder.embed_query("How do I reset a forgotten password?")
    related, unrelated = embedder.embed_passages(
        [
            "To recover your account, request a password reset link by email.",
            "Photosynthesis turns sunlight, water and carbon dioxide into sugar.",
        ]
    )
    assert cosine(query, related) > cosine(query, unrelated) + 0.2


@needs_model
def test_passages_come_back_in_input_order(embedder: FastEmbedEmbedder) -> None:
    # embed_passages batches texts by length; the output must still follow the input
    texts = [
        "A long passage about binary search trees, their invariants and rotations. " * 5,
        "Short one.",
        "A medium passage on hash tables and collision resolution by chaining.",
    ]
    together = embedder.embed_passages(texts, batch_size=2)
    for text, vector in zip(texts, together, strict=True):
        alone = embedder.embed_passages([text])[0]
        assert cosine(alone, vector) > 0.999


@needs_model
def test_inputs_are_truncated_at_the_trained_length(embedder: FastEmbedEmbedder) -> None:
    head = " ".join(f"word{i} follows" for i in range(200))  # well over 256 word pieces
    first, second = embedder.embed_passages(
        [head + " the tail is about cats", head + " a different tail about ships"]
    )
    assert cosine(first, second) > 0.9999


@needs_model
def test_concurrent_calls_from_threads_agree_with_serial_ones(
    embedder: FastEmbedEmbedder,
) -> None:
    texts = [f"Chapter {i}: queues, stacks and the cost of operation {i}." for i in range(12)]
    serial = embedder.embed_passages(texts)
    with ThreadPoolExecutor(max_workers=4) as pool:
        chunks = list(pool.map(lambda i: embedder.embed_passages(texts[i : i + 3]), range(0, 12, 3)))
        queries = list(pool.map(embedder.embed_query, texts))
    parallel = [vector for chunk in chunks for vector in chunk]
    for a, b, q in zip(serial, parallel, queries, strict=True):
        assert cosine(a, b) > 0.9999
        assert cosine(a, q) > 0.9999


@needs_model
def test_query_cache_returns_fresh_copies(embedder: FastEmbedEmbedder) -> None:
    first = embedder.embed_query("what is a red-black tree?")
    first[0] = 123.0  # a caller mutating its result must not poison the cache
    second = embedder.embed_query("what is a red-black tree?")
    assert second[0] != 123.0
    assert norm(second) == pytest.approx(1.0, abs=1e-4)


@needs_model
def test_model_name_is_matched_case_insensitively_with_a_folder() -> None:
    loaded = load_embedder("Sentence-Transformers/ALL-MiniLM-L6-v2", MODEL_DIR, None)
    assert loaded.available is True
    assert loaded.name == DEFAULT_MODEL


@needs_model
def test_model_is_found_in_the_fastembed_cache_without_network(tmp_path: Path, silent_hub: str) -> None:
    # the layout huggingface_hub (and so FastEmbed) caches the default model in
    repo = tmp_path / "models--Qdrant--all-MiniLM-L6-v2-onnx"
    snapshot = repo / "snapshots" / "0123456789abcdef"
    snapshot.mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0123456789abcdef")
    for file in MODEL_DIR.iterdir():
        (snapshot / file.name).symlink_to(file)
    started = time.perf_counter()
    loaded = load_embedder(None, None, tmp_path)
    assert loaded.available is True, loaded.reason
    assert loaded.dim == 384
    assert time.perf_counter() - started < FAST_FAIL_SECONDS


def test_silent_hub_falls_back_to_lexical_only_fast(tmp_path: Path, silent_hub: str) -> None:
    started = time.perf_counter()
    loaded = load_embedder("BAAI/bge-small-en-v1.5", None, tmp_path, probe_timeout=1.0)
    elapsed = time.perf_counter() - started
    assert elapsed < FAST_FAIL_SECONDS
    assert isinstance(loaded, LexicalOnlyEmbedder)
    assert loaded.available is False
    assert loaded.dim is None
    assert loaded.requested == "BAAI/bge-small-en-v1.5"
    assert "STUDYHALL_EMBEDDING_MODEL_PATH=/path/to/model-folder" in loaded.reason
    assert "STUDYHALL_EMBEDDING_MODEL=<fastembed model name>" in loaded.reason
    assert "unreachable" in loaded.reason
    assert silent_hub in loaded.reason
    with pytest.raises(EmbeddingsUnavailable):
        loaded.embed_query("anything")
    with pytest.raises(EmbeddingsUnavailable):
        loaded.embed_passages(["anything"])


def test_unresolvable_hub_falls_back_fast(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "ENDPOINT", "http://studyhall-model-hub.invalid")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    started = time.perf_counter()
    loaded = load_embedder(None, None, tmp_path)
    assert time.perf_counter() - started < FAST_FAIL_SECONDS
    assert loaded.available is False
    assert loaded.dim is None
    assert "STUDYHALL_EMBEDDING_MODEL_PATH" in loaded.reason


def test_real_environment_without_a_cached_model_falls_back_fast(tmp_path: Path) -> None:
    """The machine's own network: here the hub is unreachable, which must be decided fast."""
    started = time.perf_counter()
    loaded = load_embedder("BAAI/bge-small-en-v1.5", None, tmp_path)
    elapsed = time.perf_counter() - started
    if loaded.available:
        pytest.skip("the model hub is reachable from this machine; the model was downloaded")
    assert elapsed < FAST_FAIL_SECONDS
    assert "STUDYHALL_EMBEDDING_MODEL=<fastembed model name>" in loaded.reason


def test_offline_setting_is_honoured_without_probing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    loaded = load_embedder("BAAI/bge-small-en-v1.5", None, tmp_path)
    assert loaded.available is False
    assert "HF_HUB_OFFLINE" in loaded.reason


def test_unknown_model_name_explains_itself(tmp_path: Path) -> None:
    loaded = load_embedder("acme/no-such-model", None, tmp_path)
    assert loaded.available is False
    assert "acme/no-such-model" in loaded.reason
    assert "STUDYHALL_EMBEDDING_MODEL_PATH" in loaded.reason


def test_missing_folder_falls_back_with_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    loaded = load_embedder(None, missing, None)
    assert loaded.available is False
    assert f"STUDYHALL_EMBEDDING_MODEL_PATH={missing}" in loaded.reason
    assert "not a folder" in loaded.reason


def test_folder_without_the_model_file_lists_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "tokenizer.json").write_text("{}")
    loaded = load_embedder(None, tmp_path, None)
    assert loaded.available is False
    assert "model.onnx" in loaded.reason
    assert "tokenizer_config.json" in loaded.reason


def test_corrupt_model_file_falls_back(tmp_path: Path) -> None:
    for name in ("model.onnx", "tokenizer.json", "tokenizer_config.json"):
        (tmp_path / name).write_text("not really")
    loaded = load_embedder(None, tmp_path, None)
    assert loaded.available is False
    assert "did not load" in loaded.reason


def test_probe_is_bounded_even_when_nothing_answers(silent_hub: str) -> None:
    from core.books import embeddings

    started = time.perf_counter()
    reachable, problem = embeddings._reachable(silent_hub, 0.5)
    assert time.perf_counter() - started < 3.0
    assert reachable is False
    assert "no answer" in problem or "timed out" in problem


def test_probe_counts_any_http_answer_as_reachable() -> None:
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class NotFound(BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        from core.books import embeddings

        reachable, _ = embeddings._reachable(f"http://127.0.0.1:{server.server_port}/x", 2.0)
    finally:
        server.shutdown()
        server.server_close()
    assert reachable is True
