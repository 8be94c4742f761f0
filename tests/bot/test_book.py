"""/book ingest and /book status: re-ingesting the configured folder with throttled progress."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from core.books.layout import SAMPLE_BOOK_ROOT
from tests.bot.harness import CHANNEL_ID, INSTRUCTOR, STUDENT, BotHarness

NEW_GUILD = "700000000000000002"


class StepClock:
    """A monotonic clock that moves `step` seconds each time it is read."""

    def __init__(self, step: float):
        self.step, self.now, self.reads = step, 0.0, 0

    def __call__(self) -> float:
        self.reads += 1
        self.now += self.step
        return self.now


@pytest.fixture
def book_copy(tmp_path: Path) -> Path:
    """The sample book with one chapter changed, one added and one broken file."""
    root = tmp_path / "book"
    shutil.copytree(SAMPLE_BOOK_ROOT, root)
    sensors = root / "01-foundations" / "sensors.md"
    sensors.write_text(sensors.read_text() + "\n\n## Thermal cameras\n\nThermal cameras see heat.\n")
    (root / "01-foundations" / "actuators.md").write_text("# Actuators\n\nMotors move the joints.\n")
    return root


def _break_a_file(root: Path) -> None:
    (root / "01-foundations" / "broken.md").write_bytes(b"# Broken\n\xff\xfe not text\n")


def _clock(bot: BotHarness, step: float) -> StepClock:
    clock = StepClock(step)
    bot.bot.get_cog("Book").progress_clock = clock
    return clock


def _progress_edits(calls) -> list[str]:
    return [c.content for c in calls if c.method == "PATCH" and c.content.startswith("⏳ Ingesting")]


async def test_ingest_reports_what_changed_down_to_the_database(
    discord_bot: BotHarness, book_app, course, book_copy: Path
) -> None:
    await book_app.courses.configure("sample", book_path=str(book_copy), host_paths=True)
    _clock(discord_bot, 0.25)
    calls = await discord_bot.send(discord_bot.slash("book", sub="ingest", person=INSTRUCTOR))
    assert calls[0].kind == 5 and calls[0].ephemeral  # deferred at once
    final = calls[-1]
    assert final.method == "PATCH" and final.embeds
    text = final.text()
    assert "**1** added · **1** changed · **6** unchanged" in text and "**0** failed" in text
    assert "keyword-only" in text and "`01-foundations/actuators.md`" in text
    stored = {d.path: d.status for d in await book_app.library.reader.documents(course)}
    assert stored["01-foundations/actuators.md"] == "ready"
    section = await book_app.library.reader.get_section(
        course, "01-foundations/sensors.md", "thermal-cameras"
    )
    assert "see heat" in section.markdown


async def test_ingest_progress_edits_are_throttled(
    discord_bot: BotHarness, book_app, book_copy: Path
) -> None:
    await book_app.courses.configure("sample", book_path=str(book_copy), host_paths=True)
    frozen = _clock(discord_bot, 0.0)  # time stands still: only the first step is shown
    calls = await discord_bot.send(discord_bot.slash("book", sub="ingest", person=INSTRUCTOR))
    assert frozen.reads >= 5
    assert len(_progress_edits(calls)) == 1
    moving = _clock(discord_bot, 0.25)  # four steps a second: at most one edit a second
    calls = await discord_bot.send(discord_bot.slash("book", sub="ingest", person=INSTRUCTOR))
    edits = _progress_edits(calls)
    assert 1 <= len(edits) <= moving.reads * 0.25 + 1
    assert len(edits) < moving.reads
    assert "Reading files" in edits[0]
    assert "Book ingested" in calls[-1].text()  # the summary replaces the progress


async def test_a_second_ingest_of_the_same_book_is_refused(
    discord_bot: BotHarness, book_app, monkeypatch, book_copy: Path
) -> None:
    await book_app.courses.configure("sample", book_path=str(book_copy), host_paths=True)
    entered, release = asyncio.Event(), asyncio.Event()
    real = book_app.library.ingest_held

    async def held(course, root, progress=None):
        entered.set()
        await release.wait()
        return await real(course, root, progress)

    monkeypatch.setattr(book_app.library, "ingest_held", held)
    first = asyncio.create_task(discord_bot.send(discord_bot.slash("book", sub="ingest", person=INSTRUCTOR)))
    await entered.wait()
    second = await discord_bot.send(discord_bot.slash("book", sub="ingest", person=INSTRUCTOR))
    assert second[-1].ephemeral and "already running" in second[-1].content
    release.set()
    done = await first
    assert "Book ingested" in done[-1].text()
    again = await discord_bot.send(discord_bot.slash("book", sub="ingest", person=INSTRUCTOR))
    assert "Book ingested" in again[-1].text()  # the guard is lifted afterwards


async def test_ingest_without_a_folder_says_how_to_set_it(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("book", sub="ingest", person=INSTRUCTOR))
    assert calls[-1].ephemeral and "/course config book_folder:" in calls[-1].content


async def test_ingest_of_a_vanished_folder_is_worded(
    discord_bot: BotHarness, book_app, book_copy: Path
) -> None:
    await book_app.courses.configure("sample", book_path=str(book_copy), host_paths=True)
    shutil.rmtree(book_copy)
    calls = await discord_bot.send(discord_bot.slash("book", sub="ingest", person=INSTRUCTOR))
    assert "❌ The ingest stopped." in [c.content for c in calls if c.method == "PATCH"]
    assert calls[-1].ephemeral and "book folder" in calls[-1].content and calls[-1].content.startswith("⚠️")


async def test_failed_files_are_named_in_the_summary_and_the_status(
    discord_bot: BotHarness, book_app, course, book_copy: Path
) -> None:
    _break_a_file(book_copy)
    await book_app.courses.configure("sample", book_path=str(book_copy), host_paths=True)
    calls = await discord_bot.send(discord_bot.slash("book", sub="ingest", person=INSTRUCTOR))
    assert "with errors" in calls[-1].text() and "**1** failed" in calls[-1].text()
    assert "01-foundations/broken.md" in calls[-1].text() and "not UTF-8" in calls[-1].text()
    status = await discord_bot.send(discord_bot.slash("book", sub="status", person=INSTRUCTOR))
    assert "❌ 01-foundations/broken.md" in status[-1].text() and "not UTF-8" in status[-1].text()


async def test_status_shows_what_the_book_holds(discord_bot: BotHarness, book_app, course) -> None:
    status = await book_app.library.status(course)
    calls = await discord_bot.send(discord_bot.slash("book", sub="status", person=INSTRUCTOR))
    assert calls[-1].ephemeral
    text = calls[-1].text()
    assert f"**{status.ready}** of {status.documents} documents" in text
    assert f"**{status.sections}** sections" in text and f"**{status.chunks}** passages" in text
    assert status.chunks > 0 and status.sections > 0
    assert "keyword-only" in text and "Last ingest" in text


async def test_status_of_a_course_without_a_book(discord_bot: BotHarness) -> None:
    payload = discord_bot.slash("course", sub="setup", person=INSTRUCTOR, guild=NEW_GUILD, slug="empty")
    await discord_bot.send(payload)
    calls = await discord_bot.send(
        discord_bot.slash("book", sub="status", person=INSTRUCTOR, guild=NEW_GUILD)
    )
    assert "Not ingested yet" in calls[-1].text()


async def test_students_cannot_ingest_or_see_status(
    discord_bot: BotHarness, book_app, book_copy: Path
) -> None:
    await book_app.courses.configure("sample", book_path=str(book_copy), host_paths=True)
    for sub in ("ingest", "status"):
        calls = await discord_bot.send(discord_bot.slash("book", sub=sub, person=STUDENT))
        assert len(calls) == 1 and calls[0].ephemeral and calls[0].content.startswith("🔒")


async def _ingest_outliving_the_token(discord_bot: BotHarness, book_app, monkeypatch, minutes: float):
    """/book ingest whose work takes `minutes` on Discord's clock."""
    real = book_app.library.ingest_held

    async def slow(course, root, progress=None):
        report = await real(course, root, progress)
        await discord_bot.advance(minutes * 60)
        return report

    monkeypatch.setattr(book_app.library, "ingest_held", slow)
    return await discord_bot.send(discord_bot.slash("book", sub="ingest", person=INSTRUCTOR))


async def test_an_ingest_longer_than_the_token_posts_its_summary_in_the_channel(
    discord_bot: BotHarness, book_app, monkeypatch, book_copy: Path, caplog
) -> None:
    await book_app.courses.configure("sample", book_path=str(book_copy), host_paths=True)
    caplog.set_level("INFO")
    await _ingest_outliving_the_token(discord_bot, book_app, monkeypatch, minutes=16)
    shown = discord_bot.http.in_channel(CHANNEL_ID)
    summaries = [m for m in shown if any("Book ingested" in (e.get("title") or "") for e in m["embeds"])]
    assert len(summaries) == 1
    assert f"<@{INSTRUCTOR.id}>" in summaries[0]["content"] and "/book ingest" in summaries[0]["content"]
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


async def test_an_ingest_near_the_token_end_does_not_waste_the_last_call(
    discord_bot: BotHarness, book_app, monkeypatch, book_copy: Path
) -> None:
    await book_app.courses.configure("sample", book_path=str(book_copy), host_paths=True)
    calls = await _ingest_outliving_the_token(discord_bot, book_app, monkeypatch, minutes=14.5)
    assert all(c.status != 401 for c in calls)  # not tried with a token about to die
    assert any("Book ingested" in c.text() for c in calls if c.path.startswith("/channels/"))


async def test_an_ingest_whose_channel_is_closed_to_the_bot_dms_the_instructor(
    discord_bot: BotHarness, book_app, monkeypatch, book_copy: Path
) -> None:
    await book_app.courses.configure("sample", book_path=str(book_copy), host_paths=True)
    discord_bot.http.hidden_channels.add(CHANNEL_ID)
    await _ingest_outliving_the_token(discord_bot, book_app, monkeypatch, minutes=16)
    dm = discord_bot.http.dms[INSTRUCTOR.id]
    assert any(
        "Book ingested" in (e.get("title") or "")
        for m in discord_bot.http.in_channel(dm)
        for e in m["embeds"]
    )


async def test_an_ingest_that_fails_after_the_token_died_tells_the_instructor_by_dm(
    discord_bot: BotHarness, book_app, monkeypatch, book_copy: Path, caplog
) -> None:
    await book_app.courses.configure("sample", book_path=str(book_copy), host_paths=True)

    async def failing(course, root, progress=None):
        await discord_bot.advance(16 * 60)
        raise FileNotFoundError(root)  # the folder vanished during a long ingest

    monkeypatch.setattr(book_app.library, "ingest_held", failing)
    await discord_bot.send(discord_bot.slash("book", sub="ingest", person=INSTRUCTOR))
    told = discord_bot.http.in_channel(discord_bot.http.dms[INSTRUCTOR.id])
    assert len(told) == 1 and "/book ingest" in told[0]["content"]
    # The error was private, so it went by DM, not to the channel; and the handler did not fail.
    assert discord_bot.http.in_channel(CHANNEL_ID) == []
    assert not [r for r in caplog.records if "could not tell the user" in r.getMessage()]
