"""An answer without a language model: the book's own most relevant sentences, cited."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from core.books.lexical import tokenize
from core.models.books import SearchHit
from core.models.conversations import Citation, citation_of

_FENCE = re.compile(r"^(```+|~~~+)[^\n]*\n.*?^\1[ \t]*$", re.S | re.M)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`\"'(])|\n{2,}|\n(?=\s*(?:[-*+]|\d+\.)\s)")
MAX_SENTENCES = 4
MAX_CHARS = 900
HITS_USED = 3


@dataclass(frozen=True)
class _Candidate:
    hit_rank: int
    position: int
    sentence: str
    score: float


def compose(question: str, hits: list[SearchHit]) -> tuple[str, list[Citation]]:
    """Pick the sentences of the best passages that share most with the question.

    Returns the answer text, with [n] markers, and the citations they point to.
    """
    stems = {t for t in tokenize(question) if len(t) > 2}
    candidates: list[_Candidate] = []
    for rank, hit in enumerate(hits[:HITS_USED]):
        for position, sentence in enumerate(_sentences(hit.text)):
            lowered = sentence.lower()
            matched = sum(stem in lowered for stem in stems)
            words = len(sentence.split())
            score = matched / math.sqrt(max(words, 4)) + (0.3 if rank == 0 else 0.0) - 0.05 * rank
            candidates.append(_Candidate(rank, position, sentence, score))
    if not candidates:
        return "", []
    chosen = sorted(candidates, key=lambda c: c.score, reverse=True)[:MAX_SENTENCES]
    if all(c.hit_rank != 0 for c in chosen):  # the best passage always speaks
        best_of_top = max((c for c in candidates if c.hit_rank == 0), key=lambda c: c.score, default=None)
        if best_of_top is not None:
            chosen[-1] = best_of_top
    chosen.sort(key=lambda c: (c.hit_rank, c.position))
    citations: list[Citation] = []
    numbers: dict[int, int] = {}
    parts: list[str] = []
    length = 0
    for candidate in chosen:
        if length + len(candidate.sentence) > MAX_CHARS and parts:
            break
        if candidate.hit_rank not in numbers:
            hit = hits[candidate.hit_rank]
            numbers[candidate.hit_rank] = len(citations) + 1
            citations.append(citation_of(hit, candidate.sentence))
        parts.append(f"{candidate.sentence} [{numbers[candidate.hit_rank]}]")
        length += len(candidate.sentence)
    return " ".join(parts), citations


def _sentences(text: str) -> list[str]:
    prose = _FENCE.sub("\n\n", text)
    out = []
    for raw in _SENTENCE.split(prose):
        if raw.lstrip().startswith(("#", "|")):
            continue  # headings and table rows read badly on their own
        sentence = " ".join(raw.split()).lstrip("-*+> ").strip()
        if len(sentence.split()) >= 4:
            out.append(sentence)
    return out
