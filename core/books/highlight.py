"""A short highlight: the part of a passage that shares most words with the query, a sentence of its
text or one of its code blocks (kept as a fenced block, line by line, so it still reads as code).

A heading is picked only when the passage has nothing else: the hit shows its heading already, and an
excerpt that only repeats it tells the reader nothing."""

from __future__ import annotations

import re

from core.books.lexical import tokenize

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n{2,}|\n(?=[-*#|>])")
_FENCED = re.compile(r"^(```|~~~)[^\n]*\n.*?^\1[ \t]*$", re.M | re.S)
MAX_CHARS = 240


def highlight(text: str, query: str, max_chars: int = MAX_CHARS) -> str:
    # Stems of the query's words, matched as substrings: cheap, and good enough to pick a part.
    stems = {term for term in tokenize(query) if len(term) > 2}
    prose: list[str] = []
    headings: list[str] = []
    code: list[str] = []
    for part in _parts(text):
        if part.startswith(("```", "~~~")):
            code.append(part)
        elif part.lstrip().startswith("#"):
            headings.append(" ".join(part.split()).lstrip("# ").strip())
        else:
            sentence = " ".join(part.split()).lstrip(">*- ").strip()
            if len(sentence) >= 3:
                prose.append(sentence)

    def score(candidate: str) -> int:
        lowered = candidate.lower()
        return sum(stem in lowered for stem in stems)

    # The best sentence or code block; ties go to the text, and to what comes first.
    candidates = prose + code
    if candidates:
        best = max(candidates, key=lambda c: (score(c), c in prose, -candidates.index(c)))
    else:
        best = next((h for h in headings if len(h) >= 3), "")
    if best.startswith(("```", "~~~")):
        return _clip_code(best, max_chars)
    if len(best) > max_chars:
        best = best[: max_chars - 1].rsplit(" ", 1)[0] + "…"
    return best


def _parts(text: str) -> list[str]:
    """Sentences and headings of the prose, and each fenced code block whole, in reading order."""
    parts: list[str] = []
    start = 0
    for fence in _FENCED.finditer(text):
        parts += _SENTENCE.split(text[start : fence.start()])
        parts.append(fence.group(0).strip())
        start = fence.end()
    parts += _SENTENCE.split(text[start:])
    return [p for p in parts if p.strip()]


def _clip_code(block: str, max_chars: int) -> str:
    """Whole lines of a fenced block, as many as fit, the fence closed again."""
    lines = block.split("\n")
    opening, body, closing = lines[0], lines[1:-1], lines[-1]
    kept: list[str] = []
    room = max_chars - len(opening) - len(closing) - 2
    for line in body:
        if sum(len(k) + 1 for k in kept) + len(line) > room:
            kept.append("…")
            break
        kept.append(line)
    return "\n".join([opening, *kept, closing])
