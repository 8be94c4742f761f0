"""Attacks on `/course config book_folder:`: a server admin of another class tries to point her
course at folders of the bot's machine. Only folders under the books root are offered and
accepted, the same words answer "missing" and "forbidden", and another course's folder is not hers."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.bot.harness import BotHarness, Person

MALLORY = Person("800000000000000666", "Mallory", staff=True)
MALLORY_GUILD = "700000000000000666"
REFUSED = "There is no book folder"


@pytest.fixture
async def books_root(book_app) -> Path:
    """The books root holding the victim course's folder (with its answer key) and a free folder."""
    root = book_app.settings.books_folder()
    victim = root / "secret-course"
    (victim / "01-intro").mkdir(parents=True)
    (victim / "01-intro" / "lesson.md").write_text("# Confidential\n\nThe exam answer is OMEGA-42.\n")
    (victim / "quizzes").mkdir()
    (victim / "quizzes" / "week-1.yaml").write_text("title: Week 1\nquestions: []\n")
    await book_app.courses.create("secret-course", "Secret course")
    await book_app.courses.configure("secret-course", book_path=str(victim), host_paths=True)
    (root / "physics-notes" / "week-1").mkdir(parents=True)
    (root / ".hidden").mkdir()
    return root


async def _mallory_course(bot: BotHarness) -> None:
    calls = await bot.send(bot.slash("course", sub="setup", person=MALLORY, guild=MALLORY_GUILD, slug="evil"))
    assert "you are its instructor" in calls[-1].content


async def _config(bot: BotHarness, folder: str):
    calls = await bot.send(
        bot.slash("course", sub="config", person=MALLORY, guild=MALLORY_GUILD, book_folder=folder)
    )
    return calls[-1]


async def test_host_paths_and_other_courses_folders_get_one_answer(
    discord_bot: BotHarness, book_app, books_root: Path, tmp_path: Path
) -> None:
    await _mallory_course(discord_bot)
    outside = tmp_path / "fakehome"
    outside.mkdir()
    (outside / "notes.md").write_text("# Notes\n\npassword hunter2\n")
    os.symlink(outside, books_root / "linked")  # a symlinked folder under the root
    os.symlink(books_root / "secret-course", books_root / "mirror")
    attempts = [
        "/etc",
        "~",
        "..",
        "../..",
        str(outside),
        str(books_root / "secret-course"),
        "secret-course",
        "secret-course/01-intro",
        "physics-notes/../secret-course",
        "linked",
        "mirror",
        "no-such-folder",
        "physics-notes/missing",
        ".hidden",
    ]
    answers = set()
    for attempt in attempts:
        reply = await _config(discord_bot, attempt)
        assert reply.ephemeral and reply.content.startswith("⚠️"), (attempt, reply.content)
        assert REFUSED in reply.content, (attempt, reply.content)
        answers.add(reply.content.replace(repr(attempt), "…"))
    assert len(answers) == 1, answers  # missing and forbidden read the same: no map of the host
    assert (await book_app.courses.get("evil")).book_path is None
    ingest = await discord_bot.send(
        discord_bot.slash("book", sub="ingest", person=MALLORY, guild=MALLORY_GUILD)
    )
    assert "no book folder yet" in ingest[-1].content


async def test_a_free_folder_under_the_root_is_accepted_and_shown_relative(
    discord_bot: BotHarness, book_app, books_root: Path
) -> None:
    await _mallory_course(discord_bot)
    reply = await _config(discord_bot, "physics-notes")
    assert reply.ephemeral and "Saved 1 setting(s)" in reply.content, reply.content
    assert "`physics-notes`" in reply.text() and str(books_root) not in reply.text()
    course = await book_app.courses.get("evil")
    assert course.book_path == str(books_root.resolve() / "physics-notes")
    assert stat.S_IMODE(os.stat(books_root).st_mode) == 0o700  # books may hold answer keys


async def test_autocomplete_offers_only_free_folders_under_the_root_own_first(
    discord_bot: BotHarness, books_root: Path
) -> None:
    await _mallory_course(discord_bot)
    (books_root / "evil").mkdir()
    os.symlink(books_root / "physics-notes", books_root / "zz-link")
    calls = await discord_bot.send(
        discord_bot.slash(
            "course",
            sub="config",
            person=MALLORY,
            guild=MALLORY_GUILD,
            focused="book_folder",
            book_folder="",
        )
    )
    offered = [c["value"] for c in calls[-1].json["data"]["choices"]]
    assert offered[0] == "evil"
    assert set(offered) == {"evil", "physics-notes", "physics-notes/week-1"}


async def test_a_host_folder_saved_before_the_books_root_is_not_ingested_from_discord(
    discord_bot: BotHarness, book_app, books_root: Path, tmp_path: Path
) -> None:
    """A course configured with `/etc`-like folders before this release keeps the value in the
    database; `/book ingest` must not read it (only a folder under the root or one the operator set)."""
    await _mallory_course(discord_bot)
    outside = tmp_path / "fakehome"
    outside.mkdir()
    (outside / "notes.md").write_text("# Notes\n\nprod password hunter2\n")
    course = await book_app.courses.get("evil")
    async with book_app.store.transaction() as s:  # as an older release saved it
        await s.courses.update(course.id, {"book_path": str(outside)}, book_app.clock())
    calls = await discord_bot.send(
        discord_bot.slash("book", sub="ingest", person=MALLORY, guild=MALLORY_GUILD)
    )
    assert calls[-1].ephemeral and calls[-1].content.startswith("⚠️"), calls[-1].content
    assert "/course config book_folder:" in calls[-1].content
    assert (await book_app.library.status(course)).documents == 0
    searched = await discord_bot.send(
        discord_bot.slash("search", person=MALLORY, guild=MALLORY_GUILD, query="password")
    )
    assert "hunter2" not in "\n".join(c.text() for c in searched)


async def test_a_folder_the_operator_set_outside_the_root_is_ingested_from_discord(
    discord_bot: BotHarness, book_app, books_root: Path, tmp_path: Path
) -> None:
    await _mallory_course(discord_bot)
    book = tmp_path / "operator-book"
    book.mkdir()
    (book / "one.md").write_text("# One\n\nThe operator put this book here.\n")
    await book_app.courses.configure("evil", book_path=str(book), host_paths=True)
    calls = await discord_bot.send(
        discord_bot.slash("book", sub="ingest", person=MALLORY, guild=MALLORY_GUILD)
    )
    assert "Book ingested" in calls[-1].text() and "**1** added" in calls[-1].text()
    status = await discord_bot.send(
        discord_bot.slash("book", sub="status", person=MALLORY, guild=MALLORY_GUILD)
    )
    assert "a folder the operator set" in status[-1].text() and str(tmp_path) not in status[-1].text()
