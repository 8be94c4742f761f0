"""Staff-only pages in the core, on both databases: what the book and the course's patterns
declare, the payload filter of both indexes, units and completion without them, and patterns that
change with nothing re-ingested or re-embedded."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from core.app import App
from core.books import audience
from core.books.embeddings import LexicalOnlyEmbedder
from core.books.index import BookIndex
from core.books.index_types import IndexFilters, IndexPoint
from core.books.library import Library
from core.books.memory_index import MemoryIndex
from core.errors import InvalidInput, NotFound
from tests.staff_book import (
    ANSWER_KEY,
    EDUCATOR_GUIDE,
    SOLUTIONS,
    SOLUTIONS_WORD,
    STAFF_PATHS,
    build_staff_book,
    staff_book_app,
)

BALANCE = "01-foundations/balance-and-zmp.md"
SENSORS = "01-foundations/sensors.md"


@pytest.fixture
async def staff_app(app: App, clock, tmp_path: Path):
    async with staff_book_app(app, clock, tmp_path / "book") as wired:
        yield wired


async def student(app: App, name: str = "ada"):
    user = await app.accounts.resolve("discord", f"80000000000000000{len(name)}", name)
    course = await app.courses.get("sample")
    await app.accounts.enroll(user.id, course.id)
    return user, course


async def test_the_book_and_the_course_patterns_decide_who_a_page_is_for(staff_app: App) -> None:
    course = await staff_app.courses.get("sample")
    stored = {d.path: d for d in await staff_app.library.reader.documents(course, staff=True)}
    assert stored[ANSWER_KEY].declared_audience == "staff"  # front matter
    assert stored[EDUCATOR_GUIDE].declared_audience == "staff"  # the folder's _category_.json
    assert (stored[SOLUTIONS].declared_audience, stored[SOLUTIONS].audience) == ("all", "staff")  # a pattern
    assert {p for p, d in stored.items() if d.staff_only} == set(STAFF_PATHS)
    students = {d.path for d in await staff_app.library.reader.documents(course)}
    assert not students & set(STAFF_PATHS) and BALANCE in students


async def test_staff_read_search_and_list_staff_pages_marked(staff_app: App) -> None:
    course = await staff_app.courses.get("sample")
    view = await staff_app.library.reader.get_section(course, ANSWER_KEY, "zmp-answers", staff=True)
    assert view.staff_only and "third choice" in view.markdown
    with pytest.raises(NotFound):
        await staff_app.library.reader.get_section(course, ANSWER_KEY, "zmp-answers")
    found = await staff_app.library.search(course, SOLUTIONS_WORD, staff=True)
    assert [h.path for h in found.hits] == [SOLUTIONS] and found.hits[0].staff_only
    assert (await staff_app.library.search(course, SOLUTIONS_WORD)).hits == []
    toc = await staff_app.library.reader.table_of_contents(course, staff=True)
    marked = {c.path: c.staff_only for m in toc for c in m.chapters}
    assert all(marked[p] for p in STAFF_PATHS) and not marked[BALANCE]
    assert await staff_app.library.reader.resolve_module(course, "educator-resources", staff=True)
    with pytest.raises(NotFound):
        await staff_app.library.reader.resolve_module(course, "educator-resources")


async def test_completion_counts_no_staff_chapter_and_follows_the_patterns(staff_app: App) -> None:
    user, course = await student(staff_app)
    units = {u.id: u.chapters for u in await staff_app.tracking.units(course)}
    assert units["week-1"] == [BALANCE] and len(units) == 6  # the answer key says week 1, and is left out
    assert not any(p in chapters for chapters in units.values() for p in STAFF_PATHS)
    await staff_app.tracking.record_reading(user, course, BALANCE, 100)
    await staff_app.tracking.record_reading(user, course, SENSORS, 40)
    shown = await staff_app.tracking.show(user, course)
    assert next(u for u in shown.units if u.unit_id == "week-1").completed
    assert shown.completion == round(140 / 6, 2)  # with the answer key in week 1, week 1 were half done

    # Hiding week 2's only chapter by pattern: a unit fewer, and everyone's completion recomputed.
    await staff_app.courses.configure("sample", staff_only=["*solutions*", SENSORS])
    assert "week-2" not in {u.id for u in await staff_app.tracking.units(course)}
    now = await staff_app.tracking.show(user, course)
    assert now.completion == 20.0 and SENSORS not in {c.chapter for c in now.chapters}
    assert (await staff_app.accounts.enrollment(user.id, course.id)).completion == 20.0  # the board's
    with pytest.raises(NotFound):
        await staff_app.tracking.record_reading(user, course, SENSORS, 50)  # no chapter to a student
    assert BALANCE in {c.chapter for c in (await staff_app.tracking.show(user, course)).chapters}

    await staff_app.courses.configure("sample", staff_only=[])
    assert {u.id for u in await staff_app.tracking.units(course)} >= {"week-1", "week-2"}
    assert (await staff_app.tracking.show(user, course)).completion == round(140 / 6, 2)
    assert (await staff_app.library.search(course, SOLUTIONS_WORD)).hits[0].path == SOLUTIONS


async def test_changing_the_patterns_reingests_and_reembeds_nothing(staff_app: App) -> None:
    course = await staff_app.courses.get("sample")
    async with staff_app.store.read() as s:
        before = {r["id"] for r in await s.books.index_rows(course.id)}
    assert (await staff_app.library.search(course, "sensors imu")).hits  # the index is loaded
    await staff_app.courses.configure("sample", staff_only="01-foundations/**")  # comma-separated text
    async with staff_app.store.read() as s:
        after = {r["id"] for r in await s.books.index_rows(course.id)}
    assert after == before  # the same stored chunks (and vectors); only their audience moved
    hits = (await staff_app.library.search(course, "sensors imu balance")).hits
    assert hits and not any(h.path.startswith("01-foundations/") for h in hits)
    assert (await staff_app.courses.get("sample")).staff_only == ["01-foundations/**"]


async def test_a_folder_marked_staff_later_is_hidden_at_the_next_ingest(
    app: App, clock, tmp_path: Path
) -> None:
    book = build_staff_book(tmp_path / "book")
    library = Library(app.settings, app.store, clock, embedder=LexicalOnlyEmbedder("not needed"))
    library.after_ingest = app.library.after_ingest
    course = await app.courses.create("later", "Later")
    await library.ingest(course, book)
    assert (await library.search(course, "simulation")).hits
    category = book / "03-simulation" / "_category_.json"
    category.write_text(json.dumps(json.loads(category.read_text()) | {"audience": "staff"}))
    report = await library.ingest(course, book)
    assert "03-simulation/sim-to-real.md" in report.unchanged  # the file itself did not change
    hits = (await library.search(course, "simulation")).hits
    assert hits and not any(h.path.startswith("03-simulation/") for h in hits)
    assert not any(u.id == "week-6" for u in await app.tracking.units(course))
    await library.close()


@pytest.mark.parametrize("bad", ["../secrets/**", "a\\b", "x" * 201, ["ok", "\x00"]])
async def test_bad_patterns_are_refused_in_words(app: App, bad) -> None:
    await app.courses.create("pat", "Patterns")
    with pytest.raises(InvalidInput, match="staff-only pattern"):
        await app.courses.configure("pat", staff_only=bad)


@pytest.mark.parametrize(
    "path, patterns, hidden",
    [
        ("solutions-guide.md", ["*solutions*"], True),
        ("module1/solutions/a.md", ["*solutions*"], True),
        ("educator-resources/module1-guide.md", ["educator-resources/**"], True),
        ("educator-resources/module1-guide.md", ["educator-resources"], True),
        ("educator-resources-public/a.md", ["educator-resources"], False),
        ("m3/exercises/e1.md", ["**/exercises/*.md"], True),
        ("m3/deep/exercises/e1.md", ["m3/*.md"], False),
        ("Assessment-Rubrics.md", ["assessment-rubrics.md"], True),
        ("sensors.md", ["*solutions*"], False),
    ],
)
def test_patterns_read_like_gitignore_lines(path: str, patterns: list[str], hidden: bool) -> None:
    assert audience.matches_any(path, patterns) is hidden


def _point(audience_value: str | None, text: str) -> IndexPoint:
    payload = {"document_id": text, "path": f"{text}.md"}
    if audience_value is not None:
        payload["audience"] = audience_value
    return IndexPoint(id=str(uuid.uuid4()), dense=None, text=f"shared {text}", payload=payload)


@pytest.mark.parametrize("kind", ["memory", "qdrant"])
async def test_both_indexes_filter_on_the_audience_payload(kind: str) -> None:
    index = MemoryIndex() if kind == "memory" else BookIndex()
    await index.open()
    try:
        await index.ensure_collection("c", None)
        points = [_point("all", "open"), _point("staff", "secret"), _point(None, "unlabelled")]
        await index.upsert("c", points)
        students = IndexFilters(audiences=(audience.EVERYONE,))
        found = await index.search("c", dense=None, text="shared", filters=students)
        assert [h.payload["path"] for h in found] == ["open.md"]  # unlabelled: hidden, never shown
        staff = IndexFilters(audiences=audience.AUDIENCES)
        found = await index.search("c", dense=None, text="shared", filters=staff)
        assert sorted(h.payload["path"] for h in found) == ["open.md", "secret.md"]
        assert await index.count("c") == 3 and await index.count("c", staff) == 2
    finally:
        await index.close()


async def test_a_quiz_may_not_point_students_to_a_staff_section(app: App, clock, tmp_path: Path) -> None:
    book = build_staff_book(tmp_path / "book")
    quiz = book / "quizzes" / "week-1.yaml"
    quiz.write_text(
        quiz.read_text().replace(
            "01-foundations/balance-and-zmp.md#support-polygon", f"{ANSWER_KEY}#zmp-answers", 1
        )
    )
    library = Library(app.settings, app.store, clock, embedder=LexicalOnlyEmbedder("not needed"))
    library.after_ingest = app.library.after_ingest
    course = await app.courses.create("quizzed", "Quizzed")
    report = await library.ingest(course, book)
    assert any("week-1.yaml" in path and ANSWER_KEY in error for path, error in report.failed)
    await library.close()


async def test_recommendations_never_suggest_a_staff_page(staff_app: App) -> None:
    user, course = await student(staff_app)
    picks = await staff_app.recommendations.next_for(user, course)
    assert picks and not {p.path for p in picks} & set(STAFF_PATHS)


async def test_an_index_filled_before_pages_had_an_audience_is_reloaded(staff_app: App, clock) -> None:
    """A shared Qdrant collection from an older Studyhall holds as many points as the database has
    chunks, but none says who it is for: it is reloaded, not trusted (and never shown meanwhile)."""
    from core.books.sync import collection_name

    course = await staff_app.courses.get("sample")
    async with staff_app.store.read() as s:
        rows = await s.books.index_rows(course.id)
    index = MemoryIndex()
    await index.open()
    name = collection_name(course.id)
    await index.ensure_collection(name, None)
    old_payload = ("document_id", "path", "title", "heading", "headings", "anchor", "text")
    old_payload += ("section_position",)
    await index.upsert(
        name,
        [
            IndexPoint(id=r["id"], dense=None, text=r["text"], payload={k: r[k] for k in old_payload})
            for r in rows
        ],
    )
    library = Library(
        staff_app.settings, staff_app.store, clock, embedder=LexicalOnlyEmbedder("x"), index=index
    )
    try:
        hits = (await library.search(course, "sensors imu")).hits
        assert hits and not {h.path for h in hits} & set(STAFF_PATHS)
        assert (await library.search(course, SOLUTIONS_WORD)).hits == []
        staff_hits = (await library.search(course, SOLUTIONS_WORD, staff=True)).hits
        assert [h.path for h in staff_hits] == [SOLUTIONS]
    finally:
        await library.close()


async def test_a_syllabus_week_keeps_no_staff_page(app: App, clock, tmp_path: Path) -> None:
    book = build_staff_book(tmp_path / "book")
    (book / "syllabus.yaml").write_text(
        f"weeks:\n  1: {{title: Balance, chapters: [{BALANCE}, {ANSWER_KEY}]}}\n"
        f"  2: {{title: Teaching, chapters: [{EDUCATOR_GUIDE}]}}\n  3: [{SENSORS}]\n"
    )
    library = Library(app.settings, app.store, clock, embedder=LexicalOnlyEmbedder("not needed"))
    library.after_ingest = app.library.after_ingest
    course = await app.courses.create("syllabus", "Syllabus")
    await library.ingest(course, book)
    units = {u.id: u.chapters for u in await app.tracking.units(course)}
    assert units == {"week-1": [BALANCE], "week-3": [SENSORS]}  # week 2 was staff pages alone
    await library.close()
