"""Markdown tables made readable in Discord, which does not draw them: a narrow table becomes an
aligned monospace code block; a table too wide for that becomes one short block per row,
"Header: value", so that nothing a student needs is cut away."""

from __future__ import annotations

import re
import unicodedata

# Monospace characters an embed's code block shows on one line on a desktop client before it
# wraps (embeds are at most ~520 px wide); a wrapped table row is unreadable.
TABLE_WIDTH = 56
# A code block may shorten a few long cells (ending them in …), but never lose more than this
# share of the table's text: beyond it, the rows say more than the grid.
MAX_CLIPPED = 0.10
_MIN_COLUMN = 6
ROWS_PER_BLOCK = 20  # 20 rows of TABLE_WIDTH fill well under a /read page (1800 characters)

_FENCE = re.compile(r"^\s*(```|~~~)")
_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_INLINE = re.compile(r"\*\*|__|`")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def render_tables(markdown: str, width: int = TABLE_WIDTH) -> str:
    """`markdown` with each table (outside code blocks) rendered for Discord; all else as it was."""
    lines = (markdown or "").split("\n")
    out: list[str] = []
    in_code = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if _FENCE.match(line):
            in_code = not in_code
        elif not in_code and i + 1 < len(lines) and _is_row(line) and _is_delimiter(lines[i + 1]):
            header = _cells(line)
            if len(_cells(lines[i + 1])) == len(header):
                end = i + 2
                while end < len(lines) and _is_row(lines[end]) and lines[end].strip():
                    end += 1
                rows = [_fitted(_cells(r), len(header)) for r in lines[i + 2 : end]]
                marks = [c.strip() for c in _cells(lines[i + 1])]
                right = [m.endswith(":") and not m.startswith(":") for m in marks]
                out.append(table_text(header, rows, right, width))
                i = end
                continue
        out.append(line)
        i += 1
    return "\n".join(out)


def table_text(header: list[str], rows: list[list[str]], right: list[bool], width: int) -> str:
    """One table: aligned in a code block when it fits `width`, else as rows of "Header: value"."""
    plain_header = [_plain(c) for c in header]
    plain_rows = [[_plain(c) for c in row] for row in rows]
    widths = _column_widths([plain_header, *plain_rows], width)
    if widths is None:
        return _as_rows(header, rows)
    head = [_line(plain_header, widths, right), "-+-".join("-" * w for w in widths)]
    body = [_line(row, widths, right) for row in plain_rows]
    # A long table in blocks, each under its own header, so a page turned mid-table still says
    # which column is which.
    blocks = [body[at : at + ROWS_PER_BLOCK] for at in range(0, max(len(body), 1), ROWS_PER_BLOCK)]
    return "\n\n".join("```\n" + "\n".join(head + block) + "\n```" for block in blocks)


def _column_widths(table: list[list[str]], width: int) -> list[int] | None:
    """Each column's width so the table fits `width`, shortening the widest columns first; None
    when that would cut too much of the text (or leave a column too narrow to read)."""
    natural = [max(_width(row[c]) for row in table) for c in range(len(table[0]))]
    widths = list(natural)
    room = width - 3 * (len(widths) - 1)  # " | " between columns
    while sum(widths) > room:
        widest = max(range(len(widths)), key=lambda c: widths[c])
        if widths[widest] <= _MIN_COLUMN:
            return None
        widths[widest] -= 1
    total = sum(_width(cell) for row in table for cell in row)
    lost = sum(max(0, _width(row[c]) - widths[c]) for row in table for c in range(len(widths)))
    return widths if lost <= MAX_CLIPPED * max(total, 1) else None


def _line(cells: list[str], widths: list[int], right: list[bool]) -> str:
    padded = []
    for cell, w, r in zip(cells, widths, right, strict=True):
        cell = _clip(cell, w)
        gap = " " * (w - _width(cell))
        padded.append(gap + cell if r else cell + gap)
    return " | ".join(padded).rstrip()


def _as_rows(header: list[str], rows: list[list[str]]) -> str:
    """A wide table, one row at a time: its first cell in bold, then "Header: value" per cell."""
    blocks = []
    for row in rows:
        first, rest = row[0], list(zip(header[1:], row[1:], strict=True))
        lines = [f"**{first}**"] if first else []
        lines += [f"{name}: {value}" if name else value for name, value in rest if value]
        blocks.append("\n".join(lines))
    return "\n\n".join(b for b in blocks if b)


def _is_row(line: str) -> bool:
    return "|" in line and not _FENCE.match(line)


def _is_delimiter(line: str) -> bool:
    """The |---|:--:| line under a table's header (a pipe in it: "---" alone is a rule)."""
    return "|" in line and _DELIMITER.match(line) is not None


def _cells(line: str) -> list[str]:
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells = re.split(r"(?<!\\)\|", text)
    return [_BREAK.sub(" ", c).strip().replace("\\|", "|") for c in cells]


def _fitted(cells: list[str], count: int) -> list[str]:
    """A row with as many cells as the header (Markdown pads short rows, drops extra cells)."""
    return (cells + [""] * count)[:count]


def _plain(cell: str) -> str:
    """A cell as a code block shows it: no bold or code marks and links as their text, all of
    which would appear as typed."""
    return _INLINE.sub("", _LINK.sub(r"\1", cell))


def _width(text: str) -> int:
    """Columns `text` takes in a monospace font: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    kept = ""
    for ch in text:
        if _width(kept + ch) > width - 1:
            break
        kept += ch
    return kept.rstrip() + "…"
