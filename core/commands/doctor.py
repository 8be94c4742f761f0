"""`studyhall doctor`: what works, what is degraded, and what to do about it."""

from __future__ import annotations

import argparse

from core.app import App
from core.commands.common import print_json
from core.redact import redact_url
from core.store.migrations import applied_versions


def register(sub: argparse._SubParsersAction) -> None:
    doctor = sub.add_parser("doctor", help="check the set-up and report problems")
    doctor.add_argument("--json", action="store_true")
    doctor.set_defaults(handler=run_doctor)


async def run_doctor(app: App, args: argparse.Namespace) -> int:
    report = await diagnose(app)
    if args.json:
        print_json(report)
    else:
        _print(report)
    return 0 if report["ok"] else 1


async def diagnose(app: App) -> dict:
    s = app.settings
    versions = await applied_versions(app.db)
    embedder = await app.library.embedder()
    problems: list[str] = []
    if not embedder.available:
        problems.append(f"LEXICAL-ONLY SEARCH: no embedding model. {embedder.reason}")
    index_problem = await app.library.index_problem()
    if index_problem:
        problems.append(
            f"QDRANT DOES NOT ANSWER at {redact_url(s.qdrant_url)} ({index_problem}): search and "
            "ingest will fail until it does; check STUDYHALL_QDRANT_URL and the server"
        )
    courses = []
    for course in await app.courses.list():
        documents = await app.library.reader.documents(course, staff=True)  # the operator sees all
        async with app.store.read() as session:
            chunks = await session.books.chunk_count(course.id)
            state = await session.books.state(course.id)
        errors = [{"path": d.path, "error": d.error} for d in documents if d.status == "error"]
        processing = [d.path for d in documents if d.status == "processing"]
        for e in errors:
            problems.append(f"course {course.slug}: {e['error']}")
        if processing:
            problems.append(
                f"course {course.slug}: {len(processing)} file(s) still 'processing' — an "
                "ingest was interrupted; run studyhall ingest again"
            )
        if state and embedder.available and state.embedding_model not in (embedder.name, None):
            problems.append(
                f"course {course.slug}: ingested with {state.embedding_model or 'no model'}, "
                f"now configured {embedder.name}; re-run studyhall ingest to embed it"
            )
        courses.append(
            {
                "slug": course.slug,
                "documents": len(documents),
                "ready": sum(d.status == "ready" for d in documents),
                "errors": errors,
                "processing": processing,
                "chunks": chunks,
                "book_path": state.book_path if state else None,
                "ingested_at": state.ingested_at.isoformat() if state and state.ingested_at else None,
                "embedding_model": state.embedding_model if state else None,
            }
        )
    return {
        "ok": not problems,
        "home": str(s.home),
        "database": {"dialect": app.db.dialect, "schema_version": max(versions, default=0)},
        "embedding": {
            "available": embedder.available,
            "model": embedder.name,
            "dim": embedder.dim,
            "reason": embedder.reason,
        },
        "index": {
            "kind": "qdrant-server" if s.qdrant_url else "in-process",
            "url": redact_url(s.qdrant_url),
            "answers": index_problem is None,
        },
        "courses": courses,
        "problems": problems,
    }


def _print(report: dict) -> None:
    emb = report["embedding"]
    print(f"data directory   {report['home']}")
    print(
        f"database         {report['database']['dialect']}, schema version "
        f"{report['database']['schema_version']}"
    )
    print(
        "embeddings       "
        + (f"{emb['model']} ({emb['dim']} dimensions)" if emb["available"] else "NONE — keyword-only search")
    )
    index = report["index"]
    print(f"search index     {index['kind']}" + (f" at {index['url']}" if index["url"] else ""))
    for c in report["courses"]:
        print(
            f"course {c['slug']:<16} {c['ready']}/{c['documents']} chapters ready, {c['chunks']} "
            f"passages, book {c['book_path'] or '(none ingested)'}"
        )
    if report["problems"]:
        print("\nPROBLEMS:")
        for problem in report["problems"]:
            print(f"  - {problem}")
    else:
        print("\nAll good.")
