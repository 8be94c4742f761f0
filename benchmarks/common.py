"""Helpers shared by the benchmarks: the shared textbook, an app on a data directory."""

from __future__ import annotations

import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BOOK = Path(
    os.environ.get("STUDYHALL_BENCH_BOOK", ROOT.parent / "shared" / "corpora" / "physical-ai-humanoid-book")
)
MODEL = Path(
    os.environ.get("STUDYHALL_BENCH_MODEL", ROOT.parent / "shared" / "models" / "all-MiniLM-L6-v2-int8")
)
QUESTIONS = ROOT / "benchmarks" / "questions"


def require_book() -> None:
    if not BOOK.is_dir():
        sys.exit(f"The shared textbook is not at {BOOK}; set STUDYHALL_BENCH_BOOK.")


def settings_for(home: Path):
    from core.settings import Settings

    return Settings(
        home=home, database_url=None, _env_file=None, embedding_model_path=MODEL if MODEL.is_dir() else None
    )


def load_questions(name: str) -> list[dict]:
    path = QUESTIONS / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else float("nan")
