"""Retrieval quality and speed on the shared textbook.

    python benchmarks/retrieval.py [--set dev|heldout|all] [--home DIR] [--show-misses]

Ingests the book (into DIR when given, so later runs reuse it), then asks every question of the
set and prints file recall@5, section recall@5, MRR@10 (by section) and search latency p50/p95
(in-process, query embedding included). Gold answers are `file#heading` in
benchmarks/questions/*.jsonl.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from common import BOOK, load_questions, mean, percentile, require_book, settings_for

from core.app import open_app
from core.books.search import Tuning


def _is_gold(hit, gold: list[dict]) -> bool:
    return any(hit.path == g["path"] and hit.heading == g["heading"] for g in gold)


async def evaluate(app, course, questions: list[dict], show_misses: bool) -> dict:
    file_hits, section_hits, reciprocal, latencies = [], [], [], []
    for q in questions:
        started = time.perf_counter()
        result = await app.library.search(course, q["q"], limit=10)
        latencies.append((time.perf_counter() - started) * 1000)
        top5 = result.hits[:5]
        gold_paths = {g["path"] for g in q["gold"]}
        file_hits.append(any(h.path in gold_paths for h in top5))
        section_hits.append(any(_is_gold(h, q["gold"]) for h in top5))
        rank = next((i for i, h in enumerate(result.hits[:10], 1) if _is_gold(h, q["gold"])), None)
        reciprocal.append(1 / rank if rank else 0.0)
        if show_misses and not section_hits[-1]:
            print(f"MISS {q['id']} {q['q']!r}\n  gold: {[g['path'] + '#' + g['heading'] for g in q['gold']]}")
            for h in top5:
                print(f"  got:  {h.path}#{h.heading}  {h.score:.3f}")
    return {
        "questions": len(questions),
        "file_recall@5": mean(file_hits),
        "section_recall@5": mean(section_hits),
        "mrr@10": mean(reciprocal),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("dev", "heldout", "all"), default="all")
    parser.add_argument("--home", type=Path, help="data directory to keep the ingested book in")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument(
        "--tune", action="append", default=[], help="override a search knob, e.g. --tune sibling_bonus=0.2"
    )
    args = parser.parse_args()
    require_book()
    home = args.home or Path(tempfile.mkdtemp(prefix="studyhall-bench-"))
    async with open_app(settings_for(home)) as app:
        course = await app.courses.get_or_create("physical-ai", "Physical AI & Humanoid Robotics")
        report = await app.library.ingest(course, BOOK)
        print(
            f"book: {report.summary()['unchanged'] + len(report.added) + len(report.changed)} files, "
            f"ingest {report.seconds:.1f} s ({len(report.added)} added, {report.embedded} embedded)"
        )
        await app.library.warm(course)
        if args.tune:
            search = (await app.library._parts())[1]
            changes = {}
            for item in args.tune:
                key, _, value = item.partition("=")
                changes[key] = eval(value)  # noqa: S307 - a developer's own command line
            search.tuning = replace(Tuning(), **changes)
        sets = ["retrieval_dev", "retrieval_heldout"] if args.set == "all" else [f"retrieval_{args.set}"]
        print(
            f"{'set':<18} {'n':>4} {'file R@5':>9} {'sect R@5':>9} {'MRR@10':>7} {'p50 ms':>7} {'p95 ms':>7}"
        )
        for name in sets:
            r = await evaluate(app, course, load_questions(name), args.show_misses)
            print(
                f"{name:<18} {r['questions']:>4} {r['file_recall@5']:>9.3f} "
                f"{r['section_recall@5']:>9.3f} {r['mrr@10']:>7.3f} {r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f}"
            )


if __name__ == "__main__":
    asyncio.run(main())
