"""/recommend: ranked chapters with reasons, privately; dismissing one replaces it; nothing left is said."""

from __future__ import annotations

from tests.bot.harness import STUDENT, BotHarness


def options(call) -> list[dict]:
    return next(
        i for row in call.components for i in row["components"] if i["custom_id"] == "sh:rec:dismiss"
    )["options"]


async def test_recommendations_with_reasons(discord_bot: BotHarness, book_app, course) -> None:
    calls = await discord_bot.send(discord_bot.slash("recommend"))
    assert calls[0].kind == 5 and calls[0].json["data"]["flags"] & 64
    shown = calls[-1]
    fields = shown.embeds[0]["fields"]
    assert 1 <= len(fields) <= 5 and "Match" in fields[0]["value"]
    assert "/profile set" in shown.embeds[0]["footer"]["text"]  # the profile is empty
    assert len(options(shown)) == len(fields) <= 25
    user = await book_app.accounts.find("discord", STUDENT.id)
    expected = await book_app.recommendations.next_for(user, course)
    assert [o["value"] for o in options(shown)] == [p.path for p in expected]
    assert fields[0]["name"] == f"1. {expected[0].title}" and expected[0].reason in fields[0]["value"]


async def test_dismissing_one_replaces_it_even_after_a_restart(
    discord_bot: BotHarness, book_app, course
) -> None:
    await discord_bot.send(discord_bot.slash("profile", sub="set"))  # an act: it makes the account
    user = await book_app.accounts.find("discord", STUDENT.id)
    await book_app.accounts.update_profile(
        user.id, experience_level="Beginner", programming_languages=["Python"]
    )
    calls = await discord_bot.send(discord_bot.slash("recommend"))
    first = options(calls[-1])[0]["value"]
    assert "/profile set" not in calls[-1].embeds[0]["footer"]["text"]
    fresh = await discord_bot.restarted()
    try:
        done = await fresh.send(fresh.click(fresh.message(calls[-1]), "sh:rec:dismiss", values=[first]))
    finally:
        await fresh.bot.close()
    assert done[0].kind == 6 and "Dismissed **" in done[-1].content and first not in done[-1].content
    assert first not in [o["value"] for o in options(done[-1])]
    assert first not in [p.path for p in await book_app.recommendations.next_for(user, course)]


async def test_dismissing_an_unknown_chapter_is_refused(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("recommend"))
    refused = await discord_bot.send(
        discord_bot.click(discord_bot.message(calls[-1]), "sh:rec:dismiss", values=["no/such-chapter.md"])
    )
    assert (
        refused[-1].ephemeral
        and "Only a chapter you were recommended can be dismissed" in refused[-1].content
    )


async def test_nothing_left_says_so(discord_bot: BotHarness, book_app, course) -> None:
    await discord_bot.send(discord_bot.slash("profile", sub="set"))  # an act: it makes the account
    user = await book_app.accounts.find("discord", STUDENT.id)
    while picks := await book_app.recommendations.next_for(user, course):
        for pick in picks:
            await book_app.recommendations.dismiss(user, course, pick.path)
    calls = await discord_bot.send(discord_bot.slash("recommend"))
    assert "Nothing to recommend right now" in calls[-1].content and not calls[-1].components
