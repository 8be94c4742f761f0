"""What a parsed book is made of: documents, their sections and their chunks.

These are plain values with no database in sight; the store and the search index persist them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.errors import StudyhallError


class BookParseError(StudyhallError):
    """A file that cannot be parsed: the message names the file (and the line when known)."""

    def __init__(self, path: str, message: str, line: int | None = None):
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Section:
    """One heading and its own content (not its subsections), in reading order."""

    position: int  # 0.. order within the document
    level: int  # 0 for the preamble before any heading, 1 for H1, 2 for H2 ...
    heading: str  # as written, without '#' and without {#id}; the document title for the preamble
    headings: tuple[str, ...]  # path from the top: (chapter title, section, subsection, ...)
    anchor: str  # Docusaurus anchor; "" for the preamble and the H1 title
    markdown: str  # own content, MDX cleaned, starting with the (normalised ATX) heading line


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage: part of one section, never more than one."""

    chunk_index: int  # 0.. within the document, in reading order
    section_position: int  # Section.position it comes from
    heading: str
    headings: tuple[str, ...]
    anchor: str
    text: str  # Markdown, starting with overlap from the previous chunk of the same section
    embed_text: str  # heading path + prose with code reduced to language/comments/signatures
    token_count: int  # count_tokens(text)
    has_code: bool


@dataclass(frozen=True)
class BookDocument:
    """One Markdown/MDX file of a book, parsed and chunked."""

    path: str  # posix path relative to the book root, e.g. "module3-ai/vslam.md"
    title: str
    content_hash: str  # sha256 hex of the file's raw bytes
    metadata: dict  # module, module_label, week, difficulty, language, sidebar_position, ...
    sections: list[Section] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
