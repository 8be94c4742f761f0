"""A decline inside a module says "not in that module" and offers the whole book; only a search of
the whole book may say "not in the book"."""

from __future__ import annotations

from core.app import App
from tests.bot.harness import OTHER_STUDENT, BotHarness
from tests.bot.test_ask import answer_calls, answer_id

ZMP = "What is the zero moment point?"
MODULE_2 = "Module 2: ROS 2 Essentials"


async def test_a_decline_in_a_module_names_the_module_and_offers_the_whole_book(
    discord_bot: BotHarness, book_app: App
) -> None:
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP, module=MODULE_2))
    shown = discord_bot.message(answer_calls(calls)[-1])
    embed = shown["embeds"][0]
    assert embed["title"] == f"Not in Module 2 (ROS 2 Essentials): {ZMP}"
    assert "Not in the book" not in embed["title"]
    assert "Only Module 2: ROS 2 Essentials was searched" in embed["description"]
    whole = f"sh:ask:whole:{answer_id(answer_calls(calls)[-1])}"
    assert whole in [c["custom_id"] for row in shown["components"] for c in row["components"]]
    assert not any(
        c["custom_id"].startswith("sh:ask:ta:") for row in shown["components"] for c in row["components"]
    )

    # A classmate may not ask it again for the asker
    refused = await discord_bot.send(discord_bot.click(shown, whole, person=OTHER_STUDENT))
    assert "Only the person who asked" in refused[-1].content and refused[-1].ephemeral

    # after a restart, the button still asks the whole book, which does cover it
    restarted = await discord_bot.restarted()
    try:
        again = await restarted.send(restarted.click(shown, whole))
        answer = restarted.message(answer_calls(again)[-1])
        assert answer["embeds"][0]["title"] == ZMP
        assert "Zero Moment Point" in answer["embeds"][0]["description"]
        assert not (answer.get("flags") or 0) & 64  # public, as the first answer was
    finally:
        await restarted.bot.close()


async def test_not_in_the_book_only_when_the_whole_book_was_searched(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("ask", question="How do I bake sourdough bread?"))
    shown = discord_bot.message(answer_calls(calls)[-1])
    assert shown["embeds"][0]["title"].startswith("Not in the book: ")
    ids = [c["custom_id"] for row in shown["components"] for c in row["components"]]
    assert not any(i.startswith("sh:ask:whole:") for i in ids)
