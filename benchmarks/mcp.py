"""The MCP server's latency: `search_book` over stdio (target p50 ≤ 40 ms) and over HTTP under load.

    python benchmarks/mcp.py [--home DIR] [--calls 200] [--clients 50] [--seconds 5]

Ingests the shared textbook once into a data directory (kept with --home), then
1. starts `python -m mcp_server` as a subprocess and times `search_book` round trips over stdio;
2. starts `python -m mcp_server --http` and runs N concurrent clients for a bounded time, each
   with its own bearer token, counting errors and printing p50/p95.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import BOOK, MODEL, ROOT, percentile, require_book, settings_for

# This file is named mcp.py: keep its folder off the path so `import mcp` finds the SDK.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from core.app import open_app  # noqa: E402

COURSE = "physical-ai"
QUERIES = [
    "zero moment point",
    "how does a robot keep its balance",
    "ROS 2 topics and services",
    "sim to real transfer",
    "inverse kinematics",
    "IMU sensor fusion",
    "reinforcement learning for locomotion",
    "Isaac Sim",
    "URDF robot description",
    "vision language action models",
]


async def prepare(home: Path, clients: int) -> list[str]:
    """The book ingested (once) and one token per HTTP client."""
    async with open_app(settings_for(home)) as app:
        course = await app.courses.get_or_create(COURSE, "Physical AI & Humanoid Robotics")
        if not await app.library.reader.documents(course):
            started = time.perf_counter()
            report = await app.library.ingest(course, BOOK)
            print(f"ingested {report!r:.80} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        tokens = []
        for i in range(clients):
            user = await app.accounts.resolve("discord", f"9{i:017d}", f"Bench {i}")
            tokens.append((await app.tokens.create(user.id, f"bench-{time.time_ns()}", expires_days=1)).token)
        return tokens


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYHALL_")}
    env.update(STUDYHALL_HOME=str(home), PYTHONPATH=str(ROOT))
    if MODEL.is_dir():
        env["STUDYHALL_EMBEDDING_MODEL_PATH"] = str(MODEL)
    return env


async def bench_stdio(home: Path, calls: int) -> list[float]:
    from mcp import Client, StdioServerParameters

    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "mcp_server", "--course", COURSE],
        env=environment(home),
        cwd=str(ROOT),
    )
    timings = []
    async with Client(params) as client:
        await client.call_tool("search_book", {"query": "warm up"})  # model and index load
        for query in itertools.islice(itertools.cycle(QUERIES), calls):
            started = time.perf_counter()
            result = await client.call_tool("search_book", {"query": query, "limit": 5})
            timings.append((time.perf_counter() - started) * 1000)
            if result.is_error:
                raise SystemExit(f"stdio search failed: {result.content}")
    return timings


async def bench_http(home: Path, tokens: list[str], seconds: float) -> tuple[list[float], int]:
    import httpx2
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    port = free_port()
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        *["-m", "mcp_server", "--course", COURSE, "--http", "--port", str(port)],
        env=environment(home),
        cwd=str(ROOT),
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/mcp"
    timings: list[float] = []
    errors = 0
    try:
        await wait_for(port)
        deadline = 0.0

        async def one_client(index: int, token: str) -> None:
            nonlocal errors
            http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=60)
            async with http, Client(streamable_http_client(url, http_client=http)) as client:
                for n in itertools.count(index):
                    if time.perf_counter() > deadline:
                        return
                    started = time.perf_counter()
                    try:
                        result = await client.call_tool("search_book", {"query": QUERIES[n % len(QUERIES)]})
                        errors += bool(result.is_error)
                    except Exception as err:  # a benchmark counts failures rather than stopping
                        errors += 1
                        print(f"client {index}: {type(err).__name__}: {err}", file=sys.stderr)
                        continue
                    timings.append((time.perf_counter() - started) * 1000)

        # One warm-up call loads the model and index before the clock starts.
        async with (
            httpx2.AsyncClient(headers={"Authorization": f"Bearer {tokens[0]}"}, timeout=120) as http,
            Client(streamable_http_client(url, http_client=http)) as warm,
        ):
            await warm.call_tool("search_book", {"query": "warm up"})
        deadline = time.perf_counter() + seconds
        await asyncio.gather(*(one_client(i, t) for i, t in enumerate(tokens)))
    finally:
        server.terminate()
        await server.wait()
    return timings, errors


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_for(port: int, within: float = 60) -> None:
    deadline = time.perf_counter() + within
    while time.perf_counter() < deadline:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise SystemExit(f"the HTTP server did not start on port {port}")


def report(label: str, timings: list[float]) -> None:
    print(
        f"{label}: n={len(timings)} p50={percentile(timings, 50):.1f} ms "
        f"p95={percentile(timings, 95):.1f} ms max={max(timings, default=float('nan')):.1f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="data directory to keep the ingested book in")
    parser.add_argument("--calls", type=int, default=200, help="stdio search_book calls")
    parser.add_argument("--clients", type=int, default=50, help="concurrent HTTP clients")
    parser.add_argument("--seconds", type=float, default=5, help="HTTP load duration (the target uses 30)")
    args = parser.parse_args()
    require_book()
    home = args.home or Path(tempfile.mkdtemp(prefix="studyhall-bench-mcp-"))
    tokens = await prepare(home, args.clients)
    stdio = await bench_stdio(home, args.calls)
    report("stdio search_book round trip", stdio)
    print(f"  target p50 ≤ 40 ms: {'met' if percentile(stdio, 50) <= 40 else 'MISSED'}")
    timings, errors = await bench_http(home, tokens, args.seconds)
    report(f"http search_book, {args.clients} clients for {args.seconds:g} s", timings)
    print(f"  errors: {errors}; throughput {len(timings) / args.seconds:.0f} calls/s")


if __name__ == "__main__":
    asyncio.run(main())
