"""The project's shared inputs beside the repository (../shared): the textbook and the model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("STUDYHALL_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpora" / "physical-ai-humanoid-book"
MODEL_DIR = SHARED / "models" / "all-MiniLM-L6-v2-int8"

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared textbook absent: {CORPUS}")
needs_model = pytest.mark.skipif(not MODEL_DIR.is_dir(), reason=f"embedding model absent: {MODEL_DIR}")
