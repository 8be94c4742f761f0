"""The local embedding model, loaded once per test session."""

from __future__ import annotations

import pytest

from core.books.embeddings import FastEmbedEmbedder, load_embedder
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
