"""The words a book uses, to notice when a question names something the book never mentions.

"how do I tune PPO for my humanoid?" retrieves passages about humanoids, but "ppo" appears
nowhere in the book: that is the surest sign the book does not answer it. A word counts as
unknown only when it is rare in English (wordfreq), so "stuff" or "crazy" in a question never
do, and when no word of the book is a near spelling of it, so a typo does not either.
"""

from __future__ import annotations

import bisect
import difflib
import re
from functools import lru_cache

from wordfreq import zipf_frequency

from core.books.lexical import STOPWORDS, tokenize

_WORD = re.compile(r"[a-z0-9][a-z0-9_\-.]*[a-z0-9]|[a-z0-9]")
RARE_ZIPF = 3.0  # below this a word is rare in English (≈ once per million words)
TYPO_RATIO = 0.85
PREFIX_MIN = 5  # shorter words are too often the start of unrelated ones


@lru_cache(maxsize=50_000)
def _rare(word: str) -> bool:
    return zipf_frequency(word, "en") < RARE_ZIPF


def words_of(text: str) -> set[str]:
    found = set(_WORD.findall(text.lower()))
    # identifiers also count by their parts: "webots_ros2" holds "webots" and "ros2"
    for word in list(found):
        found.update(part for part in re.split(r"[_\-.]", word) if part)
    return found


class Vocabulary:
    def __init__(self) -> None:
        self._by_document: dict[str, set[str]] = {}
        self._words: set[str] | None = None
        self._stems: set[str] = set()
        self._by_shape: dict[tuple[str, int], list[str]] = {}
        self._sorted: list[str] = []

    def set_document(self, document_id: str, text: str) -> None:
        self._by_document[document_id] = words_of(text)
        self._words = None

    def drop_document(self, document_id: str) -> None:
        if self._by_document.pop(document_id, None) is not None:
            self._words = None

    def unknown(self, question: str) -> list[str]:
        """The question's rare words that the book never uses (nor a near spelling of them)."""
        words = self._all()
        out = []
        for word in sorted(words_of(question)):
            if len(word) < 3 or word in STOPWORDS or word in words or word.isdigit():
                continue
            if not _rare(word):
                continue
            if any(stem in self._stems for stem in tokenize(word)) or self._prefix(word) or self._near(word):
                continue
            out.append(word)
        return out

    def absent_fraction(self, question: str) -> float:
        """The share of the question's content words that the book never uses."""
        words = self._all()
        content = [w for w in words_of(question) if len(w) > 2 and w not in STOPWORDS and not w.isdigit()]
        return sum(w not in words for w in content) / len(content) if content else 0.0

    def _all(self) -> set[str]:
        if self._words is None:
            self._words = set().union(*self._by_document.values()) if self._by_document else set()
            self._stems = {stem for word in self._words for stem in tokenize(word)}
            self._by_shape = {}
            for word in self._words:
                self._by_shape.setdefault((word[0], len(word)), []).append(word)
            self._sorted = sorted(self._words)
        return self._words

    def _prefix(self, word: str) -> bool:
        """A longer word of the book starts with it: "biped" is known from "bipedal"."""
        if len(word) < PREFIX_MIN:
            return False
        at = bisect.bisect_left(self._sorted, word)
        return at < len(self._sorted) and self._sorted[at].startswith(word)

    def _near(self, word: str) -> bool:
        candidates = [
            c
            for size in (len(word) - 1, len(word), len(word) + 1)
            for c in self._by_shape.get((word[0], size), ())
        ]
        return bool(difflib.get_close_matches(word, candidates, n=1, cutoff=TYPO_RATIO))
