"""The Discord bot's /ask, in process: from a raw INTERACTION_CREATE payload to the recorded final reply.

    .venv/bin/python benchmarks/bot.py [--home DIR] [--questions 61] [--warmup 5]

Ingests the shared textbook (with the local MiniLM model) into a data directory (kept, and reused
incrementally, with --home), binds a test server to the course, and drives the real bot with the
test harness (tests/bot/harness.py: the real command tree and discord.py's HTTP client over a
recording fake of Discord). Each question of benchmarks/questions/retrieval_dev.jsonl is sent as a
raw `/ask` payload; answers are extractive (no LLM). Prints p50/p95 of the time to the deferral
(Discord wants it within 3 s) and to the final answer, and the share of questions answered vs
declined. Figures depend on the machine's load: run it on a quiet one to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from common import BOOK, ROOT, load_questions, percentile, require_book, settings_for

# This file is named bot.py: keep its folder off the path so `import bot` finds the package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.app import open_app  # noqa: E402
from tests.bot.harness import GUILD_ID, STUDENT, BotHarness, start_bot  # noqa: E402

COURSE = "physical-ai"


def timestamped(harness: BotHarness) -> list[float]:
    """When each HTTP call reached the fake Discord, in step with `harness.http.calls`."""
    stamps: list[float] = []
    request = harness.http.request

    def timed(method: str, url: str, **kwargs):
        stamps.append(time.perf_counter())
        return request(method, url, **kwargs)

    harness.http.request = timed  # type: ignore[method-assign]
    return stamps


async def one(harness: BotHarness, stamps: list[float], question: str) -> tuple[float, float, bool]:
    """(ms to the deferral, ms to the final answer, whether the book answered)."""
    payload = harness.slash("ask", question=question, person=STUDENT)
    first = len(stamps)
    started = time.perf_counter()
    calls = await harness.send(payload)
    ends = stamps[first:]
    if not calls or calls[0].kind != 5 or not calls[-1].embeds:
        raise RuntimeError(f"unexpected reply to {question!r}: {[c.content for c in calls]}")
    answered = not (calls[-1].embeds[0].get("title") or "").startswith("Not in the book")
    return (ends[0] - started) * 1000, (ends[-1] - started) * 1000, answered


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="data directory to keep the ingested book in")
    parser.add_argument("--questions", type=int, default=0, help="how many questions (default: all)")
    parser.add_argument("--warmup", type=int, default=5, help="questions asked first and not timed")
    args = parser.parse_args()
    require_book()
    home = args.home or Path(tempfile.mkdtemp(prefix="studyhall-bench-"))
    async with open_app(settings_for(home)) as app:
        course = await app.courses.get_or_create(COURSE, "Physical AI & Humanoid Robotics")
        started = time.perf_counter()
        await app.library.ingest(course, BOOK)
        await app.library.warm(course)
        print(f"book ready in {time.perf_counter() - started:.1f} s ({home})")
        await app.courses.configure(COURSE, hourly_question_quota=1000)  # the operator cap; enough here
        await app.courses.bind_guild(COURSE, GUILD_ID)
        app.answers = app.answers.using(llm=None)  # extractive, whatever the environment holds
        questions = [q["q"] for q in load_questions("retrieval_dev")]
        if args.questions:
            questions = questions[: args.questions]
        harness = await start_bot(app)
        try:
            stamps = timestamped(harness)
            for question in questions[: args.warmup]:
                await one(harness, stamps, question)
            results = [await one(harness, stamps, q) for q in questions]
        finally:
            await harness.bot.close()
    deferral = [r[0] for r in results]
    final = [r[1] for r in results]
    answered = sum(r[2] for r in results)
    print(f"/ask, {len(results)} questions, extractive, in process:")
    for label, values in (("to the deferral", deferral), ("to the final answer", final)):
        p50, p95 = percentile(values, 50), percentile(values, 95)
        print(f"  {label + ':':<21} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    print(f"  answered {answered}, declined {len(results) - answered}")


if __name__ == "__main__":
    asyncio.run(main())
