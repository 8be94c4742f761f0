"""Unpacking an uploaded .zip of a book, trusting nothing in it.

Refused outright (nothing is unpacked): a file that is not a zip, more entries than the cap, a name
that leaves the folder (absolute, `..`, a drive), a symlink or special-file entry, an encrypted
entry, an entry past the per-file cap or the archive past the total cap (counted while reading:
the header's sizes may lie), and an entry that expands more than MAX_RATIO times (a zip bomb).
Kept: only what ingestion reads. The rest is skipped and named. A zip whose files all sit in one
top folder is unwrapped.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from core.books.limits import NOTHING_CHANGED, file_too_large
from core.books.safe_files import megabytes
from core.errors import InvalidInput

MAX_RATIO = 100  # deflated Markdown expands 3–10 times; past 100 it is a bomb, not a book
RATIO_FLOOR = 1_000_000  # small entries may expand as they like
CHUNK = 1 << 16
DOCUMENTS = (".md", ".mdx")
CATEGORY_FILES = ("_category_.json", "_category_.yml", "_category_.yaml")
SYLLABUS_FILES = ("syllabus.yaml", "syllabus.yml")
QUIZ_SUFFIXES = (".yaml", ".yml")
_SKIPPED_FOLDERS = ("__MACOSX",)


@dataclass(frozen=True)
class UnzipLimits:
    max_entries: int = 10_000
    max_files: int = 2_000
    max_file_bytes: int = 5_000_000
    max_total_bytes: int = 100_000_000


@dataclass
class Unpacked:
    files: list[str] = field(default_factory=list)  # kept, relative to the book folder
    skipped: list[str] = field(default_factory=list)  # as named in the zip
    bytes: int = 0


def refuse(message: str) -> InvalidInput:
    return InvalidInput("zip", f"{message} {NOTHING_CHANGED}")


def unpack(data: bytes, dest: Path, limits: UnzipLimits) -> Unpacked:
    """Unpack `data` (a .zip) into the empty folder `dest`; raise InvalidInput on any danger.
    On refusal `dest` may hold part of the book: the caller throws it away."""
    archive = _open(data, limits)
    entries = [(info, _parts(info)) for info in archive.infolist()]
    for info, _ in entries:
        _check_kind(info)
    files = [(info, parts) for info, parts in entries if not info.is_dir()]
    unpacked = Unpacked()
    visible = []
    for info, parts in files:
        if any(part.startswith(".") or part in _SKIPPED_FOLDERS for part in parts):
            unpacked.skipped.append(info.filename)  # hidden files and macOS resource forks
        else:
            visible.append((info, parts))
    tops = {parts[0] for _, parts in visible}
    if len(tops) == 1 and all(len(parts) > 1 for _, parts in visible):
        visible = [(info, parts[1:]) for info, parts in visible]  # one top folder: unwrapped
    kept = []
    for info, parts in visible:
        if _read_by_ingest(parts):
            kept.append((info, parts))
        else:
            unpacked.skipped.append(info.filename)
    if not any(parts[-1].lower().endswith(DOCUMENTS) for _, parts in kept):
        raise InvalidInput(
            "zip", "The .zip holds no Markdown (.md or .mdx) files: there is no book to ingest."
        )
    if len(kept) > limits.max_files:
        raise refuse(f"The .zip holds more than {limits.max_files} book files, the most one ingest takes.")
    for info, parts in kept:
        unpacked.bytes += _extract(archive, info, dest.joinpath(*parts), limits, unpacked.bytes)
        unpacked.files.append("/".join(parts))
    return unpacked


def _open(data: bytes, limits: UnzipLimits) -> zipfile.ZipFile:
    count = _declared_entries(data, limits.max_entries)
    if count is not None and count > limits.max_entries:  # refused before reading the directory
        raise refuse(f"The .zip holds more than {limits.max_entries} entries, the most an upload may hold.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise InvalidInput(
            "zip", "That file is not a .zip archive: zip the book's folder and upload the .zip."
        ) from None
    if len(archive.infolist()) > limits.max_entries:
        raise refuse(f"The .zip holds more than {limits.max_entries} entries, the most an upload may hold.")
    return archive


def _declared_entries(data: bytes, most: int) -> int | None:
    """How many entries the central directory holds, counted (up to `most` + 1) by walking its
    headers before zipfile builds an object per entry: the end record's own count may lie.
    None when the directory cannot be found (zipfile then says what is wrong)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return None
    offset = int.from_bytes(data[end + 16 : end + 20], "little")
    if offset == 0xFFFFFFFF:  # zip64: the offset is in the zip64 end record
        locator = end - 20
        if locator < 0 or data[locator : locator + 4] != b"PK\x06\x07":
            return None
        record = int.from_bytes(data[locator + 8 : locator + 16], "little")
        if data[record : record + 4] != b"PK\x06\x06":
            return None
        offset = int.from_bytes(data[record + 48 : record + 56], "little")
    count = 0
    while count <= most and data[offset : offset + 4] == b"PK\x01\x02":
        sizes = data[offset + 28 : offset + 34]
        if len(sizes) < 6:
            break
        name, extra, comment = (int.from_bytes(sizes[i : i + 2], "little") for i in (0, 2, 4))
        offset += 46 + name + extra + comment
        count += 1
    return count


def _parts(info: zipfile.ZipInfo) -> tuple[str, ...]:
    name = info.filename
    unified = name.replace("\\", "/")
    path = PurePosixPath(unified)
    parts = tuple(part for part in path.parts if part not in ("", "."))
    if (
        "\x00" in name
        or unified.startswith("/")
        or (len(unified) > 1 and unified[1] == ":")  # C:\…, a drive
        or ".." in parts
        or not parts
    ):
        raise refuse(f"The .zip holds `{name}`, a path that leaves the book's folder.")
    return parts


def _check_kind(info: zipfile.ZipInfo) -> None:
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if info.create_system == 3 and kind:  # Unix entries say what they are
        if stat.S_ISLNK(mode):
            raise refuse(
                f"The .zip holds `{info.filename}`, a symbolic link: links are not unpacked (they could "
                "reach outside the book)."
            )
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise refuse(f"The .zip holds `{info.filename}`, a special file (device, pipe or socket).")
    if info.flag_bits & 0x1:
        raise refuse(f"The .zip's entry `{info.filename}` is encrypted: upload it without a password.")


def _read_by_ingest(parts: tuple[str, ...]) -> bool:
    name = parts[-1].lower()
    if name in CATEGORY_FILES:
        return True
    if len(parts) == 1 and name in SYLLABUS_FILES:
        return True
    if len(parts) == 2 and parts[0] == "quizzes" and name.endswith(QUIZ_SUFFIXES):
        return True
    return name.endswith(DOCUMENTS)


def _extract(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, limits: UnzipLimits, so_far: int
) -> int:
    """Copy one entry, counting what it really expands to; the bytes written."""
    ratio_cap = max(RATIO_FLOOR, MAX_RATIO * max(info.compress_size, 1))
    if info.file_size > ratio_cap:  # what the header admits; what it hides is counted below
        raise _bomb(info)
    relative = target.name
    written = 0
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as out, archive.open(info) as source:
            while chunk := source.read(CHUNK):
                written += len(chunk)
                if written > limits.max_file_bytes:
                    raise file_too_large(info.filename, limits.max_file_bytes)
                if so_far + written > limits.max_total_bytes:
                    raise refuse(
                        f"The .zip's book files come to more than {megabytes(limits.max_total_bytes)} MB "
                        "unpacked, the most one ingest takes."
                    )
                if written > ratio_cap:
                    raise _bomb(info)
                out.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as err:
        raise refuse(f"The .zip is damaged or uses an unknown compression ({relative}: {err}).") from None
    except FileExistsError:
        raise refuse(f"The .zip holds `{info.filename}` twice.") from None
    except OSError as err:
        raise refuse(
            f"The .zip's entry `{info.filename}` cannot be unpacked ({err.strerror or err})."
        ) from None
    return written


def _bomb(info: zipfile.ZipInfo) -> InvalidInput:
    return refuse(
        f"The .zip's entry `{info.filename}` expands more than {MAX_RATIO} times its compressed size "
        "(a zip bomb?)."
    )
