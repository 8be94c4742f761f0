"""/progress (own progress with a chart) and /complete (mark a unit done)."""

from __future__ import annotations

from core.app import App
from core.models.accounts import Course
from tests.bot.harness import STUDENT, BotHarness

PNG = b"\x89PNG\r\n\x1a\n"


async def test_progress_is_private_and_has_a_chart(discord_bot: BotHarness, book_app: App, course) -> None:
    await discord_bot.send(
        discord_bot.slash("read", chapter="01-foundations/balance-and-zmp.md", section="why-balance-is-hard")
    )
    await discord_bot.send(discord_bot.slash("complete", unit="week-2"))
    calls = await discord_bot.send(discord_bot.slash("progress"))
    assert calls[0].kind == 5 and calls[0].ephemeral
    shown = calls[-1]
    assert shown.ephemeral
    embed = shown.embeds[0]
    assert embed["title"] == "Your progress in Sample Book"
    assert "✅ Week 2: Sensing the Body — done" in embed["description"]
    assert "▫️ Week 1: Bipedal Balance — 3" in embed["description"]  # a third of the chapter read
    assert "▫️ Week 3: ROS 2 Nodes and Topics — 0%" in embed["description"]
    assert embed["image"]["url"] == "attachment://progress.png"
    [(name, data)] = shown.files
    assert name == "progress.png" and data.startswith(PNG)
    assert len(embed["description"]) <= 4096


async def test_progress_of_a_newcomer(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("progress"))
    assert "**0%** of the course done" in calls[-1].embeds[0]["description"]
    assert calls[-1].files[0][1].startswith(PNG)


async def test_complete_marks_the_unit_in_the_core(
    discord_bot: BotHarness, book_app: App, course: Course
) -> None:
    calls = await discord_bot.send(discord_bot.slash("complete", unit="week-3"))
    said = calls[-1]
    assert said.kind == 4 and said.ephemeral
    assert "Week 3: ROS 2 Nodes and Topics" in said.content and "marked as done" in said.content
    user = await book_app.accounts.find("discord", STUDENT.id)
    units = {u.unit_id: u for u in (await book_app.tracking.show(user, course)).units}
    assert units["week-3"].completed and not units["week-1"].completed
    again = await discord_bot.send(discord_bot.slash("complete", unit="3"))  # by number, idempotent
    assert "marked as done" in again[-1].content


async def test_complete_an_unknown_unit_suggests_real_ones(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("complete", unit="week-9"))
    said = calls[-1]
    assert said.ephemeral and "No unit 'week-9'" in said.content and "week-" in said.content


async def test_unit_autocomplete_filters_and_stays_within_25(discord_bot: BotHarness) -> None:
    everything = await discord_bot.send(discord_bot.slash("complete", focused="unit", unit=""))
    assert everything[0].kind == 8
    values = [c["value"] for c in everything[0].json["data"]["choices"]]
    assert values == [f"week-{n}" for n in range(1, 7)]
    narrowed = await discord_bot.send(discord_bot.slash("complete", focused="unit", unit="ros"))
    assert [c["value"] for c in narrowed[0].json["data"]["choices"]] == ["week-3"]
