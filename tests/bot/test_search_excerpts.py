"""What a search result shows: the passage's own text (never just its heading), code kept as code,
and no raw ranking score."""

from __future__ import annotations

import re

from tests.bot.harness import BotHarness


async def _shown(discord_bot: BotHarness, query: str) -> list[dict]:
    calls = await discord_bot.send(discord_bot.slash("search", query=query))
    return discord_bot.message(calls[-1])["embeds"][0]["fields"]


def excerpt(field: dict) -> str:
    """The quoted passage of a result, without the "Read it in the book" line."""
    return field["value"].rsplit("\n", 1)[0]


async def test_an_excerpt_is_never_only_the_heading(discord_bot: BotHarness) -> None:
    for field in await _shown(discord_bot, "balance"):
        quoted = re.sub(r"^> ?", "", excerpt(field), flags=re.M).strip()
        heading = field["name"].split(". ", 1)[1].split(" · ")[0].split(" › ")[-1]
        assert quoted.rstrip("…").strip() != heading, field
        assert len(quoted.split()) >= 5, field


async def test_no_raw_score_is_shown(discord_bot: BotHarness) -> None:
    for field in await _shown(discord_bot, "balance"):
        assert "score" not in field["name"]
        assert not re.search(r"\d+\.\d\d", field["name"]), field


async def test_code_in_an_excerpt_stays_code(discord_bot: BotHarness) -> None:
    fields = await _shown(discord_bot, "ros2 topic echo")
    with_code = [f for f in fields if "```" in f["value"]]
    assert with_code, [f["value"] for f in fields]
    block = with_code[0]["value"]
    assert block.count("```") % 2 == 0  # every fence closed
    inside = block.split("```", 2)[1]
    assert "\n" in inside.strip("\n") or "ros2" in inside  # lines kept, not flattened to one
