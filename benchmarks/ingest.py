"""Ingestion speed on the shared textbook.

    python benchmarks/ingest.py

Prints the cold ingest time into a fresh data directory (parse, embed, store), chunks per
second, and the time of an unchanged re-ingest (which must embed nothing).
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from common import BOOK, require_book, settings_for

from core.app import open_app


async def main() -> None:
    require_book()
    with tempfile.TemporaryDirectory(prefix="studyhall-ingest-") as home:
        async with open_app(settings_for(Path(home))) as app:
            embedder = await app.library.embedder()
            course = await app.courses.create("physical-ai", "Physical AI & Humanoid Robotics")
            cold = await app.library.ingest(course, BOOK)
            again = await app.library.ingest(course, BOOK)
    print(f"embedding model        {embedder.name if embedder.available else 'none (lexical-only)'}")
    print(f"files                  {len(cold.added)} ingested, {len(cold.failed)} failed")
    print(f"chunks                 {cold.chunks} stored, {cold.embedded} embedded")
    print(f"cold ingest            {cold.seconds:.1f} s ({cold.chunks / cold.seconds:.0f} chunks/s)")
    print(
        f"unchanged re-ingest    {again.seconds:.2f} s ({len(again.unchanged)} unchanged, "
        f"{again.embedded} embedded)"
    )


if __name__ == "__main__":
    asyncio.run(main())
