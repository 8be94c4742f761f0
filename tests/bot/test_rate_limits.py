"""Discord's 429s and 5xx, injected in the fake and handled by discord.py's own retry logic: the
student still gets one answer, not two, and a failure Discord doesn't recover from leaves a clear
message, not a spinner."""

from __future__ import annotations

import re

from bot.answer_flow import Pace
from bot.answer_render import WRITING
from core.app import App
from tests.bot.harness import CHANNEL_ID, BotHarness
from tests.bot.test_ask import ZMP, ScriptedAnswers, SteppedClock, answer_calls, conversations_of
from tests.bot.test_reading import BALANCE

ORIGINAL = r"PATCH /webhooks/\d+/[^/]+/messages/@original"


def answers_shown(bot: BotHarness) -> list[str]:
    """The titles of the answers everyone in the channel reads."""
    return [m["embeds"][0]["title"] for m in bot.http.in_channel(CHANNEL_ID) if m["embeds"]]


async def test_an_answer_rate_limited_once_arrives_once(discord_bot: BotHarness, book_app: App) -> None:
    discord_bot.http.fail_next(ORIGINAL, status=429, retry_after=1.5)
    before = discord_bot.http.now
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    assert [c.status for c in calls if re.search("@original", c.path)] == [429, 200]
    assert discord_bot.http.now - before >= 1.5  # retry_after honoured
    assert answers_shown(discord_bot) == [ZMP]
    _, [conversation] = await conversations_of(book_app)  # and recorded once
    assert conversation.id


async def test_a_reader_page_turn_survives_a_429(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("read", chapter=BALANCE))
    shown = calls[-1]
    nxt = next(i for i in shown.custom_ids() if i.startswith("sh:read:n:"))
    discord_bot.http.fail_next(r"POST /interactions/.*/callback", status=429, retry_after=0.4)
    turned = await discord_bot.send(discord_bot.click(discord_bot.message(shown), nxt))
    assert [c.status for c in turned] == [429, 200]
    page = discord_bot.message(turned[-1])["embeds"][0]
    assert page["footer"]["text"].startswith("page 2/2")


async def test_streaming_edits_survive_429s(discord_bot: BotHarness, book_app: App) -> None:
    clock = SteppedClock()
    discord_bot.bot.get_cog("Ask").pace = Pace(interval=1.0, clock=clock)
    deltas = [f"w{i} " for i in range(8)]
    book_app.answers = ScriptedAnswers(
        book_app.answers, deltas, text="w0 … w7, whole.", clock=clock, step=0.5
    )
    discord_bot.http.fail_next(ORIGINAL, status=429, retry_after=1.0, times=2)
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    edits = [c for c in calls if "@original" in c.path]
    assert [c.status for c in edits][:3] == [429, 429, 200]
    assert any(c.ok and c.content.startswith(WRITING) for c in edits)
    [answer] = [m for m in discord_bot.http.in_channel(CHANNEL_ID) if m["embeds"]]
    assert answer["content"] == "" and answer["embeds"][0]["description"].startswith("w0")
    assert len(answer_calls(calls)) == 1


async def test_a_5xx_on_the_answer_is_retried(discord_bot: BotHarness) -> None:
    discord_bot.http.fail_next(ORIGINAL, status=503, times=2)
    await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    assert answers_shown(discord_bot) == [ZMP]


async def test_an_answer_discord_keeps_refusing_leaves_a_clear_message(
    discord_bot: BotHarness, book_app: App
) -> None:
    discord_bot.http.fail_next(ORIGINAL, status=502, times=5)  # all of discord.py's attempts
    await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    held = list(discord_bot.http.messages.values())
    # Not a "thinking…" spinner left forever, and not an apology to the whole channel.
    assert not [m for m in held if m.get("_loading")]
    assert discord_bot.http.in_channel(CHANNEL_ID) == []
    [told] = [m for m in held if m["flags"] & 64]
    assert "/history" in told["content"]
    _, [conversation] = await conversations_of(book_app)  # the answer is kept: /history shows it
    assert conversation.id
