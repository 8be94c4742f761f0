"""Leaderboard and chart speed: 10,000 students × 13 units, on SQLite and PostgreSQL.

    python benchmarks/progress.py [--students 10000]

Loads the class through the store's bulk import (each student's 13 units), recomputes the
standings, then times the live leaderboard (top 10 plus the asking student's own rank) and the
charts. PostgreSQL runs in a throwaway database on STUDYHALL_BENCH_POSTGRES_URL (default: the
local test server) and is left out, with a note, when no server answers.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import percentile, settings_for
from store import drop_postgres, postgres_database

from core.app import open_app
from core.models.progress import Unit
from core.progress import charts

UNITS = 13


async def bench(settings, students: int) -> dict[str, float]:
    async with open_app(settings) as app:
        course = await app.courses.create("bench", "Benchmark course")
        units = [
            Unit(id=f"week-{n}", title=f"Week {n}", kind="week", position=n - 1, chapters=[f"week-{n}.md"])
            for n in range(1, UNITS + 1)
        ]
        rng = random.Random(42)
        start = datetime(2026, 9, 1, tzinfo=UTC)
        loaded = time.perf_counter()
        async with app.store.transaction() as s:
            await s.progress.replace_units(course.id, units)
            ids = []
            for i in range(students):
                user = await s.users.insert(f"Student {i:05d}", start)
                await s.enrollments.insert_if_absent(
                    user.id, course.id, "student", rng.random() > 0.05, start
                )
                ids.append(user.id)
            rows = []
            for user_id in ids:
                done = rng.randint(0, UNITS)
                for n, unit in enumerate(units):
                    completed = n < done
                    when = start + timedelta(hours=rng.randint(0, 2000))
                    score = float(rng.randint(40, 100)) if completed and rng.random() > 0.3 else None
                    rows.append(
                        (
                            user_id,
                            unit.id,
                            completed,
                            when if completed else None,
                            100 if completed else rng.randint(0, 80),
                            score,
                            score,
                            when,
                        )
                    )
            await s.progress.import_unit_progress(course.id, rows)
        await app.tracking.recompute_standings(course)
        load_s = time.perf_counter() - loaded
        viewer = ids[students // 2]
        await app.leaderboards.board(course, viewer_id=viewer)  # the first look also freezes a week
        board_ms = []
        for _ in range(30):
            t = time.perf_counter()
            board = await app.leaderboards.board(course, viewer_id=viewer)
            board_ms.append((time.perf_counter() - t) * 1000)
        chart_ms = []
        for _ in range(10):
            t = time.perf_counter()
            charts.leaderboard_chart(
                [
                    charts.BoardRow(
                        rank=r.rank, name=r.display_name, completion=r.completion, quiz_average=r.quiz_average
                    )
                    for r in board.rows
                ],
                title="Leaderboard",
            )
            chart_ms.append((time.perf_counter() - t) * 1000)
        return {
            "load_s": load_s,
            "board_p50": percentile(board_ms, 50),
            "board_p95": percentile(board_ms, 95),
            "chart_p50": percentile(chart_ms, 50),
            "chart_p95": percentile(chart_ms, 95),
        }


def _print(label: str, r: dict[str, float]) -> None:
    print(
        f"{label:<11} load {r['load_s']:>6.1f} s   leaderboard p50 {r['board_p50']:>6.1f} ms  "
        f"p95 {r['board_p95']:>6.1f} ms   chart p50 {r['chart_p50']:>6.1f} ms  p95 {r['chart_p95']:>6.1f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10_000)
    args = parser.parse_args()
    print(f"{args.students} students × {UNITS} units")
    with tempfile.TemporaryDirectory(prefix="studyhall-progress-") as home:
        _print("sqlite", await bench(settings_for(Path(home)), args.students))
    name = await postgres_database()
    if name:
        from store import ADMIN_URL

        try:
            with tempfile.TemporaryDirectory(prefix="studyhall-progress-") as home:
                settings = settings_for(Path(home)).model_copy(
                    update={"database_url": ADMIN_URL.rpartition("/")[0] + "/" + name}
                )
                _print("postgresql", await bench(settings, args.students))
        finally:
            await drop_postgres(name)


if __name__ == "__main__":
    asyncio.run(main())
