"""A short highlight: the sentence of a passage that shares most words with the query."""

from __future__ import annotations

import re

from core.books.lexical import tokenize

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n{2,}|\n(?=[-*#|>])")
_CODE_FENCE = re.compile(r"^(```|~~~).*$", re.M)
MAX_CHARS = 240


def highlight(text: str, query: str, max_chars: int = MAX_CHARS) -> str:
    # Stems of the query's words, matched as substrings: cheap, and good enough to pick a sentence.
    stems = {term for term in tokenize(query) if len(term) > 2}
    best, best_score = "", -1.0
    for raw in _SENTENCE.split(_CODE_FENCE.sub("", text)):
        is_heading = raw.lstrip().startswith("#")
        sentence = " ".join(raw.split()).lstrip("#>*- ").strip()
        if len(sentence) < 3:
            continue
        lowered = sentence.lower()
        # A heading repeats what the hit already shows: prefer a sentence of the text.
        score = sum(stem in lowered for stem in stems) - (0.5 if is_heading else 0.0)
        if score > best_score:
            best, best_score = sentence, score
    if len(best) > max_chars:
        best = best[: max_chars - 1].rsplit(" ", 1)[0] + "…"
    return best
