"""`/book upload file:` — a .zip of the book, downloaded with a cap, unpacked safely into the
course's folder under the books root, then ingested with progress. The attacks: path escapes,
symlink and device entries, 100,000 entries, a zip bomb, a 50 MB attachment, a lying size, a file
that is not a zip; files ingestion does not read are skipped and counted."""

from __future__ import annotations

import io
import os
import stat
import struct
import time
import zipfile
from pathlib import Path

import pytest

from core.books.layout import SAMPLE_BOOK_ROOT
from tests.bot.harness import INSTRUCTOR, STUDENT, Attachment, BotHarness

MB = 1_000_000


def _zip(files: dict[str, bytes], *, special: dict[str, tuple[int, bytes]] | None = None) -> bytes:
    """A .zip of `files` (name → bytes); `special` entries carry a Unix file type (name → (mode, data))."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        for name, (mode, data) in (special or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3  # Unix: the mode below is read from external_attr
            info.external_attr = mode << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def _sample_zip(top: str = "my-book/", extra: dict[str, bytes] | None = None) -> bytes:
    files = {
        f"{top}{path.relative_to(SAMPLE_BOOK_ROOT).as_posix()}": path.read_bytes()
        for path in sorted(SAMPLE_BOOK_ROOT.rglob("*"))
        if path.is_file()
    }
    return _zip(files | (extra or {}))


async def _upload(bot: BotHarness, attachment: Attachment, person=INSTRUCTOR):
    started = time.perf_counter()
    calls = await bot.send(bot.slash("book", sub="upload", person=person, file=attachment))
    return calls, time.perf_counter() - started


def _folder(book_app) -> Path:
    return book_app.settings.books_folder() / "sample"


async def test_upload_unpacks_unwraps_skips_and_ingests_with_progress(
    discord_bot: BotHarness, book_app, course
) -> None:
    data = _sample_zip(extra={"my-book/run.py": b"import os", "my-book/notes.txt": b"hi"})
    calls, _ = await _upload(discord_bot, Attachment("book.zip", data))
    assert calls[0].kind == 5 and calls[0].ephemeral
    edits = [c.content for c in calls if c.method == "PATCH"]
    assert any(e.startswith("⏳ Ingesting") for e in edits), edits
    final = calls[-1].text()
    assert "Book ingested" in final and "**0** failed" in final
    assert "**2** skipped" in final and "`my-book/run.py`" in final  # counted and named
    folder = _folder(book_app)
    assert (folder / "01-foundations" / "balance-and-zmp.md").is_file()  # unwrapped from my-book/
    assert (folder / "quizzes" / "week-1.yaml").is_file() and not (folder / "run.py").exists()
    assert (await book_app.courses.get("sample")).book_path == str(folder)
    read = await discord_bot.send(discord_bot.slash("read", chapter="01-foundations/balance-and-zmp.md"))
    assert read[-1].embeds

    smaller = _zip({"only.md": b"# Only\n\nOne chapter now.\n"})
    calls, _ = await _upload(discord_bot, Attachment("book.zip", smaller))
    assert "Book ingested" in calls[-1].text()
    assert sorted(p.name for p in folder.iterdir()) == ["only.md"]  # the old book was swapped out
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no staging left


@pytest.mark.parametrize(
    ("entries", "special", "words"),
    [
        ({"../evil.md": b"# Evil"}, None, "leaves the book's folder"),
        ({"/abs.md": b"# Abs"}, None, "leaves the book's folder"),
        ({"ch/../../evil.md": b"# Evil"}, None, "leaves the book's folder"),
        ({"C:\\evil.md": b"# Evil"}, None, "leaves the book's folder"),
        ({"ok.md": b"# Ok"}, {"link.md": (stat.S_IFLNK | 0o777, b"/etc/passwd")}, "symbolic link"),
        ({"ok.md": b"# Ok"}, {"dev.md": (stat.S_IFCHR | 0o644, b"")}, "special file"),
        ({"ok.md": b"# Ok"}, {"fifo.md": (stat.S_IFIFO | 0o644, b"")}, "special file"),
    ],
)
async def test_hostile_entries_refuse_the_upload_and_change_nothing(
    discord_bot: BotHarness, book_app, entries, special, words, tmp_path: Path
) -> None:
    folder = _folder(book_app)
    folder.mkdir()
    (folder / "kept.md").write_text("# Kept\n")
    calls, _ = await _upload(discord_bot, Attachment("book.zip", _zip(entries, special=special)))
    assert calls[-1].ephemeral and calls[-1].content.startswith("⚠️"), calls[-1].content
    assert words in calls[-1].content and "Nothing was changed" in calls[-1].content
    assert [p.name for p in folder.iterdir()] == ["kept.md"]
    assert not (folder.parent / "evil.md").exists() and not (tmp_path / "evil.md").exists()
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]
    assert (await book_app.courses.get("sample")).book_path is None


@pytest.mark.parametrize("lie", [False, True], ids=["honest", "end-record-says-3"])
async def test_a_hostile_100000_entry_zip_is_refused_quickly(discord_bot: BotHarness, book_app, lie) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for n in range(100_000):
            archive.writestr(f"c/{n}.md", b"")
    data = buffer.getvalue()
    if lie:  # the end record's entry counts say 3: the directory itself must be counted
        end = data.rfind(b"PK\x05\x06")
        data = data[: end + 8] + struct.pack("<HH", 3, 3) + data[end + 12 :]
    calls, seconds = await _upload(discord_bot, Attachment("many.zip", data))
    assert calls[-1].content.startswith("⚠️") and "entries" in calls[-1].content, calls[-1].content
    assert not _folder(book_app).exists()
    print(f"\n100,000-entry zip ({len(data) / MB:.1f} MB, lie={lie}) refused in {seconds:.2f} s")


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """1 GB of zeros in one entry: about 1 MB compressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("bomb.md")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as entry:
            block = bytes(MB)
            for _ in range(1000):
                entry.write(block)
    return buffer.getvalue()


async def test_a_zip_bomb_is_refused_while_reading(discord_bot: BotHarness, book_app, zip_bomb) -> None:
    assert len(zip_bomb) < 2 * MB
    calls, seconds = await _upload(discord_bot, Attachment("bomb.zip", zip_bomb))
    assert calls[-1].content.startswith("⚠️") and "zip bomb" in calls[-1].content, calls[-1].content
    assert not _folder(book_app).exists()
    print(f"\nzip bomb refused in {seconds:.2f} s")


async def test_a_50_mb_attachment_is_refused_before_downloading(discord_bot: BotHarness, book_app) -> None:
    calls, seconds = await _upload(discord_bot, Attachment("big.zip", b"PK", size=50 * MB))
    assert calls[-1].ephemeral and calls[-1].content.startswith("⚠️"), calls[-1].content
    assert "25 MB" in calls[-1].content
    assert not [c for c in calls if c.method == "GET"]  # never downloaded
    print(f"\n50 MB attachment refused in {seconds * 1000:.1f} ms")


async def test_an_attachment_larger_than_it_said_is_cut_off(discord_bot: BotHarness, book_app) -> None:
    served = b"PK" + bytes(30 * MB)
    calls, _ = await _upload(discord_bot, Attachment("liar.zip", served, size=1000))
    assert calls[-1].content.startswith("⚠️") and "25 MB" in calls[-1].content, calls[-1].content
    assert discord_bot.http.cdn_served[0] <= 25 * MB + (1 << 16)  # stopped reading at the cap
    assert not _folder(book_app).exists()


async def test_a_file_that_is_not_a_zip_is_refused(discord_bot: BotHarness, book_app) -> None:
    calls, _ = await _upload(
        discord_bot, Attachment("book.zip", b"# just markdown\n", content_type="text/plain")
    )
    assert calls[-1].content.startswith("⚠️") and "not a .zip" in calls[-1].content
    nothing = _zip({"notes.txt": b"hello", "tool.py": b"print()"})
    calls, _ = await _upload(discord_bot, Attachment("book.zip", nothing))
    assert calls[-1].content.startswith("⚠️") and "no Markdown" in calls[-1].content, calls[-1].content


async def test_an_entry_over_the_file_cap_is_refused(discord_bot: BotHarness, book_app) -> None:
    big = os.urandom(6 * MB)  # 6 MB that does not compress away (no ratio check in the way)
    calls, _ = await _upload(discord_bot, Attachment("book.zip", _zip({"big.md": big})))
    assert (
        calls[-1].content.startswith("⚠️") and "`big.md`" in calls[-1].content and "5 MB" in calls[-1].content
    )
    assert not _folder(book_app).exists()


async def test_students_cannot_upload(discord_bot: BotHarness, book_app) -> None:
    calls, _ = await _upload(discord_bot, Attachment("book.zip", _sample_zip()), person=STUDENT)
    assert calls[-1].ephemeral and calls[-1].content.startswith("🔒")
    assert not [c for c in calls if c.method == "GET"] and not _folder(book_app).exists()


async def test_an_upload_never_writes_into_a_folder_another_course_reads(
    discord_bot: BotHarness, book_app
) -> None:
    folder = _folder(book_app)
    folder.mkdir()
    (folder / "kept.md").write_text("# Kept\n")
    await book_app.courses.create("other", "Other")
    await book_app.courses.configure("other", book_path=str(folder), host_paths=True, share_folder=True)
    calls, _ = await _upload(discord_bot, Attachment("book.zip", _sample_zip()))
    assert calls[-1].ephemeral and calls[-1].content.startswith("⚠️") and "another course" in calls[-1].content
    assert [p.name for p in folder.iterdir()] == ["kept.md"]


async def test_an_upload_while_the_book_is_being_ingested_is_refused(
    discord_bot: BotHarness, book_app, course
) -> None:
    with book_app.library.exclusive(course):  # an ingest of this course under way (CLI or Discord)
        calls, _ = await _upload(discord_bot, Attachment("book.zip", _sample_zip()))
    assert calls[-1].ephemeral and "already running" in calls[-1].content
    assert not [c for c in calls if c.method == "GET"] and not _folder(book_app).exists()
