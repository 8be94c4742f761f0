"""Chunks: bounded, never cutting a fence or a table, coherent, and nothing lost."""

from __future__ import annotations

import re

import pytest

from core.books.chunking import chunk_sections, count_tokens, embed_text
from core.books.markdown import parse_markdown
from core.books.model import BookDocument, Chunk
from tests.books import CORPUS, documents, fence_spans, needs_corpus, outside_fences

MAX, OVERLAP = 220, 30


def chunks_of(markdown: str, **options) -> list[Chunk]:
    parsed = parse_markdown(markdown, fallback_title="Doc")
    return chunk_sections(parsed.sections, **options)


def fences_balanced(text: str) -> bool:
    return all(end >= 0 for _, end in fence_spans(text))


def is_single_block(text: str) -> bool:
    """The chunk (after its heading line) is one fence or one table: allowed to be oversized."""
    lines = [line for line in text.split("\n") if not re.match(r"#{1,6} ", line)]
    body = "\n".join(lines).strip()
    spans = fence_spans(body)
    if len(spans) == 1 and spans[0] == (0, len(body.split("\n")) - 1):
        return True
    return all(line.lstrip().startswith("|") for line in body.split("\n"))


def code_lines(text: str) -> list[str]:
    """Lines inside the fences of `text`, without the fence lines themselves."""
    lines = text.split("\n")
    return [line for start, end in fence_spans(text) for line in lines[start + 1 : end]]


# --- token counting -----------------------------------------------------------------------------


def test_count_tokens_counts_word_and_punctuation_runs_additively() -> None:
    assert count_tokens("Hello, world!") == 4
    assert count_tokens("x_zmp = x - (z / g) * a;") == 12
    assert count_tokens("") == 0
    parts = ["## ZMP", "Keep the ZMP inside.", "```python\nx = 1\n```"]
    assert count_tokens("\n\n".join(parts)) == sum(count_tokens(p) for p in parts)


# --- small, made-up sections --------------------------------------------------------------------


def test_a_short_section_is_its_own_chunk_and_an_empty_one_has_none() -> None:
    chunks = chunks_of("# T\n\n## Empty\n\n## Short\n\nOne line.\n\n## Next\n\nAnother line.\n")
    assert [(c.heading, c.text) for c in chunks] == [
        ("Short", "## Short\n\nOne line."),
        ("Next", "## Next\n\nAnother line."),
    ]
    assert [c.chunk_index for c in chunks] == [0, 1]
    assert chunks[0].anchor == "short" and chunks[0].headings == ("T", "Short")


def test_long_prose_splits_between_sentences_with_overlap() -> None:
    sentences = [f"Sentence number {i} explains one more detail of the balance loop." for i in range(60)]
    chunks = chunks_of("# T\n\n## Balance\n\n" + " ".join(sentences) + "\n")
    assert len(chunks) >= 3
    for previous, chunk in zip(chunks, chunks[1:], strict=False):
        assert chunk.token_count <= MAX
        assert chunk.text.rstrip().endswith(".")  # cut at a sentence end
        last_sentence = previous.text.rsplit(". ", 1)[-1].strip()
        overlap = chunk.text.split("\n\n")[0]
        assert overlap.endswith(last_sentence) and count_tokens(overlap) <= OVERLAP
    assert chunks[0].text.startswith("## Balance\n\nSentence number 0 ")
    assert all(s in "\n".join(c.text for c in chunks) for s in sentences)  # nothing lost


def test_an_oversized_fence_is_split_into_valid_fences_at_line_boundaries() -> None:
    code = "\n".join(
        f"def step_{i}(robot):\n    # shift weight to foot {i}\n    robot.shift({i})\n" for i in range(40)
    )
    chunks = chunks_of(f"# T\n\n## Gait\n\nThe full gait script:\n\n```python\n{code}\n```\n")
    assert len(chunks) >= 3
    original = code.split("\n")
    for chunk in chunks:
        assert chunk.token_count <= MAX and fences_balanced(chunk.text) and chunk.has_code
        assert "```python" in chunk.text  # each piece re-opens the fence with its language
        assert all(line in original for line in code_lines(chunk.text))
    assert chunks[0].text.startswith("## Gait\n\nThe full gait script:\n\n```python\n")
    # Reading the pieces in order gives back every line of the code, in order.
    seen = [line for chunk in chunks for line in code_lines(chunk.text) if line.strip()]
    assert list(dict.fromkeys(seen)) == [line for line in original if line.strip()]
    # Continuation pieces start with the previous piece's last lines (overlap inside the fence).
    first_lines = code_lines(chunks[1].text)
    assert first_lines[0] in code_lines(chunks[0].text)


def test_an_oversized_table_is_split_at_rows_under_a_repeated_header() -> None:
    rows = "\n".join(f"| joint_{i} | {i * 10} Nm | encoder and torque sensor |" for i in range(60))
    table = "| Joint | Torque | Sensors |\n| --- | --- | --- |\n" + rows
    chunks = chunks_of(f"# T\n\n## Joints\n\n{table}\n")
    assert len(chunks) >= 2
    for chunk in chunks:
        table_lines = [line for line in chunk.text.split("\n") if line.startswith("|")]
        assert table_lines[:2] == ["| Joint | Torque | Sensors |", "| --- | --- | --- |"]
        assert chunk.token_count <= MAX
    found = [line for c in chunks for line in c.text.split("\n") if line.startswith("| joint_")]
    assert found == rows.split("\n")  # every row once, in order (tables carry no overlap)


def test_a_long_list_splits_between_items() -> None:
    items = "\n".join(
        f"- Step {i}: check the ankle sensor and the knee encoder before walking." for i in range(50)
    )
    chunks = chunks_of(f"# T\n\n## Checklist\n\n{items}\n")
    assert len(chunks) >= 2
    for chunk in chunks:
        body = [line for line in chunk.text.split("\n") if line and not line.startswith("#")]
        assert all(line.startswith("- Step ") for line in body)
        assert chunk.token_count <= MAX


def test_a_lead_in_stays_with_the_code_it_introduces() -> None:
    prose = " ".join(f"Filler sentence {i} about sensor fusion." for i in range(25))
    code = "\n".join(f"imu.read({i})" for i in range(25))
    markdown = f"# T\n\n## Fusion\n\n{prose}\n\nRun the reader like this:\n\n```python\n{code}\n```\n"
    chunks = chunks_of(markdown)
    with_code = next(c for c in chunks if "```python" in c.text)
    assert "Run the reader like this:" in with_code.text
    assert not any(c.text.rstrip().endswith("Run the reader like this:") for c in chunks)


def test_no_tiny_leftover_chunk_at_the_end_of_a_section() -> None:
    # Greedy packing would leave the closing line alone after overlap; it must not stay alone.
    paragraphs = [" ".join(["word"] * 150), " ".join(["term"] * 64), "A short closing line."]
    chunks = chunks_of("# T\n\n## S\n\n" + "\n\n".join(paragraphs) + "\n")
    assert len(chunks) == 2
    assert all(MAX // 4 <= c.token_count <= MAX for c in chunks)
    assert "A short closing line." in chunks[-1].text


def test_overlap_never_crosses_sections() -> None:
    long = " ".join(f"Sentence {i} of the first part." for i in range(60))
    chunks = chunks_of(f"# T\n\n## One\n\n{long}\n\n## Two\n\nSecond part.\n")
    two = [c for c in chunks if c.heading == "Two"]
    assert [c.text for c in two] == ["## Two\n\nSecond part."]


def test_bounds_are_configurable() -> None:
    text = "# T\n\n## S\n\n" + " ".join(f"Point {i} is made here." for i in range(80)) + "\n"
    small = chunks_of(text, max_tokens=60, overlap=10)
    assert all(c.token_count <= 60 for c in small)
    assert len(small) > len(chunks_of(text))
    with pytest.raises(ValueError):
        chunks_of(text, max_tokens=100, overlap=80)


# --- embedding text -----------------------------------------------------------------------------


def test_embed_text_has_the_path_and_reduces_code() -> None:
    text = (
        "## Configuring\n\nSet the **limit** with [this option](https://x.org):\n\n"
        "```python\nfrom dataclasses import dataclass\n\nSECRET_BODY = 1\n"
        "# how many turns before asking for help\nmax_rotation_attempts = 3\n"
        "def recover(robot):\n    return robot.turn()\n```\n"
    )
    embedded = embed_text(("Recovery", "Configuring"), text)
    path, body = embedded.split("\n", 1)
    assert path == "Recovery › Configuring"
    assert "## Configuring" not in body and "**" not in body and "https://" not in body
    assert "Set the limit with this option:" in body
    assert "python code:" in body and "from dataclasses import dataclass" in body
    assert "# how many turns before asking for help" in body and "def recover(robot)" in body
    assert "SECRET_BODY" not in body and "robot.turn()" not in body


def test_embed_text_is_capped() -> None:
    embedded = embed_text(("A", "B"), " ".join(["word"] * 1000))
    assert len(embedded.split()) <= 200


def test_embed_text_of_a_code_only_chunk_is_path_and_comments() -> None:
    code = "```bash\n# install the simulator\nsudo apt install gazebo\nmake -j8\n```"
    assert embed_text(("Sim", "Install"), code) == "Sim › Install\nbash code: # install the simulator"


# --- whole books --------------------------------------------------------------------------------


def check_chunks(document: BookDocument) -> None:
    sections = {s.position: s for s in document.sections}
    assert [c.chunk_index for c in document.chunks] == list(range(len(document.chunks)))
    positions = [c.section_position for c in document.chunks]
    assert positions == sorted(positions)  # reading order
    for chunk in document.chunks:
        section = sections[chunk.section_position]
        assert (chunk.heading, chunk.headings, chunk.anchor) == (
            section.heading,
            section.headings,
            section.anchor,
        )
        assert chunk.text.strip() and chunk.token_count == count_tokens(chunk.text)
        assert fences_balanced(chunk.text), (document.path, chunk.chunk_index)
        assert chunk.token_count <= MAX or is_single_block(chunk.text), (
            document.path,
            chunk.chunk_index,
        )
        assert chunk.has_code == bool(fence_spans(chunk.text))
        assert chunk.embed_text.split("\n", 1)[0] == " › ".join(chunk.headings)
        assert len(chunk.embed_text.split()) <= 200
    for section in document.sections:
        own = [c for c in document.chunks if c.section_position == section.position]
        body = section.markdown.partition("\n")[2] if section.level else section.markdown
        assert bool(own) == bool(body.strip()), (document.path, section.heading)
        if own and section.level:
            assert own[0].text.startswith(section.markdown.split("\n", 1)[0])
        # Nothing is lost: every line of the section is in one of its chunks (a long paragraph
        # may be cut between two sentences of one line).
        chunk_lines = {line for c in own for line in c.text.split("\n")}
        joined = "\n\n".join(c.text for c in own)
        missing = [
            line
            for line in outside_fences(body)
            if line.strip()
            and line not in chunk_lines
            and not all(part in joined for part in re.split(r"(?<=[.!?])\s+", line.strip()))
        ]
        assert not missing, (document.path, section.heading, missing[:2])
        missing_code = set(code_lines(body)) - chunk_lines - {""}
        assert not {line for line in missing_code if line.strip()}, (document.path, section.heading)


def test_sample_book_chunks_hold_every_invariant() -> None:
    for document in documents():
        check_chunks(document)
    recovery = next(d for d in documents() if d.path.endswith(".mdx"))
    code = [c for c in recovery.chunks if "max_rotation_attempts: int = 3" in c.text]
    assert len(code) == 1 and code[0].has_code and code[0].heading == "Configuring the Behaviour"
    assert code[0].anchor == "configuring-the-behaviour"
    assert "max_rotation_attempts" in code[0].embed_text


@needs_corpus
def test_shared_textbook_chunks_hold_every_invariant() -> None:
    books = documents(CORPUS)
    for document in books:
        check_chunks(document)
    chunks = [c for d in books for c in d.chunks]
    sizes = [c.token_count for c in chunks]
    assert max(sizes) <= MAX  # no line in this book is longer than a chunk
    assert sum(sizes) / len(sizes) > MAX / 2  # chunks are filled, not fragmented
    tiny_tails = 0
    for document in books:
        for position in {c.section_position for c in document.chunks}:
            own = [c for c in document.chunks if c.section_position == position]
            tiny_tails += len(own) > 1 and own[-1].token_count < 40
    assert tiny_tails <= len(chunks) // 500


def test_stored_sections_rechunk_to_the_same_chunks() -> None:
    # The store keeps Section values; chunking them again must give what ingestion gave.
    for document in documents():
        assert chunk_sections(document.sections) == document.chunks, document.path


@needs_corpus
def test_stored_shared_textbook_sections_rechunk_to_the_same_chunks() -> None:
    for document in documents(CORPUS)[::10]:
        assert chunk_sections(document.sections) == document.chunks, document.path


def test_unusual_fences_stay_whole_and_valid() -> None:
    long_line = "x = [" + ", ".join(str(i) for i in range(400)) + "]"
    markdown = (
        "# T\n\n## Quoted\n\n> ```python\n> # not a heading\n> y = 1\n> ```\n\n"
        "## Nested\n\n````markdown\n```python\nz = 2\n```\n````\n\n"
        "## Tilde\n\n~~~\nplain\n~~~\n\n"
        f"## Long line\n\nIntro.\n\n```python\n{long_line}\n```\n\n"
        "## Unclosed\n\n```bash\necho never closed\n"
    )
    chunks = chunks_of(markdown)
    assert [c.heading for c in chunks] == [
        "Quoted",
        "Nested",
        "Tilde",
        "Long line",
        "Long line",
        "Unclosed",
    ]
    for chunk in chunks:
        assert fences_balanced(chunk.text) and chunk.has_code != chunk.text.endswith("Intro.")
    assert "> # not a heading" in chunks[0].text
    assert chunks[1].text.endswith("````markdown\n```python\nz = 2\n```\n````")
    oversized = chunks[4]
    assert oversized.token_count > MAX and is_single_block(oversized.text)  # alone, not cut
    assert chunks[5].text == "## Unclosed\n\n```bash\necho never closed\n```"
