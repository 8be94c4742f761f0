"""/book ingest sample:true: the sample book shipped with Studyhall, loaded from Discord as
`studyhall ingest --sample` loads it, and never over another book without saying so."""

from __future__ import annotations

import shutil
from pathlib import Path

from core.books.layout import SAMPLE_BOOK_ROOT
from tests.bot.harness import INSTRUCTOR, STUDENT, BotHarness

NEW_GUILD = "700000000000000002"


async def _new_course(bot: BotHarness) -> None:
    await bot.send(bot.slash("course", sub="setup", person=INSTRUCTOR, guild=NEW_GUILD, slug="fresh"))


async def _sample(bot: BotHarness, person=INSTRUCTOR, guild: str = NEW_GUILD, **options):
    return await bot.send(bot.slash("book", sub="ingest", person=person, guild=guild, sample=True, **options))


async def test_the_sample_book_loads_into_a_new_course(discord_bot: BotHarness, book_app) -> None:
    await _new_course(discord_bot)
    calls = await _sample(discord_bot)
    assert calls[0].kind == 5 and calls[0].ephemeral  # deferred: it takes a while
    text = calls[-1].text()
    assert "Book ingested" in text and "**0** failed" in text
    course = await book_app.courses.get("fresh")
    status = await book_app.library.status(course)
    assert status.ready > 0 and status.book_path == str(SAMPLE_BOOK_ROOT.resolve())
    hits = await book_app.library.search(course, "walking robot balance")
    assert hits.hits  # searchable, as after `studyhall ingest --sample`


async def test_loading_it_again_changes_nothing(discord_bot: BotHarness) -> None:
    calls = await _sample(discord_bot, guild="700000000000000001")  # the course holds the sample book
    assert "**0** added" in calls[-1].text() and "**0** removed" in calls[-1].text()


async def test_a_course_with_its_own_book_folder_is_not_replaced_unasked(
    discord_bot: BotHarness, book_app, tmp_path: Path
) -> None:
    root = book_app.settings.books_folder() / "robots"
    shutil.copytree(SAMPLE_BOOK_ROOT / "01-foundations", root / "01-foundations")
    await _new_course(discord_bot)
    await book_app.courses.configure("fresh", book_path="robots")
    await discord_bot.send(discord_bot.slash("book", sub="ingest", person=INSTRUCTOR, guild=NEW_GUILD))
    course = await book_app.courses.get("fresh")
    before = await book_app.library.status(course)
    calls = await _sample(discord_bot)
    assert calls[-1].ephemeral and calls[-1].content.startswith("⚠️")
    assert "`robots`" in calls[-1].content and "replace:true" in calls[-1].content
    assert (await book_app.library.status(course)).documents == before.documents
    calls = await _sample(discord_bot, replace=True)
    assert "Book ingested" in calls[-1].text()
    course = await book_app.courses.get("fresh")
    assert course.book_path is None  # /book ingest no longer brings the old folder back
    assert (await book_app.library.status(course)).book_path == str(SAMPLE_BOOK_ROOT.resolve())


async def test_a_book_loaded_by_the_operator_is_not_replaced_unasked(
    discord_bot: BotHarness, book_app, tmp_path: Path
) -> None:
    shutil.copytree(SAMPLE_BOOK_ROOT / "01-foundations", tmp_path / "book" / "01-foundations")
    await _new_course(discord_bot)
    await book_app.library.ingest(await book_app.courses.get("fresh"), tmp_path / "book")
    calls = await _sample(discord_bot)
    assert calls[-1].content.startswith("⚠️") and "replace:true" in calls[-1].content


async def test_students_cannot_load_the_sample(discord_bot: BotHarness) -> None:
    calls = await _sample(discord_bot, person=STUDENT, guild="700000000000000001")
    assert len(calls) == 1 and calls[0].content.startswith("🔒")
