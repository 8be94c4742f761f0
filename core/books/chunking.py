"""Sections -> retrievable chunks of at most `max_tokens`, never cut inside a fence or a table.

How a section is cut:

* A chunk never spans two sections, so every section with content (even one line under a
  heading) is findable on its own; a heading with no content of its own gives no chunk.
* Blocks (paragraphs, lists, fences, tables, ...) are packed whole while they fit. A block that
  does not fit is opened up: a list into its items, an item or a blockquote into its blocks, a
  paragraph into sentences (words as a last resort), a table into rows under a repeated header,
  and a code fence into runs of lines (preferably at blank lines), each run re-opened with the
  original fence line (language kept) and closed, so every piece is valid Markdown on its own.
  Only a single line longer than the bound can give a chunk over `max_tokens`.
* A chunk whose own content would be tiny is filled with the first part of the next block rather
  than left as a fragment; pieces of a split block are balanced so none is a small leftover; a
  lead-in paragraph ending with ':' moves with the code or list it introduces.
* Consecutive chunks of one section overlap by up to `overlap` tokens: the last sentences of the
  previous prose, or, for the next piece of a split fence, its last lines inside the fence.
"""

from __future__ import annotations

import math
import re
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core.books.markdown import Block, ParsedSection, parse_blocks
from core.books.model import Chunk, Section

DEFAULT_MAX_TOKENS = 220
DEFAULT_OVERLAP = 30
EMBED_MAX_WORDS = 200

_TOKEN = re.compile(r"\w+|[^\w\s]+")


def count_tokens(text: str) -> int:
    """A cheap, additive token estimate: runs of word characters plus runs of punctuation."""
    return len(_TOKEN.findall(text))


def chunk_sections(
    sections: Iterable[ParsedSection | Section],
    *,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    overlap: int = DEFAULT_OVERLAP,
) -> list[Chunk]:
    """Chunks of a document's sections, numbered in reading order."""
    if max_tokens < 20 or not 0 <= overlap < max_tokens // 2:
        raise ValueError("need max_tokens >= 20 and 0 <= overlap < max_tokens / 2")
    chunks: list[Chunk] = []
    for item in sections:
        section, blocks = _with_blocks(item)
        heading = _heading_piece(section)
        for pieces in _SectionPacker(max_tokens, overlap).pack(heading, blocks):
            text = "\n\n".join(piece.text for piece in pieces)
            chunks.append(
                Chunk(
                    chunk_index=len(chunks),
                    section_position=section.position,
                    heading=section.heading,
                    headings=section.headings,
                    anchor=section.anchor,
                    text=text,
                    embed_text=embed_text(section.headings, text),
                    token_count=sum(piece.tokens for piece in pieces),  # counts are additive
                    has_code=any(piece.has_code for piece in pieces),
                )
            )
    return chunks


def _with_blocks(item: ParsedSection | Section) -> tuple[Section, tuple[Block, ...]]:
    if isinstance(item, ParsedSection):
        return item.section, item.blocks
    body = item.markdown.split("\n", 1)[1] if item.level > 0 and "\n" in item.markdown else ""
    return item, parse_blocks(item.markdown if item.level == 0 else body)


def _heading_piece(section: Section) -> _Piece | None:
    if section.level == 0:
        return None
    line = section.markdown.split("\n", 1)[0]
    return _Piece(line, count_tokens(line), kind="heading", sticky=True)


# --- pieces and packing -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Piece:
    text: str
    tokens: int
    kind: str = "prose"  # prose | code | table | heading
    has_code: bool = False
    sticky: bool = False  # belongs with what follows: the heading, a lead-in ending with ':'
    continued: bool = False  # a later piece of a split fence/table: brings its own context
    overlap: bool = False  # repeated from the end of the previous chunk


class _SectionPacker:
    """Fills chunks for one section; see the module docstring for the rules."""

    def __init__(self, max_tokens: int, overlap: int):
        self.max = max_tokens
        self.overlap = overlap
        self.min = max_tokens // 4  # below this a chunk's own content is a fragment
        self.done: list[list[_Piece]] = []
        self.current: list[_Piece] = []
        self.tokens = 0

    def pack(self, heading: _Piece | None, blocks: Iterable[Block]) -> list[list[_Piece]]:
        if heading is not None:
            self._add(heading)
        queue: deque[Block | _Piece] = deque(blocks)
        while queue:
            item = queue.popleft()
            if isinstance(item, _Piece):
                self._place(item)
                continue
            fence = _Fence.of(item.text) if item.kind == "fence" else None
            size = fence.tokens if fence else count_tokens(item.text)
            if self.tokens + size <= self.max or (
                size <= self.max and self._own() >= self.min and self._close(size)
            ):
                self._add(fence.whole() if fence else _whole(item, size))
            elif item.children:
                queue.extendleft(reversed(item.children))
            else:
                if self.max - self.tokens < self.min:
                    self._close(0)
                queue.extendleft(reversed(self._split(item, fence)))
        self._finish()
        return self.done

    def _split(self, block: Block, fence: _Fence | None) -> list[_Piece]:
        room = self.max - self.tokens
        if fence is not None:
            return fence.split(room, self.max - self.overlap, self.min, self.overlap)
        if block.kind == "table":
            return _split_table(block.text, room, self.max, self.min)
        return _split_prose(block.text, room, self.max - self.overlap, self.min)

    def _place(self, piece: _Piece) -> None:
        if self.tokens + piece.tokens > self.max and self._has_content():
            self._close(piece.tokens, continued=piece.continued)
        # If it still does not fit it is a single line longer than a chunk: it goes alone.
        self._add(piece)

    def _add(self, piece: _Piece) -> None:
        self.current.append(piece)
        self.tokens += piece.tokens

    def _own(self) -> int:
        return sum(p.tokens for p in self.current if not (p.overlap or p.kind == "heading"))

    def _has_content(self) -> bool:
        return any(not (p.overlap or p.kind == "heading") for p in self.current)

    def _close(self, next_tokens: int, *, continued: bool = False) -> bool:
        """End the current chunk; seed the next with overlap and a carried lead-in if they fit."""
        if not self._has_content():
            return False  # never leave a heading alone in a chunk
        cut = len(self.current)
        while cut > 0 and self.current[cut - 1].sticky and self.current[cut - 1].kind != "heading":
            cut -= 1
        carry = self.current[cut:]
        kept = self.current[:cut]
        carried = sum(p.tokens for p in carry)
        if not carry or carried + next_tokens > self.max or not _content(kept):
            kept, carry, carried = self.current, [], 0
        self.done.append(kept)
        lead = None if continued else _overlap_piece(kept[-1], self.overlap)
        if lead is not None and lead.tokens + carried + next_tokens > self.max:
            lead = None
        self.current = ([lead] if lead else []) + carry
        self.tokens = sum(p.tokens for p in self.current)
        return True

    def _finish(self) -> None:
        if self._has_content():
            self.done.append(self.current)
        if len(self.done) < 2:
            return
        previous = list(self.done[-2])
        own = [p for p in self.done[-1] if not p.overlap]
        own_tokens = sum(p.tokens for p in own)
        if own_tokens >= self.min or any(p.continued for p in own):
            return
        if sum(p.tokens for p in previous) + own_tokens <= self.max:
            self.done[-2:] = [previous + own]  # a small leftover joins the chunk before it
            return
        # Otherwise take whole pieces from the end of the previous chunk until the last one is
        # no longer a fragment, as long as the previous one does not become one instead.
        left = sum(p.tokens for p in previous if not (p.overlap or p.kind == "heading"))
        while own_tokens < self.min and _content(previous[:-1]):
            moved = previous[-1]
            if moved.continued or own_tokens + moved.tokens > self.max:
                return
            if left - moved.tokens < self.min:
                break
            left -= moved.tokens
            previous.pop()
            own.insert(0, moved)
            own_tokens += moved.tokens
        lead = _overlap_piece(previous[-1], self.overlap)
        if lead is not None and lead.tokens + own_tokens > self.max:
            lead = None
        self.done[-2:] = [previous, ([lead] if lead else []) + own]


def _content(pieces: list[_Piece]) -> bool:
    return any(not (p.overlap or p.kind == "heading") for p in pieces)


def _whole(block: Block, size: int) -> _Piece:
    if block.kind == "table":
        return _Piece(block.text, size, "table")
    lead_in = block.kind == "paragraph" and block.text.rstrip().rstrip("*_").endswith(":")
    return _Piece(block.text, size, "prose", has_code=block.has_code, sticky=lead_in)


def _overlap_piece(previous: _Piece, limit: int) -> _Piece | None:
    """The last sentences (up to `limit` tokens) of a prose piece, to open the next chunk."""
    if limit <= 0 or previous.kind != "prose" or previous.has_code or previous.overlap:
        return None
    units = _prose_units(previous.text)
    taken: list[str] = []
    total = 0
    for unit in reversed(units):
        cost = count_tokens(unit)
        if total + cost > limit:
            break
        taken.insert(0, unit)
        total += cost
    if taken:
        text = "".join(taken).strip()
    else:  # one long sentence: its last words
        words: list[str] = []
        for word in reversed(units[-1].split()):
            cost = count_tokens(word)
            if total + cost > limit - 1:
                break
            words.insert(0, word)
            total += cost
        text = "… " + " ".join(words) if words else ""
    if not text or text.count("`") % 2:
        return None
    return _Piece(text, count_tokens(text), "prose", overlap=True)


# --- splitting one block ------------------------------------------------------------------------

_FENCE_OPEN = re.compile(r"((?:[ \t]*>)*[ \t]*)(`{3,}|~{3,})(.*)")
_FENCE_CLOSE = re.compile(r"(?:[ \t]*>)*[ \t]*(`{3,}|~{3,})[ \t]*")
_TABLE_DELIMITER = re.compile(r"[ \t>]*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*")
_PROSE_UNIT_END = re.compile(r"[.!?][)\"'*_]*\s+|\n")


@dataclass(frozen=True)
class _Fence:
    """A fenced code block taken apart, with each line's token count, so it is counted once."""

    head: list[str]  # lines before the opening fence (rare: e.g. a link definition) + the opener
    body: list[str]
    closer: str  # the closing fence line, made up when the source leaves the fence open
    costs: list[int]  # tokens per body line
    head_tokens: int
    opener_tokens: int
    closer_tokens: int

    @classmethod
    def of(cls, text: str) -> _Fence:
        lines = text.split("\n")
        start = next((i for i, line in enumerate(lines) if _FENCE_OPEN.fullmatch(line)), 0)
        opener = _FENCE_OPEN.fullmatch(lines[start])
        marker = opener.group(2) if opener else "```"
        indent = opener.group(1) if opener else ""
        body, closer = lines[start + 1 :], f"{indent}{marker}"
        if body:
            close = _FENCE_CLOSE.fullmatch(body[-1])
            if close and close.group(1)[0] == marker[0] and len(close.group(1)) >= len(marker):
                body, closer = body[:-1], body[-1]
        head = lines[: start + 1]
        return cls(
            head,
            body,
            closer,
            [count_tokens(line) for line in body],
            count_tokens("\n".join(head)),
            count_tokens(lines[start]),
            count_tokens(closer),
        )

    @property
    def tokens(self) -> int:
        return self.head_tokens + sum(self.costs) + self.closer_tokens

    def whole(self) -> _Piece:
        text = "\n".join([*self.head, *self.body, self.closer])
        return _Piece(text, self.tokens, "code", has_code=True)

    def split(self, first_room: int, room: int, min_piece: int, overlap: int) -> list[_Piece]:
        """Runs of lines, each re-opened and closed; later runs start with the previous run's
        last lines (up to `overlap` tokens) for context."""
        body, costs = self.body, self.costs
        opener = self.head[-1]
        indent = len(opener) - len(opener.lstrip())

        def good_break(end: int) -> bool:
            if end >= len(body) or not body[end - 1].strip():
                return True
            following = body[end]
            return bool(following.strip()) and len(following) - len(following.lstrip()) <= indent

        fixed = self.head_tokens + self.closer_tokens
        pieces: list[_Piece] = []
        previous: tuple[int, int] | None = None
        for span in _partition(costs, fixed, first_room, room, min_piece, good_break):
            own = _trim_span(span, body)
            if previous is None:
                head, lead, tokens = self.head, (0, 0), self.head_tokens
            else:
                head, lead, tokens = (
                    [opener],
                    _tail(previous, costs, body, overlap),
                    self.opener_tokens,
                )
            tokens += sum(costs[lead[0] : lead[1]]) + sum(costs[own[0] : own[1]])
            lines = [*head, *body[lead[0] : lead[1]], *body[own[0] : own[1]], self.closer]
            piece = _Piece(
                "\n".join(lines),
                tokens + self.closer_tokens,
                "code",
                True,
                continued=bool(previous),
            )
            pieces.append(piece)
            previous = own
        return pieces


def _split_table(text: str, first_room: int, room: int, min_piece: int) -> list[_Piece]:
    """A table cut into runs of rows, each under the repeated header and delimiter rows."""
    lines = text.split("\n")
    delimiter = next((i for i, line in enumerate(lines) if _TABLE_DELIMITER.fullmatch(line)), None)
    if delimiter is None:
        return _split_prose(text, first_room, room, min_piece)
    header, rows = lines[: delimiter + 1], lines[delimiter + 1 :]
    fixed = count_tokens("\n".join(header))
    pieces = []
    for index, (start, end) in enumerate(
        _partition([count_tokens(row) for row in rows], fixed, first_room, room, min_piece)
    ):
        piece = "\n".join([*header, *rows[start:end]])
        pieces.append(_Piece(piece, count_tokens(piece), "table", continued=index > 0))
    return pieces


def _split_prose(text: str, first_room: int, room: int, min_piece: int) -> list[_Piece]:
    """Prose cut at sentence or line ends, or between words inside an over-long sentence."""
    units: list[str] = []
    for unit in _prose_units(text):
        if count_tokens(unit) > room:
            units.extend(re.findall(r"\S+\s*", unit))
        else:
            units.append(unit)
    costs = [count_tokens(unit) for unit in units]
    pieces = []
    for start, end in _partition(costs, 0, first_room, room, min_piece):
        piece = "".join(units[start:end]).strip()
        if piece:
            pieces.append(_Piece(piece, count_tokens(piece), "prose"))
    return pieces


def _partition(
    costs: list[int],
    fixed: int,
    first_room: int,
    room: int,
    min_piece: int,
    good_break: Callable[[int], bool] | None = None,
) -> list[tuple[int, int]]:
    """Cut units with these token costs into consecutive runs; each run plus `fixed` fits its
    room (`first_room` for the first, `room` after). Runs aim at an even share so that no run is
    a small leftover, and prefer ends where `good_break` says the text has a natural pause."""
    spans: list[tuple[int, int]] = []
    full = max(1, room - fixed)
    start, remaining, capacity = 0, sum(costs), first_room - fixed
    if capacity < min(min_piece, full):
        capacity = full  # too little left to be worth filling: the first run opens a new chunk
    while start < len(costs):
        if remaining == 0 and spans:  # only blank lines left: they end the last run
            spans[-1] = (spans[-1][0], len(costs))
            break
        if remaining <= capacity:
            spans.append((start, len(costs)))
            break
        if spans:
            share = remaining / math.ceil(remaining / full)
        else:  # fill what the current chunk has left, but leave a usable remainder
            share = max(1, min(capacity, remaining - min_piece))
        best_end, best_score, taken, end = start + 1, math.inf, 0, start
        while end < len(costs) and taken + costs[end] <= capacity:
            taken += costs[end]
            end += 1
            score = abs(taken - share) / share
            if good_break is not None and good_break(end):
                score -= 0.2
            if 0 < remaining - taken < min_piece:
                score += 1.0
            if score < best_score:
                best_end, best_score = end, score
        taken = sum(costs[start:best_end])
        spans.append((start, best_end))
        start, remaining, capacity = best_end, remaining - taken, full
    return spans


def _prose_units(text: str) -> list[str]:
    units, last = [], 0
    for match in _PROSE_UNIT_END.finditer(text):
        units.append(text[last : match.end()])
        last = match.end()
    if last < len(text):
        units.append(text[last:])
    return units


def _tail(span: tuple[int, int], costs: list[int], body: list[str], limit: int) -> tuple[int, int]:
    """The last lines of `span` that fit in `limit` tokens."""
    start, end = span
    total, first = 0, end
    while first > start and total + costs[first - 1] <= limit:
        total += costs[first - 1]
        first -= 1
    while first < end and not body[first].strip():
        first += 1
    return (first, end) if first < end else (end, end)


def _trim_span(span: tuple[int, int], body: list[str]) -> tuple[int, int]:
    """The span without blank lines at either end."""
    start, end = span
    while start < end and not body[start].strip():
        start += 1
    while end > start and not body[end - 1].strip():
        end -= 1
    return start, end


# --- text for dense embeddings ------------------------------------------------------------------

_ATX_HEADING = re.compile(r"[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t#]*")
_COMMENT_STARTS = ("#", "//", "/*", "* ", "<!--", "-- ", "; ", "% ", '"""', "'''")
_SIGNATURE_WORDS = frozenset(
    {"def", "async", "class", "function", "fn", "func", "struct", "interface", "public"}
)
# (a character the pattern needs, pattern, replacement): Markdown markup -> plain words
_MARKUP = [
    ("!", re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images -> alt text
    ("[", re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links -> their text
    ("[", re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference links
    ("<", re.compile(r"<[^<>\n]+>"), " "),  # tags and autolinks
    ("", re.compile(r"\*\*|__|~~|`"), ""),  # strong, strike, code spans
    ("", re.compile(r"(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)"), ""),  # emphasis
    ("", re.compile(r"^[ \t]*(?:>[ \t]*)*(?:(?:[-*+]|\d+[.)])[ \t]+)?", re.MULTILINE), ""),
    ("-", re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}.*$", re.MULTILINE), ""),  # table delimiter rows
    ("|", re.compile(r"[ \t]*\|[ \t]*"), " | "),
]
_MAX_COMMENTS_PER_FENCE = 6
_MAX_SIGNATURES_PER_FENCE = 6


def embed_text(headings: tuple[str, ...], text: str, max_words: int = EMBED_MAX_WORDS) -> str:
    """What deserves a dense embedding: the heading path, then the chunk's prose with each code
    fence reduced to its language, first line, comments and signatures, capped at `max_words`."""
    path = " › ".join(headings)
    words: list[str] = []
    prose: list[str] = []
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        opener = _FENCE_OPEN.fullmatch(line) if ("`" in line or "~" in line) else None
        if opener and not (opener.group(2)[0] == "`" and "`" in opener.group(3)):
            words += _plain_words(prose)
            prose = []
            index = _reduced_fence(lines, index, opener, words)
            continue
        heading = _ATX_HEADING.fullmatch(line) if "#" in line else None
        if not (heading and headings and heading.group(1).strip() == headings[-1]):
            prose.append(line)  # (the section's own heading line is already in the path)
        index += 1
    words += _plain_words(prose)
    budget = max(0, max_words - len(path.split()))
    body = " ".join(words[:budget])
    return f"{path}\n{body}" if body else path


def _plain_words(lines: list[str]) -> list[str]:
    text = "\n".join(lines)
    for needed, pattern, replacement in _MARKUP:
        if needed in text:
            text = pattern.sub(replacement, text)
    return text.split()


def _reduced_fence(lines: list[str], index: int, opener: re.Match, words: list[str]) -> int:
    """Add the telling words of the fence at `index`; return the index after its end."""
    marker, info = opener.group(2), opener.group(3).strip()
    language = info.split()[0] if info else ""
    kept: list[str] = []
    comments = signatures = 0
    end = index + 1
    while end < len(lines):
        stripped = lines[end].strip()
        end += 1
        if not stripped or stripped.startswith("#!"):
            continue
        if stripped.startswith(marker) and _FENCE_CLOSE.fullmatch(lines[end - 1]):
            break
        if not kept:
            kept.append(stripped)  # the first line says what the code is about
        elif stripped.startswith(_COMMENT_STARTS):
            if comments < _MAX_COMMENTS_PER_FENCE and len(stripped) > 2:
                kept.append(stripped)
                comments += 1
        elif stripped.split(None, 1)[0] in _SIGNATURE_WORDS and signatures < _MAX_SIGNATURES_PER_FENCE:
            kept.append(stripped.rstrip(":{ "))
            signatures += 1
    words.append(f"{language} code:" if language else "code:")
    words.extend(" ".join(kept).split())
    return end
