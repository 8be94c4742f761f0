"""confine_links: the rule for links in LLM answers (the bot's attack test is tests/bot/test_hygiene.py)."""

from __future__ import annotations

import pytest

from core.answers.links import confine_links

BOOK = "https://book.example/docs/"


@pytest.mark.parametrize(
    ("text", "book_url", "shown"),
    [
        ("[notes](https://evil.example/x)", BOOK, "notes"),
        ("[ch](https://book.example/docs/a#b)", BOOK, "[ch](https://book.example/docs/a#b)"),
        ("[ch](https://BOOK.example/a)", BOOK, "[ch](https://BOOK.example/a)"),
        ("[ch](https://book.example.evil.example/a)", BOOK, "ch"),
        ("[ch](javascript://book.example/a)", BOOK, "ch"),
        ("[ch](https://book.example/a)", None, "ch"),
        ('[t](<https://evil.example/x> "title")', BOOK, "t"),
        ("no links, (parens) and [brackets] stay", BOOK, "no links, (parens) and [brackets] stay"),
    ],
)
def test_confine_links(text: str, book_url: str | None, shown: str) -> None:
    assert confine_links(text, book_url) == shown
