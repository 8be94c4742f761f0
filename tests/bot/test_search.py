"""/search: passages of the sample book, five to a page, privately; misses and mistakes in words."""

from __future__ import annotations

from core.app import App
from tests.bot.discord_fake import Call
from tests.bot.harness import OTHER_STUDENT, BotHarness

PREV, NEXT = "Prev", "Next"


def buttons(call: Call) -> dict[str, bool]:
    """label → disabled, for the page's buttons (their custom ids carry the page they lead to)."""
    return {b["label"]: b.get("disabled", False) for row in call.components for b in row["components"]}


def button(message: dict, label: str) -> str:
    """The custom id of the button labelled `label` on a message as Discord holds it."""
    return next(
        b["custom_id"] for row in message["components"] for b in row["components"] if b["label"] == label
    )


def results(call: Call) -> list[dict]:
    return call.embeds[0]["fields"]


async def test_search_pages_through_passages(discord_bot: BotHarness, book_app: App) -> None:
    await book_app.courses.configure("sample", book_url="https://book.example")
    calls = await discord_bot.send(discord_bot.slash("search", query="robot"))
    assert calls[0].kind == 5 and calls[0].ephemeral
    first = calls[-1]
    assert first.ephemeral and first.json["allowed_mentions"] == {"parse": []}
    assert first.embeds[0]["title"] == "Search: robot"
    assert len(results(first)) == 5
    assert results(first)[0]["name"].startswith("1. ") and "score" not in results(first)[0]["name"]
    assert "](https://book.example/" in results(first)[0]["value"]
    footer = first.embeds[0]["footer"]["text"]
    assert footer.startswith("Page 1/")
    pages = int(footer.split("/")[1].split()[0])
    assert pages >= 2
    assert buttons(first) == {PREV: True, NEXT: False}

    message = discord_bot.message(first)
    turned = await discord_bot.send(discord_bot.click(message, button(message, NEXT)))
    assert turned[0].kind == 7
    assert results(turned[0])[0]["name"].startswith("6. ")
    assert turned[0].embeds[0]["footer"]["text"].startswith(f"Page 2/{pages}")
    assert buttons(turned[0])[PREV] is False
    for _ in range(pages - 2):
        message = discord_bot.message(turned[0])
        turned = await discord_bot.send(discord_bot.click(message, button(message, NEXT)))
    assert buttons(turned[0]) == {PREV: False, NEXT: True}  # the last page
    message = discord_bot.message(turned[0])
    back = await discord_bot.send(discord_bot.click(message, button(message, PREV)))
    assert back[0].embeds[0]["footer"]["text"].startswith(f"Page {pages - 1}/")
    # No passage runs past a field's limit.
    assert all(len(f["value"]) <= 1024 for f in results(first))


async def test_search_in_one_module(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("search", query="robot", module="02-ros2"))
    fields = results(calls[-1])
    assert fields and all("`02-ros2/" in f["value"] for f in fields)


async def test_search_without_hits_says_so(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("search", query="@everyone xylophone zeppelin"))
    assert calls[-1].ephemeral and "Nothing in the book matches" in calls[-1].content
    assert "@everyone" not in calls[-1].content  # defused, and never a ping anyway
    assert calls[-1].json["allowed_mentions"] == {"parse": []}


async def test_search_mistakes_are_answered_in_words(discord_bot: BotHarness, book_app: App) -> None:
    empty = await discord_bot.send(discord_bot.slash("search", query="   "))
    assert "The search is empty" in empty[-1].content
    unknown = await discord_bot.send(discord_bot.slash("search", query="robot", module="robots"))
    assert "No module 'robots'" in unknown[-1].content
    await book_app.courses.create("empty", "Empty Course")
    await book_app.courses.bind_guild("empty", "700000000000000002")
    missing = await discord_bot.send(
        discord_bot.slash("search", query="robot", guild="700000000000000002", person=OTHER_STUDENT)
    )
    assert "not been loaded yet" in missing[-1].content


async def test_search_module_autocomplete(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("search", query="x", module="sim", focused="module"))
    assert calls[0].json["data"]["choices"] == [{"name": "Module 3: Simulation", "value": "03-simulation"}]


async def test_search_pages_still_turn_after_discord_py_times_their_view_out(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("search", query="robot"))
    await discord_bot.advance_views(60 * 60)  # an hour later: past our 10 minutes and discord.py's 15
    message = discord_bot.message(calls[-1])
    turned = await discord_bot.send(discord_bot.click(message, button(message, NEXT)))
    assert turned and turned[0].kind == 7
    assert results(turned[0])[0]["name"].startswith("6. ")
    assert turned[0].embeds[0]["footer"]["text"].startswith("Page 2/")


async def test_search_pages_still_turn_after_a_restart(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("search", query="robot", module="02-ros2"))
    first = [f["name"] for f in results(calls[-1])]
    message = discord_bot.message(calls[-1])
    await discord_bot.bot.close()
    fresh = await discord_bot.restarted()
    try:
        turned = await fresh.send(fresh.click(message, button(message, NEXT)))
        assert turned and turned[0].kind == 7
        assert turned[0].embeds[0]["title"] == "Search: robot"
        assert turned[0].embeds[0]["footer"]["text"].startswith("Page 2/")
        assert all("`02-ros2/" in f["value"] for f in results(turned[0]))  # still in that module
        message = fresh.message(turned[0])
        back = await fresh.send(fresh.click(message, button(message, PREV)))
        assert [f["name"] for f in results(back[0])] == first
    finally:
        await fresh.bot.close()


async def test_a_search_too_long_for_its_title_says_to_search_again(discord_bot: BotHarness) -> None:
    """The title shows the query clipped, so it cannot be read back to re-run: say so, don't guess."""
    query = "robot " * 60
    calls = await discord_bot.send(discord_bot.slash("search", query=query.strip()))
    message = discord_bot.message(calls[-1])
    assert message["embeds"][0]["title"].endswith("…")
    turned = await discord_bot.send(discord_bot.click(message, button(message, NEXT)))
    shown = discord_bot.message(turned[0])
    assert "run /search again" in shown["content"] and not shown.get("components")
