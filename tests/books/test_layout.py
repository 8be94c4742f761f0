"""Walking a book folder: which files, in which order, with what metadata; one bad file alone."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest

from core.books.layout import (
    SAMPLE_BOOK_ROOT,
    chapter_order,
    humanised_name,
    iter_book_files,
    load_book,
    load_document,
)
from core.books.model import BookDocument, BookParseError
from core.errors import NotFound
from tests.books import CORPUS, documents, needs_corpus


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_sample_book_is_in_sidebar_order() -> None:
    assert chapter_order(SAMPLE_BOOK_ROOT) == [
        "index.md",
        "01-foundations/balance-and-zmp.md",
        "01-foundations/sensors.md",
        "02-ros2/nodes-and-topics.md",
        "02-ros2/recovery-behaviours.mdx",
        "03-simulation/simulation-basics.md",
        "03-simulation/sim-to-real.md",
    ]


def test_sample_book_metadata() -> None:
    by_path = {d.path: d for d in documents()}
    weeks = [by_path[p].metadata["week"] for p in chapter_order(SAMPLE_BOOK_ROOT)[1:]]
    assert weeks == [1, 2, 3, 4, 5, 6]
    balance = by_path["01-foundations/balance-and-zmp.md"]
    assert balance.title == "Bipedal Balance"
    assert balance.metadata == {
        "module": "01-foundations",
        "module_label": "Module 1: Foundations",
        "week": 1,
        "difficulty": "beginner",  # written "Beginner"
        "language": "en",
        "sidebar_position": 1,
        "tags": ["balance", "zmp", "locomotion"],
        "description": "Centre of mass, support polygon and the Zero Moment Point.",
        "slug": None,
        "audience": "all",  # what the page declares: front matter or folder (core.books.audience)
    }
    index = by_path["index.md"]
    assert index.metadata["module"] is None and index.metadata["module_label"] is None
    assert index.metadata["week"] is None
    assert by_path["02-ros2/recovery-behaviours.mdx"].metadata["tags"] == ["navigation", "recovery"]
    for document in by_path.values():
        raw = (SAMPLE_BOOK_ROOT / document.path).read_bytes()
        assert document.content_hash == hashlib.sha256(raw).hexdigest()
        if document.metadata["week"] is not None:  # a chapter, not the landing page
            assert 300 <= len(raw.decode().split()) <= 750


def test_folder_walk_skips_what_is_not_a_document_and_orders_like_docusaurus(
    tmp_path: Path,
) -> None:
    write(tmp_path, "SOURCE.md", "# Where this came from\n")
    write(tmp_path, "README.md", "# Repository readme\n")
    write(tmp_path, "intro.md", "---\nsidebar_position: 1\n---\n# Intro\n")
    write(tmp_path, "zeta.md", "# Zeta, no position\n")
    write(tmp_path, ".hidden/secret.md", "# Hidden\n")
    write(tmp_path, "node_modules/pkg/readme.md", "# Dependency\n")
    write(tmp_path, "_partials/snippet.md", "Partial\n")
    write(tmp_path, "guide/_shared.mdx", "Partial\n")
    write(tmp_path, "guide/notes.txt", "Not Markdown\n")
    write(tmp_path, "guide/_category_.json", json.dumps({"label": "The Guide", "position": 2}))
    write(tmp_path, "guide/10-last.md", "# Ten\n")
    write(tmp_path, "guide/2-second.md", "# Two\n")
    write(tmp_path, "guide/README.md", "# Guide home\n")
    write(tmp_path, "guide/placed.mdx", "---\nsidebar_position: 1\n---\n# Placed first\n")
    write(tmp_path, "guide/deeper/_category_.json", "{not json")
    write(tmp_path, "guide/deeper/page.md", "# Deeper\n")
    write(tmp_path, "appendix/index.md", "# Appendix\n")
    assert chapter_order(tmp_path) == [
        "intro.md",
        "guide/README.md",
        "guide/placed.mdx",
        "guide/2-second.md",
        "guide/10-last.md",
        "guide/deeper/page.md",
        "appendix/index.md",
        "zeta.md",
    ]
    assert iter_book_files(tmp_path)[0] == tmp_path / "intro.md"


def test_missing_book_folder_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        iter_book_files(tmp_path / "nowhere")


def test_one_bad_file_never_stops_the_rest(tmp_path: Path) -> None:
    write(tmp_path, "a-good.md", "# Good\n\nFine text.\n")
    write(tmp_path, "b-bad.md", "---\ntitle: Broken\nweek: [1\n---\n# Bad\n")
    (tmp_path / "c-binary.md").write_bytes(b"# Title\n\n\xff\xfe not utf-8\n")
    write(tmp_path, "d-good.md", "# Also good\n")
    results = list(load_book(tmp_path))
    assert [type(r) for r in results] == [
        BookDocument,
        BookParseError,
        BookParseError,
        BookDocument,
    ]
    bad, binary = results[1], results[2]
    assert bad.path == "b-bad.md" and bad.line is not None and "b-bad.md:" in str(bad)
    assert binary.path == "c-binary.md" and binary.line == 3
    with pytest.raises(BookParseError):
        load_document(tmp_path, tmp_path / "b-bad.md")


def test_titles_weeks_and_values_from_front_matter(tmp_path: Path) -> None:
    write(
        tmp_path,
        "m/03-zero_moment-point.md",
        "---\nweek: '7'\ndifficulty: HARD\nlanguage: de\ntags: a, b\nid: zmp-doc\n---\nNo heading.\n",
    )
    write(tmp_path, "m/too-late.md", "---\nweek: 60\nsidebar_position: '2'\n---\n# Late\n")
    write(tmp_path, "m/named.md", "---\ntitle: From Front Matter\nweek: true\n---\n# In Text\n")
    zmp = load_document(tmp_path, Path("m/03-zero_moment-point.md"))
    assert zmp.title == "Zero moment point"
    assert zmp.sections[0].headings == ("Zero moment point",) and zmp.sections[0].level == 0
    assert zmp.metadata["week"] == 7 and zmp.metadata["difficulty"] == "hard"
    assert zmp.metadata["language"] == "de" and zmp.metadata["tags"] == ["a", "b"]
    assert zmp.metadata["slug"] == "zmp-doc" and zmp.metadata["module_label"] is None
    late = load_document(tmp_path, tmp_path / "m/too-late.md")
    assert late.metadata["week"] is None and late.metadata["sidebar_position"] == 2
    named = load_document(tmp_path, tmp_path / "m/named.md")
    assert named.title == "From Front Matter" and named.metadata["week"] is None
    assert named.sections[0].headings == ("In Text",)  # the path follows the text's own H1
    assert humanised_name(tmp_path / "m" / "index.md") == "M"


def test_content_hash_changes_only_with_the_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, "page.md", "# Page\n\nText.\n")
    first = load_document(tmp_path, path).content_hash
    assert load_document(tmp_path, path).content_hash == first
    path.write_text("# Page\n\nText!\n", encoding="utf-8")
    assert load_document(tmp_path, path).content_hash != first


@needs_corpus
def test_shared_textbook_loads_completely_and_quickly() -> None:
    order = chapter_order(CORPUS)
    assert len(order) == len(set(order)) == 129
    assert order[0] == "intro.md" and "SOURCE.md" not in order
    assert order.index("module1-ros2/index.md") < order.index("module1-ros2/architecture.md")
    started = time.perf_counter()
    results = list(load_book(CORPUS))
    elapsed = time.perf_counter() - started
    assert all(isinstance(r, BookDocument) for r in results)
    assert [r.path for r in results] == order
    # About 1.2 s on the 2-core reference machine; the margin keeps slow CI runners green.
    assert elapsed < 6.0
    urdf = next(r for r in results if r.path == "module1-ros2/urdf.md")
    assert urdf.metadata["module"] == "module1-ros2" and urdf.metadata["sidebar_position"] == 5


def test_a_relative_book_root_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLE_BOOK_ROOT.parent)
    relative_root = Path(SAMPLE_BOOK_ROOT.name)
    results = list(load_book(relative_root))
    assert [r.path for r in results] == chapter_order(SAMPLE_BOOK_ROOT)
    assert all(isinstance(r, BookDocument) for r in results)
    by_root = load_document(relative_root, "02-ros2/nodes-and-topics.md")
    absolute = load_document(SAMPLE_BOOK_ROOT, SAMPLE_BOOK_ROOT / "02-ros2/nodes-and-topics.md")
    assert by_root == absolute
    monkeypatch.chdir(SAMPLE_BOOK_ROOT)
    assert load_document(Path("."), Path("index.md")).path == "index.md"
