"""Front matter, MDX cleaning and sectioning of single documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.books.frontmatter import split_front_matter
from core.books.layout import SAMPLE_BOOK_ROOT
from core.books.markdown import clean_mdx, parse_markdown
from core.books.model import BookParseError
from tests.books import CORPUS, documents, needs_corpus, outside_fences

# --- front matter -------------------------------------------------------------------------------


def test_front_matter_is_parsed_and_the_body_starts_after_it() -> None:
    front = split_front_matter("---\ntitle: Balance\nweek: 2\n---\n# Balance\n\nText.\n")
    assert front.data == {"title": "Balance", "week": 2}
    assert front.body.startswith("# Balance")
    assert front.body_line == 5


def test_missing_or_unclosed_front_matter_means_none() -> None:
    assert split_front_matter("# Just a title\n").data == {}
    unclosed = "---\n\nA paragraph after a thematic break.\n"
    front = split_front_matter(unclosed)
    assert front.data == {} and front.body == unclosed
    assert split_front_matter("\ufeff---\n---\nBody").data == {}


def test_invalid_yaml_names_the_file_and_line() -> None:
    text = "---\ntitle: Fine\nweek: [3\ndifficulty: easy\n---\n# T\n"
    with pytest.raises(BookParseError) as caught:
        split_front_matter(text, "module1/broken.md")
    error = caught.value
    assert error.path == "module1/broken.md"
    assert error.line is not None and 3 <= error.line <= 5
    assert str(error).startswith(f"module1/broken.md:{error.line}: ")


def test_front_matter_that_is_not_a_mapping_is_an_error() -> None:
    with pytest.raises(BookParseError, match="mapping"):
        split_front_matter("---\n- a\n- b\n---\nText\n", "list.md")


# --- MDX cleaning -------------------------------------------------------------------------------

MDX = """import Tabs from '@theme/Tabs';
import {
  Chart,
  Legend,
} from '../components';
export const meta = {week: 4};

Please import the data before you start.

<Tabs groupId="lang">
  <TabItem value="py" label="Python">

```python
import os
from robot import Tabs
# :::tip stays inside code
print("<TabItem value='x'>")
```

  </TabItem>
</Tabs>

Inline `<Tabs>` is code and <Highlight color="red">this text</Highlight> stays.

<Chart data={[1, 2, 3]} />
<RobotDiagram
  view="top"
/>

:::tip[Keep it short]
A tip body with **bold**.
:::

:::note
Plain note.
:::

{/* a JSX comment */}
<!-- an HTML comment -->
<details>
<summary>Show the answer</summary>

The answer is 42.
</details>
"""


def test_mdx_syntax_is_removed_outside_code_and_text_is_kept() -> None:
    cleaned = clean_mdx(MDX)
    prose = "\n".join(outside_fences(cleaned)).replace("`<Tabs>`", "")
    assert "@theme/Tabs" not in cleaned and "../components" not in cleaned
    assert "export const" not in cleaned and "Legend" not in cleaned
    assert "Please import the data before you start." in cleaned  # prose, not ESM
    assert not re.search(r"</?[A-Z]", prose)  # no component tag is left outside code
    assert "<details>" not in prose and "<summary>" not in prose and "<!--" not in prose
    assert "Inline `<Tabs>` is code and this text stays." in cleaned
    assert "Chart" not in prose and 'view="top"' not in prose
    assert "Tip: Keep it short" in cleaned and "A tip body with **bold**." in cleaned
    assert "Note:" in cleaned and "Plain note." in cleaned and ":::" not in prose
    assert "JSX comment" not in cleaned and "HTML comment" not in cleaned
    assert "Show the answer" in cleaned and "The answer is 42." in cleaned


def test_code_fence_contents_are_never_touched() -> None:
    fence = MDX[MDX.index("```python") : MDX.index("```\n", MDX.index("```python") + 3) + 3]
    assert fence in clean_mdx(MDX)


def test_sample_mdx_chapter_is_clean() -> None:
    recovery = next(d for d in documents() if d.path.endswith(".mdx"))
    markdown = "\n".join(section.markdown for section in recovery.sections)
    assert "import Tabs" not in markdown and "<TabItem" not in markdown
    assert "<RobotDiagram" not in markdown
    assert "Tip: Start small" in markdown and "Warning:" in markdown
    assert "max_rotation_attempts: int = 3" in markdown  # the code inside <TabItem> survived


# --- sections -----------------------------------------------------------------------------------

DOC = """Some words before any heading.

# Bipedal Balance

Intro.

## Zero Moment Point

ZMP text.

#### Skipped a level

Deep text.

### Computing the ZMP

```python
# Not a heading: a comment in code
x = 1
```

Setext Heading
--------------

Setext body.

##
"""


def test_sections_keep_the_heading_hierarchy() -> None:
    parsed = parse_markdown(DOC, fallback_title="From Front Matter")
    sections = [item.section for item in parsed.sections]
    assert parsed.title == "Bipedal Balance"
    assert [(s.position, s.level, s.heading) for s in sections] == [
        (0, 0, "Bipedal Balance"),
        (1, 1, "Bipedal Balance"),
        (2, 2, "Zero Moment Point"),
        (3, 4, "Skipped a level"),
        (4, 3, "Computing the ZMP"),
        (5, 2, "Setext Heading"),
    ]
    assert sections[3].headings == ("Bipedal Balance", "Zero Moment Point", "Skipped a level")
    assert sections[4].headings == ("Bipedal Balance", "Zero Moment Point", "Computing the ZMP")
    assert sections[5].headings == ("Bipedal Balance", "Setext Heading")
    assert [s.anchor for s in sections] == [
        "",
        "",
        "zero-moment-point",
        "skipped-a-level",
        "computing-the-zmp",
        "setext-heading",
    ]


def test_section_markdown_is_its_own_content_with_a_normalised_heading() -> None:
    sections = [item.section for item in parse_markdown(DOC, fallback_title="T").sections]
    assert sections[0].markdown == "Some words before any heading."
    assert sections[2].markdown == "## Zero Moment Point\n\nZMP text."  # not its subsections
    assert "# Not a heading: a comment in code" in sections[4].markdown
    assert sections[5].markdown.startswith("## Setext Heading\n\nSetext body.")


def test_a_document_without_h1_is_headed_by_its_fallback_title() -> None:
    parsed = parse_markdown("Lead.\n\n## Part\n\nText.\n", fallback_title="Named In Front Matter")
    sections = [item.section for item in parsed.sections]
    assert parsed.title is None
    assert sections[0].headings == ("Named In Front Matter",) and sections[0].level == 0
    assert sections[1].headings == ("Named In Front Matter", "Part")
    assert sections[1].anchor == "part"


def test_a_heading_without_content_is_still_a_section() -> None:
    parsed = parse_markdown("# T\n\n## Empty\n\n## Full\n\nText.\n", fallback_title="T")
    sections = [item.section for item in parsed.sections]
    assert [s.heading for s in sections] == ["T", "Empty", "Full"]
    assert sections[1].markdown == "## Empty"


def _heading_lines(body: str) -> list[str]:
    """ATX headings outside fences, found without markdown-it (the corpus has no setext ones)."""
    return [line for line in outside_fences(body) if re.match(r"#{1,6}[ \t]+\S", line)]


def _check_document(path: Path, root: Path) -> None:
    document = next(d for d in documents(root) if d.path == path.relative_to(root).as_posix())
    body = clean_mdx(split_front_matter(path.read_text(encoding="utf-8")).body)
    headed = [s for s in document.sections if s.level > 0]
    assert len(headed) == len(_heading_lines(body)), document.path
    assert [s.position for s in document.sections] == list(range(len(document.sections)))
    title = document.sections[0].headings[0]
    for section in document.sections:
        assert section.heading.strip() and all(part.strip() for part in section.headings)
        assert section.headings[-1] == section.heading and section.headings[0] == title
        if section.level > 0:
            assert section.markdown.split("\n", 1)[0] == "#" * section.level + " " + section.heading
            assert len(section.headings) <= section.level + 1
    # Nothing is lost: every non-blank line of the body is in some section.
    kept = {line for s in document.sections for line in s.markdown.split("\n")}
    headings = {line.strip() for line in _heading_lines(body)}
    missing = [
        line
        for line in body.split("\n")
        if line.strip() and line not in kept and line.strip() not in headings
    ]
    assert not missing, (document.path, missing[:3])


def test_every_sample_book_document_parses_completely() -> None:
    for path in sorted(SAMPLE_BOOK_ROOT.rglob("*.md*")):
        _check_document(path, SAMPLE_BOOK_ROOT)


@needs_corpus
def test_every_shared_textbook_document_parses_completely() -> None:
    paths = [p for p in sorted(CORPUS.rglob("*.md")) if p.name != "SOURCE.md"]
    assert len(paths) == 129
    for path in paths:
        _check_document(path, CORPUS)


def test_every_heading_path_starts_with_the_document_title() -> None:
    markdown = "# Walking\n\n## Gait\n\nText.\n\n# Appendix\n\n## Tables\n\nMore.\n"
    sections = [item.section for item in parse_markdown(markdown, fallback_title="W").sections]
    assert [s.headings for s in sections] == [
        ("Walking",),
        ("Walking", "Gait"),
        ("Walking", "Appendix"),
        ("Walking", "Appendix", "Tables"),
    ]
    assert [s.anchor for s in sections] == ["", "gait", "appendix", "tables"]
