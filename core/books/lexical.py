"""BM25-style sparse vectors for keyword search over a technical book.

Documents carry BM25-saturated term frequencies with length normalisation; queries carry 1.0 per
unique term. The IDF factor is left to Qdrant (sparse vector `modifier=Modifier.IDF`), which
computes it from the collection, so a document's vector never depends on the rest of the corpus.

The tokenizer keeps code identifiers whole *and* splits them: `max_rotation_attempts` gives the
whole identifier plus `max`, `rotat(ion)`, `attempt(s)`, and `getUserName` gives `getusername`
plus `get`, `user`, `name`. A query for the identifier then matches a chunk that contains it on
every term (the rare whole-identifier term weighing most), while a query for `rotation attempts`
still finds it through the parts. Words are lowercased, English stopwords dropped and words
stemmed with the Snowball English stemmer (py_rust_stemmers, which FastEmbed depends on), or a
small suffix stripper when that package is missing.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from functools import lru_cache

__all__ = ["STOPWORDS", "sparse_document", "sparse_query", "token_index", "tokenize"]

# A run of word characters, optionally joined to more runs by `.`, `-`, `::` or `/` with no
# space between: identifiers (`max_rotation_attempts`, `os.path.join`, `std::vec`, `src/app.py`),
# hyphenated compounds and version numbers stay together as one token, besides their parts.
_TOKEN = re.compile(r"\w+(?:(?:\.|-|::|/)\w+)*")
_SEPARATORS = re.compile(r"[\W_]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_INDEX_MASK = 0x7FFFFFFF

# English stopwords (the NLTK list, without contraction fragments).
_STOPWORD_LIST = """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
"""
STOPWORDS = frozenset(_STOPWORD_LIST.split())


def _load_stemmer():
    try:
        from py_rust_stemmers import SnowballStemmer
    except ImportError:  # pragma: no cover - depends on the environment
        return _light_stem
    return SnowballStemmer("english").stem_word


def _light_stem(word: str) -> str:
    """A small English suffix stripper, used only when py_rust_stemmers is not installed."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, replacement in (
        ("ational", "ate"),
        ("ization", "ize"),
        ("ations", "ate"),
        ("ation", "ate"),
        ("ness", ""),
        ("ment", ""),
        ("ings", ""),
        ("ing", ""),
        ("ies", "y"),
        ("sses", "ss"),
        ("ed", ""),
        ("ly", ""),
        ("es", ""),
        ("s", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: len(word) - len(suffix)] + replacement
    return word


_stem_word = _load_stemmer()


@lru_cache(maxsize=65536)
def _term(word: str) -> str | None:
    """The index term for one lowercase word, or None when it carries no meaning."""
    if word in STOPWORDS or (len(word) == 1 and not word.isdigit()):
        return None
    return _stem_word(word) if word.isalpha() else word


def tokenize(text: str) -> list[str]:
    """Index terms of `text`, in order, repeats kept (see the module docstring)."""
    terms: list[str] = []
    for match in _TOKEN.finditer(unicodedata.normalize("NFKC", text)):
        raw = match.group()
        parts = [piece for chunk in _SEPARATORS.split(raw) if chunk for piece in _CAMEL.split(chunk) if piece]
        if len(parts) > 1 and any(len(part) > 1 for part in parts):
            # the identifier whole, neither stemmed nor a stopword (but not `e.g`)
            terms.append(raw.lower())
        for part in parts:
            term = _term(part.lower())
            if term is not None:
                terms.append(term)
    return terms


@lru_cache(maxsize=65536)
def token_index(term: str) -> int:
    """A stable 31-bit index for a term: the first 4 bytes of its BLAKE2b digest."""
    digest = hashlib.blake2b(term.encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "big") & _INDEX_MASK


def sparse_document(
    text: str, avg_len: float = 120.0, k1: float = 1.2, b: float = 0.75
) -> tuple[list[int], list[float]]:
    """The document side of BM25, without IDF: saturated, length-normalised term frequencies.

    `avg_len` is the average document length in terms (see `tokenize`); Qdrant multiplies in
    the IDF. Returns (indices, values), indices sorted; both empty for a text with no terms.
    """
    terms = tokenize(text)
    if not terms:
        return [], []
    frequencies: Counter[int] = Counter(token_index(term) for term in terms)
    norm = k1 * (1.0 - b + b * len(terms) / max(avg_len, 1e-9))
    indices = sorted(frequencies)
    values = [frequencies[i] * (k1 + 1.0) / (frequencies[i] + norm) for i in indices]
    return indices, values


def sparse_query(text: str) -> tuple[list[int], list[float]]:
    """The query side: 1.0 for each distinct term. Returns (indices, values), indices sorted."""
    indices = sorted({token_index(term) for term in tokenize(text)})
    return indices, [1.0] * len(indices)
