"""What text each chunk's dense vector is made from.

Embedding every piece of a code-heavy book in full with MiniLM takes minutes on two cores, and a
dense vector of code says little that a keyword match does not. So a chunk with real prose is
embedded from its heading path and prose (code reduced to comments and signatures), while a
code-only chunk is embedded from its heading path and a short glimpse of its code: cheap, and
still enough for "rename topics in a launch file" to reach "Launch File with Remappings".
"""

from __future__ import annotations

import re

from core.books.model import Chunk

MIN_PROSE_WORDS = 8
CODE_GLIMPSE_WORDS = 24
_FENCE = re.compile(r"^(```+|~~~+)[^\n]*\n.*?^\1[ \t]*$", re.S | re.M)


def prose_words(chunk: Chunk) -> int:
    """Words outside code fences, not counting the heading line."""
    return max(0, len(_FENCE.sub(" ", chunk.text).split()) - len(chunk.heading.split()) - 1)


def dense_text(chunk: Chunk) -> str:
    if prose_words(chunk) >= MIN_PROSE_WORDS:
        return chunk.embed_text
    path, _, rest = chunk.embed_text.partition("\n")
    return f"{path}\n{' '.join(rest.split()[:CODE_GLIMPSE_WORDS])}".strip()
