"""The local embedding model, loaded once per test session."""

from __future__ import annotations

import pytest

from core.books.embeddings import FastEmbedEmbedder, load_embedder
from core.books.library import EMBED_MAX_TOKENS
from tests.shared import MODEL_DIR


def _load(**options) -> FastEmbedEmbedder:
    if not MODEL_DIR.is_dir():
        pytest.skip(f"{MODEL_DIR} is absent")
    loaded = load_embedder(None, MODEL_DIR, None, **options)
    assert isinstance(loaded, FastEmbedEmbedder), loaded.reason
    return loaded


@pytest.fixture(scope="session")
def embedder() -> FastEmbedEmbedder:
    """The model as FastEmbed gives it (inputs cut at its trained length)."""
    return _load()


@pytest.fixture(scope="session")
def library_embedder() -> FastEmbedEmbedder:
    """The model as the library loads it."""
    return _load(max_tokens=EMBED_MAX_TOKENS)
