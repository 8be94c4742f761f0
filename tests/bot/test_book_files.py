"""Attacks through `/book ingest` on what a book folder holds: symlinks out of it (chapters,
quizzes, syllabus, categories), files too large, too many files, too many bytes; and one course's
ingest must never wait for another's."""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from pathlib import Path

import pytest

import core.books.ingest
from core.books.layout import SAMPLE_BOOK_ROOT
from core.settings import Settings
from tests.bot.harness import INSTRUCTOR, STUDENT, BotHarness, Person

SECRET = "DISCORD_TOKEN=MTFAKE.discord.token"
MAX_FILES = 30
MAX_TOTAL = 1_000_000
MALLORY = Person("800000000000000666", "Mallory", staff=True)
MALLORY_GUILD = "700000000000000666"


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Small caps on file count and total bytes, so the tests stay small; 5 MB per file as shipped."""
    return Settings(
        home=tmp_path / "home",
        database_url=database_url,
        book_max_files=MAX_FILES,
        book_max_total_bytes=MAX_TOTAL,
        _env_file=None,
    )


@pytest.fixture
async def book(book_app, tmp_path: Path) -> Path:
    """The sample book in `<books root>/sample`, the course's folder; a secret outside the root."""
    root = book_app.settings.books_folder() / "sample"
    shutil.copytree(SAMPLE_BOOK_ROOT, root)
    await book_app.courses.configure("sample", book_path="sample")
    outside = tmp_path / "outside"
    (outside / "quizzes").mkdir(parents=True)
    (outside / "secret.env").write_text(SECRET + "\nANTHROPIC_API_KEY=sk-ant-FAKEKEY\n")
    (outside / "quizzes" / "week-1.yaml").write_text(
        "title: Stolen answer key\nquestions:\n  - question: What is the exam code?\n"
        "    choices: [ALPHA-1, OMEGA-42]\n    answer: 1\n"
    )
    (outside / "syllabus.yaml").write_text(
        "weeks:\n  1: {title: STOLEN-SYLLABUS, chapters: [01-foundations/balance-and-zmp.md]}\n"
    )
    (outside / "_category_.json").write_text('{"label": "STOLEN-CATEGORY"}')
    return root


async def _ingest(bot: BotHarness, person: Person = INSTRUCTOR, **where):
    return await bot.send(bot.slash("book", sub="ingest", person=person, **where))


def _everything(calls) -> str:
    return "\n".join(c.text() for c in calls)


async def test_symlinked_chapters_quizzes_syllabus_and_categories_are_not_followed(
    discord_bot: BotHarness, book: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    os.symlink(outside / "secret.env", book / "01-foundations" / "notes.md")
    relative = os.path.relpath(outside / "secret.env", book / "01-foundations")
    os.symlink(relative, book / "01-foundations" / "relative.md")
    shutil.rmtree(book / "quizzes")
    os.symlink(outside / "quizzes", book / "quizzes")
    os.symlink(outside / "syllabus.yaml", book / "syllabus.yaml")
    (book / "02-ros2" / "_category_.json").unlink()
    os.symlink(outside / "_category_.json", book / "02-ros2" / "_category_.json")
    ingest = await _ingest(discord_bot)
    shown = _everything(ingest)
    assert "Book ingested" in shown and SECRET not in shown
    read = await discord_bot.send(discord_bot.slash("read", chapter="01-foundations/notes.md"))
    assert read[-1].ephemeral and read[-1].content.startswith("⚠️")
    searched = await discord_bot.send(discord_bot.slash("search", query="DISCORD_TOKEN"))
    assert SECRET not in _everything(searched) and "sk-ant" not in _everything(searched)
    quiz = await discord_bot.send(discord_bot.slash("quiz", unit="week-1"))
    assert "exam code" not in _everything(quiz) and "Stolen" not in _everything(quiz)
    toc = await discord_bot.send(discord_bot.slash("progress", person=STUDENT))
    assert "STOLEN" not in _everything(toc)
    status = await discord_bot.send(discord_bot.slash("book", sub="status", person=INSTRUCTOR))
    assert "STOLEN" not in _everything(status)
    assert "not followed" in shown and "`01-foundations/notes.md`" in shown  # the instructor is told


async def test_a_6_mb_chapter_refuses_the_whole_ingest(discord_bot: BotHarness, book_app, book: Path) -> None:
    course = await book_app.courses.get("sample")
    before = await book_app.library.status(course)
    (book / "01-foundations" / "new.md").write_text("# New\n\nfresh words\n")
    (book / "01-foundations" / "huge.md").write_bytes(b"# Huge\n\n" + b"word " * 1_200_000)
    calls = await _ingest(discord_bot)
    final = calls[-1]
    assert final.ephemeral and final.content.startswith("⚠️"), final.content
    assert "`01-foundations/huge.md`" in final.content and "5 MB" in final.content
    after = await book_app.library.status(course)
    assert (after.documents, after.revision) == (before.documents, before.revision)  # nothing half-done


async def test_too_many_files_refuses_the_ingest(discord_bot: BotHarness, book_app, book: Path) -> None:
    course = await book_app.courses.get("sample")
    before = await book_app.library.status(course)
    for n in range(MAX_FILES + 1):
        (book / "01-foundations" / f"extra-{n}.md").write_text(f"# Extra {n}\n\nmore\n")
    calls = await _ingest(discord_bot)
    assert calls[-1].content.startswith("⚠️") and f"more than {MAX_FILES} files" in calls[-1].content
    assert (await book_app.library.status(course)).documents == before.documents


async def test_too_many_bytes_refuses_the_ingest(discord_bot: BotHarness, book_app, book: Path) -> None:
    course = await book_app.courses.get("sample")
    before = await book_app.library.status(course)
    for n in range(4):
        (book / "01-foundations" / f"big-{n}.md").write_bytes(b"# Big\n\n" + b"text " * 60_000)
    calls = await _ingest(discord_bot)
    assert calls[-1].content.startswith("⚠️") and "1 MB in all" in calls[-1].content, calls[-1].content
    assert (await book_app.library.status(course)).documents == before.documents


async def test_one_courses_ingest_does_not_wait_for_anothers(
    discord_bot: BotHarness, book_app, book: Path, monkeypatch
) -> None:
    """Course `sample`'s ingest is held inside its first file until course `evil`'s has finished."""
    setup = await discord_bot.send(
        discord_bot.slash("course", sub="setup", person=MALLORY, guild=MALLORY_GUILD, slug="evil")
    )
    assert "instructor" in setup[-1].content
    other = book_app.settings.books_folder() / "evil"
    (other / "ch").mkdir(parents=True)
    (other / "ch" / "one.md").write_text("# One\n\nA chapter of another class.\n")
    await book_app.courses.configure("evil", book_path="evil")
    held, other_done = threading.Event(), threading.Event()
    waited_for_other: list[bool] = []
    real = core.books.ingest.load_document

    def load(root, file, **options):
        if Path(root).name == "sample" and not held.is_set():
            held.set()
            # Not a timing assertion: the timeout only stops a broken lock from hanging the test.
            waited_for_other.append(other_done.wait(timeout=10))
        return real(root, file, **options)

    monkeypatch.setattr(core.books.ingest, "load_document", load)
    first = asyncio.create_task(_ingest(discord_bot))
    assert await asyncio.to_thread(held.wait, 10)
    second = await _ingest(discord_bot, MALLORY, guild=MALLORY_GUILD)
    other_done.set()
    assert "Book ingested" in second[-1].text() and "**1** added" in second[-1].text()
    assert "Book ingested" in (await first)[-1].text()
    assert waited_for_other == [True]  # the held ingest saw the other course's finish first


async def test_a_second_ingest_of_the_same_course_is_refused_by_the_core(
    discord_bot: BotHarness, book_app, book: Path, monkeypatch
) -> None:
    course = await book_app.courses.get("sample")
    held, release = threading.Event(), threading.Event()
    real = core.books.ingest.load_document

    def load(root, file, **options):
        if not held.is_set():
            held.set()
            release.wait(timeout=10)
        return real(root, file, **options)

    monkeypatch.setattr(core.books.ingest, "load_document", load)
    first = asyncio.create_task(_ingest(discord_bot))
    assert await asyncio.to_thread(held.wait, 10)
    from core.errors import StudyhallError

    with pytest.raises(StudyhallError, match="already running"):
        await book_app.library.ingest(course, book)  # as the CLI would: not through the bot's guard
    again = await _ingest(discord_bot)
    assert again[-1].ephemeral and "already running" in again[-1].content
    release.set()
    assert "Book ingested" in (await first)[-1].text()
