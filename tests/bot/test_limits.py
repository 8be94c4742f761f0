"""Discord's size limits: long text split without breaking code fences, embeds trimmed."""

from __future__ import annotations

import random

import discord

from bot.limits import EMBED_TOTAL, clip, fit_embed, split_message


def _fences_balanced(piece: str) -> bool:
    return sum(1 for line in piece.split("\n") if line.strip().startswith("```")) % 2 == 0


def test_short_text_is_one_piece_and_clip_marks_cuts() -> None:
    assert split_message("hello") == ["hello"]
    assert clip("abcdef", 4) == "abc…" and clip("abc", 4) == "abc"


def test_a_code_block_cut_in_two_is_closed_and_reopened_with_its_language() -> None:
    code = "\n".join(f"x_{i} = {i}  # a line of code" for i in range(200))
    text = f"Intro paragraph.\n\n```python\n{code}\n```\n\nAfter the code."
    pieces = split_message(text)
    assert len(pieces) > 2
    assert all(len(p) <= 2000 and _fences_balanced(p) for p in pieces)
    assert all(p.split("\n")[0] == "```python" for p in pieces[1:-1])
    rejoined = [line for p in pieces for line in p.split("\n") if not line.startswith("```")]
    assert [line for line in text.split("\n") if not line.startswith("```")] == rejoined


def test_random_texts_always_fit_and_keep_every_word() -> None:
    rng = random.Random(7)
    for _ in range(300):
        lines = []
        for _ in range(rng.randint(1, 120)):
            roll = rng.random()
            if roll < 0.06:
                lines.append(rng.choice(["```", "```bash"]))
            elif roll < 0.1:
                lines.append("y" * rng.randint(100, 4000))  # one huge word
            else:
                lines.append(" ".join("w" * rng.randint(1, 9) for _ in range(rng.randint(0, 40))))
        text = "\n".join(lines)
        limit = rng.choice([2000, 400])
        pieces = split_message(text, limit)
        assert all(len(p) <= limit for p in pieces)
        # Nothing is lost or reordered: the same characters, once fence lines are set aside.
        assert _letters(pieces) == _letters([text])


def _letters(pieces: list[str]) -> str:
    return "".join(
        "".join(line.split()) for p in pieces for line in p.split("\n") if not line.strip().startswith("```")
    )


def test_embeds_are_trimmed_to_discords_limits() -> None:
    embed = discord.Embed(title="t" * 300, description="d" * 5000)
    for i in range(30):
        embed.add_field(name=f"n{i}" * 100, value="v" * 2000)
    embed.set_footer(text="f" * 3000)
    fit_embed(embed)
    assert len(embed.title) <= 256 and len(embed.description) <= 4096
    assert len(embed.fields) <= 25 and all(len(f.value) <= 1024 and len(f.name) <= 256 for f in embed.fields)
    assert len(embed) <= EMBED_TOTAL
