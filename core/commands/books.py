"""`studyhall ingest | search | toc | reindex`: the book."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from core import validation
from core.app import App
from core.books.layout import SAMPLE_BOOK_ROOT
from core.commands.common import print_json
from core.commands.courses import make_instructor, no_instructor_hint
from core.commands.progress_bar import ProgressBar
from core.errors import InvalidInput, NotFound
from core.models.accounts import Course
from core.models.books import SearchFilters, SearchHit

# The operator at the terminal sees what students see unless they ask for the staff's view.
_STAFF_HELP = "include the pages only the course's staff see (marked staff only)"


def register(sub: argparse._SubParsersAction) -> None:
    ingest = sub.add_parser("ingest", help="ingest (or refresh) a book folder into a course")
    ingest.add_argument("path", type=Path, nargs="?", help="the folder holding the book's Markdown/MDX")
    ingest.add_argument(
        "--sample", action="store_true", help="ingest the small sample book shipped with Studyhall"
    )
    ingest.add_argument("--course", required=True, help="course slug (created if missing)")
    ingest.add_argument("--name", help="course name, when the course is created")
    ingest.add_argument(
        "--instructor", metavar="DISCORD_ID", help="make this Discord user the course's instructor"
    )
    ingest.add_argument("--json", action="store_true", help="print the summary as JSON")
    ingest.set_defaults(handler=ingest_book)

    search = sub.add_parser("search", help="search a course's book")
    search.add_argument("query", nargs="?", help="what to look for")
    search.add_argument("--course", required=True)
    search.add_argument("--module", help="only this module (folder name, label or number)")
    search.add_argument("--week", type=int, help="only this week")
    search.add_argument("--path", help="only this chapter file")
    search.add_argument("--selected", help="a passage quoted from the book: search around it")
    search.add_argument("--limit", type=int, default=5, help="how many hits (1–50, default 5)")
    search.add_argument("--batch", type=Path, help="a file with one query per line (JSON lines out)")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.add_argument("--staff", action="store_true", help=_STAFF_HELP)
    search.set_defaults(handler=search_book)

    toc = sub.add_parser("toc", help="a course's table of contents")
    toc.add_argument("--course", required=True)
    toc.add_argument("--json", action="store_true")
    toc.add_argument("--staff", action="store_true", help=_STAFF_HELP)
    toc.set_defaults(handler=show_toc)

    reindex = sub.add_parser("reindex", help="rebuild the search index from stored vectors")
    reindex.add_argument("--course", required=True)
    reindex.set_defaults(handler=reindex_book)


async def ingest_book(app: App, args: argparse.Namespace) -> int:
    if (args.path is None) == (not args.sample):
        raise InvalidInput("path", "Give the book's folder, or --sample for the sample book.")
    root = SAMPLE_BOOK_ROOT if args.sample else args.path
    course = await _course_for_ingest(app, args)
    await app.library.embedder()  # loaded before the bar starts: its one line, if any, comes first
    bar = ProgressBar()
    report = await app.library.ingest(course, root, bar)
    bar.finish()
    summary = report.summary()
    if args.json:
        print_json(summary)
    else:
        print(
            f"Ingested {root} into {course.slug!r} in {summary['seconds']} s: "
            f"{summary['added']} added, {summary['changed']} changed, "
            f"{summary['unchanged']} unchanged, {summary['removed']} removed, "
            f"{summary['failed']} failed; {summary['chunks']} chunks stored, "
            f"{summary['embedded']} embedded ({report.embedding_model})."
        )
        for _, error in report.failed:
            print(f"  failed: {error}")
        for path in report.skipped_links:
            print(f"  not followed (a symbolic link): {path}")
    return 1 if report.failed and not (report.added or report.changed or report.unchanged) else 0


async def _course_for_ingest(app: App, args: argparse.Namespace) -> Course:
    """The course, made when missing; its instructor named now or explained to be missing."""
    discord_id = validation.discord_id(args.instructor) if args.instructor else None
    try:
        course, created = await app.courses.get(args.course), False
    except NotFound:
        course, created = await app.courses.get_or_create(args.course, args.name), True
    if discord_id:
        await make_instructor(app, course, discord_id)
    elif created:
        print(f"Created course {course.slug!r}. {no_instructor_hint(course.slug)}", file=sys.stderr)
    return course


async def search_book(app: App, args: argparse.Namespace) -> int:
    course = await app.courses.get(args.course)
    staff = args.staff
    module = await app.library.reader.resolve_module(course, args.module, staff) if args.module else None
    filters = SearchFilters(module=module, week=args.week, path=args.path)
    if args.batch:
        return await _batch(app, course, args, filters)
    if not args.query and not args.selected:
        raise InvalidInput("query", "Give something to search for, or --batch FILE.")
    result = await app.library.search(
        course, args.query or "", limit=args.limit, filters=filters, selected_text=args.selected, staff=staff
    )
    if args.json:
        print_json(
            {"query": args.query, "ms": round(result.ms, 2), "hits": [_hit_json(h) for h in result.hits]}
        )
        return 0
    if not result.hits:
        print("Nothing in the book matches that.")
    for rank, hit in enumerate(result.hits, start=1):
        where = " › ".join(hit.headings)
        link = f"{hit.path}#{hit.anchor}" if hit.anchor else hit.path
        mark = "  [staff only]" if hit.staff_only else ""
        print(f"{rank}. {where}{mark}\n   {link}  (score {hit.score:.3f})\n   {hit.highlight}\n")
    return 0


async def _batch(app: App, course, args: argparse.Namespace, filters: SearchFilters) -> int:
    queries = [line.strip() for line in args.batch.read_text(encoding="utf-8").splitlines()]
    await app.library.warm(course)
    for query in filter(None, queries):
        started = time.perf_counter()
        result = await app.library.search(course, query, limit=args.limit, filters=filters, staff=args.staff)
        ms = (time.perf_counter() - started) * 1000
        sys.stdout.write(
            json.dumps(
                {"query": query, "ms": round(ms, 2), "hits": [_hit_json(h) for h in result.hits]},
                ensure_ascii=False,
            )
            + "\n"
        )
    return 0


def _hit_json(hit: SearchHit) -> dict:
    return {
        "path": hit.path,
        "heading": hit.heading,
        "headings": hit.headings,
        "anchor": hit.anchor,
        "score": hit.score,
        "chunk_id": hit.chunk_id,
        "text": hit.text,
    } | ({"staff_only": True} if hit.staff_only else {})


async def show_toc(app: App, args: argparse.Namespace) -> int:
    course = await app.courses.get(args.course)
    modules = await app.library.reader.table_of_contents(course, staff=args.staff)
    if args.json:
        print_json([m.model_dump() for m in modules])
        return 0
    if not modules:
        print(f"No book in {course.slug!r} yet: studyhall ingest PATH --course {course.slug}")
    for module in modules:
        print(module.label)
        for chapter in module.chapters:
            week = f"  (week {chapter.week})" if chapter.week else ""
            flag = "" if chapter.status == "ready" else f"  [{chapter.status}]"
            flag += "  [staff only]" if chapter.staff_only else ""
            print(f"  {chapter.title} — {chapter.path}{week}{flag}")
            for section in chapter.sections:
                print(f"  {'  ' * (section.level - 1)}{section.heading}")
    return 0


async def reindex_book(app: App, args: argparse.Namespace) -> int:
    course = await app.courses.get(args.course)
    started = time.perf_counter()
    points = await app.library.reindex(course)
    print(
        f"Rebuilt the index of {course.slug!r} from stored vectors: {points} passages in "
        f"{time.perf_counter() - started:.1f} s (nothing re-embedded)."
    )
    return 0
