"""Ingest, search and read the sample book end to end, on both databases."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.app import App
from core.books.embeddings import LexicalOnlyEmbedder
from core.books.layout import SAMPLE_BOOK_ROOT
from core.books.library import Library
from core.errors import InvalidInput, NotFound
from core.models.books import SearchFilters
from core.store import database_for
from core.store.session import Store
from tests.shared import needs_model

pytestmark = needs_model


@pytest.fixture
def embedder(library_embedder):
    return library_embedder


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A copy of the sample book the test may change."""
    target = tmp_path / "book"
    shutil.copytree(SAMPLE_BOOK_ROOT, target)
    return target


@pytest.fixture
async def library(app: App, embedder, clock) -> AsyncIterator[Library]:
    lib = Library(app.settings, app.store, clock, embedder=embedder)
    try:
        yield lib
    finally:
        await lib.close()


async def test_ingest_then_unchanged_reingest(app: App, library: Library, book: Path) -> None:
    course = await app.courses.create("sample", "Sample")
    first = await library.ingest(course, book)
    assert len(first.added) == 7 and not first.failed and first.embedded > 0
    assert first.chunks >= 30
    again = await library.ingest(course, book)
    assert len(again.unchanged) == 7 and again.embedded == 0 and again.revision == first.revision
    assert not (again.added or again.changed or again.removed)


async def test_changed_and_deleted_files(app: App, library: Library, book: Path) -> None:
    course = await app.courses.create("sample", "Sample")
    await library.ingest(course, book)
    chapter = book / "01-foundations" / "sensors.md"
    chapter.write_text(
        chapter.read_text() + "\n\n## Magnetometers\n\nA quokkascope measures the "
        "magnetic field so the robot knows north.\n"
    )
    (book / "03-simulation" / "sim-to-real.md").unlink()
    report = await library.ingest(course, book)
    assert report.changed == ["01-foundations/sensors.md"]
    assert report.removed == ["03-simulation/sim-to-real.md"]
    assert 0 < report.embedded < 5 and report.reused_vectors > 0  # only new prose is embedded
    hits = (await library.search(course, "quokkascope", limit=3)).hits
    assert hits[0].path == "01-foundations/sensors.md" and hits[0].heading == "Magnetometers"
    assert hits[0].anchor == "magnetometers"
    gone = (await library.search(course, "sim to real gap", limit=10)).hits
    assert all(h.path != "03-simulation/sim-to-real.md" for h in gone)


async def test_a_broken_file_does_not_stop_the_rest(app: App, library: Library, book: Path) -> None:
    course = await app.courses.create("sample", "Sample")
    (book / "02-ros2" / "broken.md").write_text("---\ntitle: [unclosed\n---\n# Broken\n")
    report = await library.ingest(course, book)
    assert [p for p, _ in report.failed] == ["02-ros2/broken.md"]
    assert "broken.md" in report.failed[0][1]
    assert len(report.added) == 7
    documents = {d.path: d for d in await library.reader.documents(course)}
    assert documents["02-ros2/broken.md"].status == "error"
    assert documents["02-ros2/broken.md"].error
    assert documents["01-foundations/sensors.md"].status == "ready"


async def test_search_finds_sections_by_meaning_and_by_identifier(
    app: App, library: Library, book: Path
) -> None:
    course = await app.courses.create("sample", "Sample")
    await library.ingest(course, book)
    meaning = await library.search(course, "what stops a walking robot from falling over?")
    assert meaning.hits[0].path == "01-foundations/balance-and-zmp.md"
    exact = await library.search(course, "max_rotation_attempts", limit=3)
    assert exact.hits[0].path == "02-ros2/recovery-behaviours.mdx"
    assert "max_rotation_attempts" in exact.hits[0].text
    hit = exact.hits[0]
    assert hit.headings[0] and hit.chunk_id and hit.highlight and hit.score > 0
    assert len({(h.path, h.anchor) for h in meaning.hits}) == len(meaning.hits)  # one per section


async def test_filters(app: App, library: Library, book: Path) -> None:
    course = await app.courses.create("sample", "Sample")
    await library.ingest(course, book)
    module = await library.reader.resolve_module(course, "03-simulation")
    only = await library.search(course, "robot balance", filters=SearchFilters(module=module))
    assert only.hits and all(h.path.startswith("03-simulation/") for h in only.hits)
    week = (await library.reader.documents(course))[1].week
    by_week = await library.search(course, "robot", filters=SearchFilters(week=week))
    assert by_week.hits and all(h.week == week for h in by_week.hits)
    by_path = await library.search(course, "robot", filters=SearchFilters(path="02-ros2/nodes-and-topics.md"))
    assert {h.path for h in by_path.hits} == {"02-ros2/nodes-and-topics.md"}
    with pytest.raises(NotFound, match="module"):
        await library.reader.resolve_module(course, "underwater basket weaving")


async def test_selected_text_mode_finds_where_the_passage_sits(
    app: App, library: Library, book: Path
) -> None:
    course = await app.courses.create("sample", "Sample")
    await library.ingest(course, book)
    section = await library.reader.get_section(course, "02-ros2/recovery-behaviours.mdx")
    passage = " ".join(section.markdown.split()[40:70])
    result = await library.search(course, "what does this mean?", selected_text=passage)
    assert result.located is not None and result.located.path == "02-ros2/recovery-behaviours.mdx"
    assert result.hits[0].path == "02-ros2/recovery-behaviours.mdx"


@pytest.mark.parametrize(
    ("query", "kwargs", "field"),
    [
        ("", {}, "query"),
        ("   ", {}, "query"),
        ("x" * 1001, {}, "query"),
        ("ok", {"limit": 0}, "limit"),
        ("ok", {"limit": 10_000}, "limit"),
        ("", {"selected_text": "y" * 4001}, "selected text"),
    ],
)
async def test_bad_searches(app: App, library: Library, query, kwargs, field) -> None:
    course = await app.courses.create("sample", "Sample")
    with pytest.raises(InvalidInput) as err:
        await library.search(course, query, **kwargs)
    assert err.value.field == field


async def test_sections_and_table_of_contents(app: App, library: Library, book: Path) -> None:
    course = await app.courses.create("sample", "Sample")
    await library.ingest(course, book)
    toc = await library.reader.table_of_contents(course)
    assert [m.module for m in toc][:1] == [None]  # the root index page comes first
    chapters = [c for m in toc for c in m.chapters]
    assert len(chapters) == 7 and all(c.status == "ready" for c in chapters)
    balance = next(c for c in chapters if c.path == "01-foundations/balance-and-zmp.md")
    anchor = balance.sections[0].anchor
    section = await library.reader.get_section(course, balance.path, anchor)
    assert section.heading == balance.sections[0].heading and section.anchor == anchor
    assert section.markdown.lstrip().startswith("#")
    whole = await library.reader.get_section(course, balance.path)
    assert len(whole.markdown) > len(section.markdown)
    with pytest.raises(NotFound, match="balance-and-zmp"):
        await library.reader.get_section(course, "01-foundations/balance-and-zpm.md")
    with pytest.raises(NotFound, match="Sections like it"):
        await library.reader.get_section(course, balance.path, anchor + "x")


async def test_another_process_sees_a_reingest_without_restart(
    app: App, library: Library, book: Path, embedder, clock
) -> None:
    course = await app.courses.create("sample", "Sample")
    await library.ingest(course, book)
    other_db = database_for(app.db.url)
    await other_db.open()
    other = Library(app.settings, Store(other_db), clock, embedder=embedder)
    try:
        await other.warm(course)  # its index is built before the book changes
        (book / "index.md").write_text(
            (book / "index.md").read_text()
            + "\n\n## Zebrafish\n\nThe zebrafish gyroscope is a new sensor that senses how"
            " the robot turns in water.\n"
        )
        await library.ingest(course, book)
        hits = (await other.search(course, "zebrafish gyroscope", limit=1)).hits
        assert hits[0].path == "index.md" and hits[0].heading == "Zebrafish"
    finally:
        await other.close()
        await other_db.close()


async def test_qdrant_index_gives_the_same_answers(
    app: App, library: Library, book: Path, embedder, clock
) -> None:
    """The Qdrant adapter (used with a Qdrant server) behind the same sync and search."""
    from core.books.index import BookIndex

    course = await app.courses.create("sample", "Sample")
    await library.ingest(course, book)
    qdrant = BookIndex()
    await qdrant.open()
    other = Library(app.settings, app.store, clock, embedder=embedder, index=qdrant)
    try:
        for query in (
            "what stops a walking robot from falling over?",
            "max_rotation_attempts",
            "how do nodes talk to each other",
        ):
            ours = [(h.path, h.anchor) for h in (await library.search(course, query)).hits]
            theirs = [(h.path, h.anchor) for h in (await other.search(course, query)).hits]
            assert ours == theirs, query
    finally:
        await other.close()


async def test_lexical_only_still_answers(app: App, book: Path, clock, embedder) -> None:
    course = await app.courses.create("sample", "Sample")
    lexical = Library(
        app.settings,
        app.store,
        clock,
        embedder=LexicalOnlyEmbedder("no model here; set STUDYHALL_EMBEDDING_MODEL_PATH"),
    )
    try:
        report = await lexical.ingest(course, book)
        assert report.embedded == 0 and report.lexical_only_reason
        result = await lexical.search(course, "max_rotation_attempts")
        assert result.lexical_only and result.hits[0].path == "02-ros2/recovery-behaviours.mdx"
    finally:
        await lexical.close()
    # the model arrives later: the next ingest embeds everything
    dense = Library(app.settings, app.store, clock, embedder=embedder)
    try:
        report = await dense.ingest(course, book)
        assert len(report.changed) == 7 and report.embedded > 0
    finally:
        await dense.close()
