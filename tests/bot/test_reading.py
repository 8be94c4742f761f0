"""/read: the paginated reader, its persistent Prev/Next buttons and the progress it records."""

from __future__ import annotations

import pytest

from bot.reader_pages import PAGE_CHARS
from core.app import App
from core.errors import NotFound
from core.models.accounts import Course
from tests.bot.harness import OTHER_STUDENT, STUDENT, BotHarness, start_bot

BALANCE = "01-foundations/balance-and-zmp.md"
SENSORS = "01-foundations/sensors.md"


async def reading_of(app: App, course: Course, person=STUDENT) -> dict[str, int]:
    user = await app.accounts.find("discord", person.id)
    progress = await app.tracking.show(user, course)
    return {c.chapter: c.completion_pct for c in progress.chapters}


async def test_read_a_chapter_pages_through_it_and_records_progress(
    discord_bot: BotHarness, book_app: App, course: Course
) -> None:
    bot = discord_bot
    calls = await bot.send(bot.slash("read", chapter=BALANCE))
    assert calls[0].kind == 5 and calls[0].ephemeral
    shown = calls[-1]
    assert shown.ephemeral
    page = shown.embeds[0]
    assert page["title"] == "Bipedal Balance"
    assert page["footer"]["text"].startswith("page 1/2")
    assert len(page["description"]) <= PAGE_CHARS
    assert shown.json["allowed_mentions"] == {"parse": []}
    first = (await reading_of(book_app, course))[BALANCE]
    assert 0 < first < 100

    ids = shown.custom_ids()
    nxt = next(i for i in ids if i.startswith("sh:read:n:"))
    assert all(len(i) <= 100 for i in ids)
    turned = await bot.send(bot.click(bot.message(shown), nxt))
    assert turned[0].kind == 7
    assert turned[0].embeds[0]["footer"]["text"].startswith("page 2/2 · 100% of this chapter read")
    assert (await reading_of(book_app, course))[BALANCE] == 100

    # Past the chapter's last page, Next goes on into the next chapter; Prev comes back to its last page.
    message = bot.message(turned[0])
    onward = await bot.send(bot.click(message, next(i for i in turned[0].custom_ids() if ":n:" in i)))
    assert onward[0].embeds[0]["title"] == "Sensing the Body"
    assert onward[0].embeds[0]["footer"]["text"].startswith("page 1/")
    back = await bot.send(
        bot.click(bot.message(onward[0]), next(i for i in onward[0].custom_ids() if ":p:" in i))
    )
    assert back[0].embeds[0]["title"] == "Bipedal Balance"
    assert back[0].embeds[0]["footer"]["text"].startswith("page 2/2")
    # Reading back never lowers what was reached.
    assert (await reading_of(book_app, course))[BALANCE] == 100


async def test_a_section_moves_on_to_its_neighbours(discord_bot: BotHarness, book_app, course) -> None:
    bot = discord_bot
    calls = await bot.send(bot.slash("read", chapter=BALANCE, section="zmp"))
    shown = calls[-1]
    assert shown.embeds[0]["title"] == "Bipedal Balance › Zero Moment Point"
    assert "page 1/1" in shown.embeds[0]["footer"]["text"]
    # The section sits in the middle of the chapter: progress is where it ends, not 100 %.
    assert 50 < (await reading_of(book_app, course))[BALANCE] < 100
    onward = await bot.send(bot.click(bot.message(shown), next(i for i in shown.custom_ids() if ":n:" in i)))
    assert onward[0].embeds[0]["title"] == "Bipedal Balance › Points to Remember"
    back = await bot.send(
        bot.click(bot.message(onward[0]), next(i for i in onward[0].custom_ids() if ":p:" in i))
    )
    assert back[0].embeds[0]["title"] == "Bipedal Balance › Zero Moment Point"
    earlier = await bot.send(
        bot.click(bot.message(back[0]), next(i for i in back[0].custom_ids() if ":p:" in i))
    )
    assert earlier[0].embeds[0]["title"] == "Bipedal Balance › Support Polygon"


async def test_the_first_page_of_the_book_has_no_way_back(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("read", chapter="index.md"))
    buttons = [b for row in calls[-1].components for b in row["components"]]
    prev = next(b for b in buttons if b["label"] == "◀ Prev")
    assert prev.get("disabled") is True


async def test_the_reader_keeps_working_after_a_restart(
    discord_bot: BotHarness, book_app: App, course: Course
) -> None:
    calls = await discord_bot.send(discord_bot.slash("read", chapter=BALANCE))
    message = discord_bot.message(calls[-1])
    nxt = next(i for i in calls[-1].custom_ids() if ":n:" in i)
    await discord_bot.bot.close()
    fresh = await start_bot(book_app)
    fresh.http.messages.update(discord_bot.http.messages)  # Discord still holds the old message
    try:
        turned = await fresh.send(fresh.click(message, nxt))
        assert turned[0].kind == 7
        assert turned[0].embeds[0]["footer"]["text"].startswith("page 2/2")
    finally:
        await fresh.bot.close()
    assert (await reading_of(book_app, course))[BALANCE] == 100


async def test_someone_elses_reader_does_not_move(discord_bot: BotHarness, book_app, course) -> None:
    calls = await discord_bot.send(discord_bot.slash("read", chapter=BALANCE))
    message = discord_bot.message(calls[-1])
    nxt = next(i for i in calls[-1].custom_ids() if ":n:" in i)
    refused = await discord_bot.send(discord_bot.click(message, nxt, person=OTHER_STUDENT))
    assert len(refused) == 1 and refused[0].kind == 4 and refused[0].ephemeral
    assert "belongs to someone else" in refused[0].content and "/read" in refused[0].content
    assert discord_bot.message(calls[-1])["embeds"] == message["embeds"]  # unchanged
    assert (await reading_of(book_app, course))[BALANCE] < 100  # Ada is still on page 1
    with pytest.raises(NotFound):  # and Grace's press neither read nor made her an account
        await book_app.accounts.find("discord", OTHER_STUDENT.id)


async def test_an_unknown_chapter_or_section_is_answered_with_suggestions(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("read", chapter="01-foundations/balance-and-zpm.md"))
    said = calls[-1]
    assert said.ephemeral and "No chapter" in said.content and BALANCE in said.content
    calls = await discord_bot.send(discord_bot.slash("read", chapter=BALANCE, section="zmpp"))
    assert "No section" in calls[-1].content and "zmp" in calls[-1].content


async def test_a_long_chapter_is_paged_without_breaking_code(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("read", chapter="02-ros2/recovery-behaviours.mdx"))
    pages = [calls[-1].embeds[0]["description"]]
    message, custom_ids = discord_bot.message(calls[-1]), calls[-1].custom_ids()
    while True:
        footer = pages and message["embeds"][0]["footer"]["text"]
        number, total = footer.split(" ")[1].split("/")
        if number == total:
            break
        turned = await discord_bot.send(discord_bot.click(message, next(i for i in custom_ids if ":n:" in i)))
        pages.append(turned[0].embeds[0]["description"])
        message, custom_ids = discord_bot.message(turned[0]), turned[0].custom_ids()
    assert len(pages) >= 2
    assert all(p.count("```") % 2 == 0 for p in pages)  # every page closes the code blocks it opens
    assert all(len(p) <= 4096 for p in pages)


async def test_chapter_and_section_autocomplete(discord_bot: BotHarness) -> None:
    bot = discord_bot
    found = await bot.send(bot.slash("read", focused="chapter", chapter="balance"))
    assert found[0].kind == 8
    choices = found[0].json["data"]["choices"]
    assert [c["value"] for c in choices] == [BALANCE]
    everything = await bot.send(bot.slash("read", focused="chapter", chapter=""))
    assert 1 < len(everything[0].json["data"]["choices"]) <= 25
    sections = await bot.send(bot.slash("read", focused="section", chapter=BALANCE, section=""))
    values = [c["value"] for c in sections[0].json["data"]["choices"]]
    assert "zmp" in values and "support-polygon" in values
    assert "proprioceptive-sensors" not in values  # another chapter's
    assert len(values) <= 25
    narrowed = await bot.send(bot.slash("read", focused="section", chapter=SENSORS, section="pitfalls"))
    assert {c["value"] for c in narrowed[0].json["data"]["choices"]} == {
        "typical-pitfalls",
        "typical-pitfalls-1",
    }


async def test_a_section_picked_from_the_whole_book_opens_in_its_chapter(discord_bot: BotHarness) -> None:
    bot = discord_bot
    listed = await bot.send(bot.slash("read", focused="section", section="reality gap"))
    values = [c["value"] for c in listed[0].json["data"]["choices"]]
    assert values == ["03-simulation/sim-to-real.md#where-the-reality-gap-comes-from"]
    calls = await bot.send(bot.slash("read", chapter="index.md", section=values[0]))
    assert calls[-1].embeds[0]["title"] == "From Simulation to Reality › Where the Reality Gap Comes From"


async def test_the_commands_are_registered_within_discords_limits(discord_bot: BotHarness) -> None:
    from bot.client import command_payloads

    mine = {
        c["name"]: c
        for c in command_payloads(discord_bot.bot.tree)
        if c["name"] in ("read", "progress", "complete", "quiz")
    }
    assert set(mine) == {"read", "progress", "complete", "quiz"}
    for command in mine.values():
        assert 1 <= len(command["description"]) <= 100
        for option in command.get("options", []):
            assert 1 <= len(option["description"]) <= 100


async def test_reading_before_the_book_is_loaded_says_so(discord_bot: BotHarness, book_app: App) -> None:
    await book_app.courses.create("empty", "Empty Course")
    await book_app.courses.bind_guild("empty", "700000000000000077")
    calls = await discord_bot.send(discord_bot.slash("read", chapter="index.md", guild="700000000000000077"))
    assert calls[-1].ephemeral and "not been loaded yet" in calls[-1].content


async def test_readers_keep_working_after_discord_py_times_a_view_out(discord_bot: BotHarness) -> None:
    """discord.py gives an ephemeral reader 15 minutes and then forgets its view; that must never
    take the reader's buttons down for everyone (the book's first page has a Prev that can't be
    pressed, and a view holding it once unregistered every reader when it timed out)."""
    grace = await discord_bot.send(discord_bot.slash("read", chapter=BALANCE, person=OTHER_STUDENT))
    await discord_bot.send(discord_bot.slash("read", chapter="index.md"))  # the book's first page
    ada = await discord_bot.send(discord_bot.slash("read", chapter=BALANCE))
    nxt = next(i for i in ada[-1].custom_ids() if ":n:" in i)
    last = await discord_bot.send(discord_bot.click(discord_bot.message(ada[-1]), nxt))  # page 2/2
    assert last[0].embeds[0]["footer"]["text"].startswith("page 2/2")

    await discord_bot.advance_views(15 * 60 + 1)

    message = discord_bot.message(grace[-1])
    nxt = next(i for i in grace[-1].custom_ids() if ":n:" in i)
    turned = await discord_bot.send(discord_bot.click(message, nxt, person=OTHER_STUDENT))
    assert turned and turned[0].kind == 7
    assert turned[0].embeds[0]["footer"]["text"].startswith("page 2/2")


async def test_the_books_ends_cannot_be_pressed_and_say_so_if_they_are(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("read", chapter="index.md"))
    message = discord_bot.message(calls[-1])
    prev = next(b for row in message["components"] for b in row["components"] if b["label"] == "◀ Prev")
    assert prev.get("disabled") is True
    pressed = await discord_bot.send(discord_bot.click(message, prev["custom_id"]))  # a stale client
    assert pressed and pressed[0].ephemeral and "first page of the book" in pressed[0].content


async def test_a_table_in_the_book_is_shown_readably_not_as_raw_pipes(discord_bot: BotHarness) -> None:
    """Discord draws no Markdown tables: the sample book's sensor table reads row by row."""
    bot = discord_bot
    calls = await bot.send(bot.slash("read", chapter=SENSORS, section="comparing-the-sensors"))
    page = bot.message(calls[-1])["embeds"][0]["description"]
    assert "| --- |" not in page and "| IMU |" not in page
    assert "**IMU**\nMeasures: Angular velocity, linear acceleration\nTypical rate: 200–1000 Hz" in page
    assert "**LiDAR**\nMeasures: Distance along many beams" in page
