"""Per-user limits through the real command tree: a /search or /read flood is refused with a wait,
privately, while another student is served."""

from __future__ import annotations

from core.app import App
from tests.bot.harness import INSTRUCTOR, OTHER_STUDENT, BotHarness

BALANCE = "01-foundations/balance-and-zmp.md"


async def test_a_search_flood_waits_and_another_student_is_served(
    discord_bot: BotHarness, book_app: App
) -> None:
    book_app.quotas.searches_per_minute = 3
    for _ in range(3):
        calls = await discord_bot.send(discord_bot.slash("search", query="robot"))
        assert calls[-1].embeds and calls[-1].embeds[0]["title"] == "Search: robot"
    refused = await discord_bot.send(discord_bot.slash("search", query="robot"))
    assert refused[-1].ephemeral
    assert refused[-1].content.startswith("⏳") and "searches this minute" in refused[-1].content
    assert "try again in" in refused[-1].content
    theirs = await discord_bot.send(discord_bot.slash("search", query="robot", person=OTHER_STUDENT))
    assert theirs[-1].embeds[0]["title"] == "Search: robot"


async def test_a_reading_flood_waits_on_read_and_on_the_reader_buttons(
    discord_bot: BotHarness, book_app: App
) -> None:
    book_app.quotas.reads_per_minute = 2
    shown = (await discord_bot.send(discord_bot.slash("read", chapter=BALANCE)))[-1]
    nxt = next(i for i in shown.custom_ids() if i.startswith("sh:read:n:"))
    turned = await discord_bot.send(discord_bot.click(discord_bot.message(shown), nxt))
    assert turned[0].embeds[0]["footer"]["text"].startswith("page 2/2")
    back = next(i for i in turned[0].custom_ids() if i.startswith("sh:read:p:"))
    pressed = await discord_bot.send(discord_bot.click(discord_bot.message(turned[0]), back))
    assert pressed[-1].ephemeral and pressed[-1].content.startswith("⏳")
    assert "pages this minute" in pressed[-1].content and "try again in" in pressed[-1].content
    again = await discord_bot.send(discord_bot.slash("read", chapter=BALANCE))
    assert again[-1].ephemeral and again[-1].content.startswith("⏳")
    theirs = await discord_bot.send(discord_bot.slash("read", chapter=BALANCE, person=OTHER_STUDENT))
    assert theirs[-1].embeds[0]["title"] == "Bipedal Balance"


async def test_quota_zero_means_no_questions_for_students_and_staff_still_ask(
    discord_bot: BotHarness, book_app: App
) -> None:
    await book_app.courses.configure("sample", hourly_question_quota=0)
    refused = await discord_bot.send(discord_bot.slash("ask", question="What is the zero moment point?"))
    assert refused[-1].ephemeral and refused[-1].content.startswith("🔒")
    assert "Questions are turned off in this course" in refused[-1].content
    assert "try again" not in refused[-1].content
    staff = await discord_bot.send(
        discord_bot.slash("ask", question="What is the zero moment point?", person=INSTRUCTOR)
    )
    assert any(c.embeds for c in staff if c.path.startswith("/webhooks"))


async def test_course_config_says_what_quota_zero_means(discord_bot: BotHarness) -> None:
    from bot.client import command_payloads

    course = next(c for c in command_payloads(discord_bot.bot.tree) if c["name"] == "course")
    config = next(o for o in course["options"] if o["name"] == "config")
    quota = next(o for o in config["options"] if o["name"] == "quota")
    assert "0 = no questions" in quota["description"] and "no limit" not in quota["description"]


async def test_staff_choose_a_model_only_from_the_operator_list(
    discord_bot: BotHarness, book_app: App
) -> None:
    book_app.settings.llm_models = "claude-haiku-test, claude-sonnet-test"
    offered = await discord_bot.send(
        discord_bot.slash("course", sub="config", person=INSTRUCTOR, model="", focused="model")
    )
    assert [c["value"] for c in offered[0].json["data"]["choices"]] == [
        "claude-haiku-test",
        "claude-sonnet-test",
    ]
    refused = await discord_bot.send(
        discord_bot.slash("course", sub="config", person=INSTRUCTOR, model="claude-opus-expensive")
    )
    assert refused[-1].ephemeral and refused[-1].content.startswith("⚠️")
    assert "claude-haiku-test" in refused[-1].content
    assert (await book_app.courses.get("sample")).llm_model is None
    saved = await discord_bot.send(
        discord_bot.slash("course", sub="config", person=INSTRUCTOR, model="claude-sonnet-test")
    )
    assert saved[-1].content.startswith("✅")
    assert (await book_app.courses.get("sample")).llm_model == "claude-sonnet-test"


async def test_staff_cannot_set_a_quota_above_the_operator_cap(
    discord_bot: BotHarness, book_app: App
) -> None:
    refused = await discord_bot.send(
        discord_bot.slash("course", sub="config", person=INSTRUCTOR, quota=100_000)
    )
    assert refused[-1].ephemeral and refused[-1].content.startswith("⚠️")
    assert "at most 1000" in refused[-1].content
    assert (await book_app.courses.get("sample")).hourly_question_quota != 100_000
    saved = await discord_bot.send(discord_bot.slash("course", sub="config", person=INSTRUCTOR, quota=1000))
    assert saved[-1].content.startswith("✅")
