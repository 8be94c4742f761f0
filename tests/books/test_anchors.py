"""Anchors must be the ones Docusaurus generates, or citation links land on the wrong spot.

Expected slugs come from github-slugger's own fixtures (test/fixtures.json upstream), which is the
slugger Docusaurus uses.
"""

from __future__ import annotations

import re

import pytest

from core.books.anchors import AnchorSlugger, slugify, split_custom_id
from core.books.markdown import parse_markdown
from tests.books import CORPUS, documents, needs_corpus


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("bravoCharlieDelta", "bravocharliedelta"),
        ("heading with a - dash", "heading-with-a---dash"),
        ("heading with an _ underscore", "heading-with-an-_-underscore"),
        ("heading with a period.txt", "heading-with-a-periodtxt"),
        (
            "exchange.bind_headers(exchange, routing [, bindCallback])",
            "exchangebind_headersexchange-routing--bindcallback",
        ),
        (" a ", "-a-"),
        ("apostrophe’s should be trimmed", "apostrophes-should-be-trimmed"),
        ("I ♥ unicode", "i--unicode"),
        ("en–dash", "endash"),
        ("😄 - an emoji", "---an-emoji"),
        ("Привет non-latin 你好", "привет-non-latin-你好"),
        (":ok_hand: :hatched_chick: Two in a row", "ok_hand-hatched_chick-two-in-a-row"),
        ("a» ’ ” ›b", "a---b"),
        ("aᛮ Ⅰ ⅰb", "aᛮ-ⅰ-ⅰb"),  # letter numbers stay (lowercased)
        ("Force/Torque Sensors", "forcetorque-sensors"),
    ],
)
def test_slugify_matches_github_slugger(heading: str, expected: str) -> None:
    assert slugify(heading) == expected


def test_repeated_slugs_get_numbered_suffixes_like_github_slugger() -> None:
    slugger = AnchorSlugger()
    inputs = ["alpha", "alpha", "echo", "echo", "echo 1", "echo-1", "echo", "foxtrot-1", "foxtrot"]
    produced = [slugger.slug(text) for text in inputs]
    assert produced == [
        "alpha",
        "alpha-1",
        "echo",
        "echo-1",
        "echo-1-1",
        "echo-1-2",
        "echo-2",
        "foxtrot-1",
        "foxtrot",
    ]
    assert slugger.slug("foxtrot") == "foxtrot-2"


def test_custom_id_is_split_from_the_heading() -> None:
    assert split_custom_id("Zero Moment Point {#zmp}") == ("Zero Moment Point", "zmp")
    assert split_custom_id(r"Escaped for MDX \{#escaped\}") == ("Escaped for MDX", "escaped")
    assert split_custom_id("Sets {#a} and {b}") == ("Sets {#a} and {b}", None)
    assert split_custom_id("No id here") == ("No id here", None)


def _anchors(markdown: str) -> list[str]:
    parsed = parse_markdown(markdown, fallback_title="Doc")
    return [item.section.anchor for item in parsed.sections]


def test_anchor_uses_the_heading_text_not_its_markup() -> None:
    anchors = _anchors(
        "# Title\n\n## Using `rclpy` *fast*\n\n## See [the docs](https://example.org)\n\n## A &amp; B\n"
    )
    assert anchors == ["", "using-rclpy-fast", "see-the-docs", "a--b"]


def test_duplicates_count_the_title_but_not_custom_ids() -> None:
    anchors = _anchors("# Setup\n\n## Setup\n\n## Setup {#mine}\n\n## Setup\n")
    # Docusaurus slugs the H1 too, so the first H2 is already a repeat; explicit ids are kept
    # verbatim and do not take part in numbering.
    assert anchors == ["", "setup-1", "mine", "setup-2"]


def test_headings_in_code_fences_get_no_anchor_and_do_not_shift_numbering() -> None:
    anchors = _anchors("# T\n\n## Run\n\n```bash\n# Run\n```\n\n## Run\n")
    assert anchors == ["", "run", "run-1"]


def test_sample_book_anchors_unique_and_custom_id_honoured() -> None:
    for document in documents():
        anchors = [section.anchor for section in document.sections if section.anchor]
        assert len(anchors) == len(set(anchors)), document.path
    balance = next(d for d in documents() if d.path.endswith("balance-and-zmp.md"))
    zmp = next(s for s in balance.sections if s.heading == "Zero Moment Point")
    assert zmp.anchor == "zmp"
    assert "{#" not in zmp.markdown
    sensors = next(d for d in documents() if d.path.endswith("sensors.md"))
    pitfalls = [s.anchor for s in sensors.sections if s.heading == "Typical Pitfalls"]
    assert pitfalls == ["typical-pitfalls", "typical-pitfalls-1"]


@needs_corpus
def test_shared_textbook_anchors_are_unique_and_well_formed() -> None:
    for document in documents(CORPUS):
        anchors = [section.anchor for section in document.sections[1:]]
        assert all(anchors), document.path  # only the title section has no anchor
        assert len(anchors) == len(set(anchors)), document.path
        for anchor in anchors:
            assert anchor == anchor.lower() and not re.search(r"[\s/.,:;!?()\[\]`*]", anchor)
    isaac = next(d for d in documents(CORPUS) if d.path == "module3-ai/isaac-sim.md")
    prerequisites = [s.anchor for s in isaac.sections if s.heading == "Prerequisites"]
    assert prerequisites == ["prerequisites", "prerequisites-1"]
