"""/profile: shown privately; set with menus that save at once, a form for free text, and worded refusals."""

from __future__ import annotations

from core.models.accounts import User
from tests.bot.harness import OTHER_STUDENT, STUDENT, BotHarness


async def ada(book_app) -> User:
    return await book_app.accounts.find("discord", STUDENT.id)


def select(call, custom_id: str) -> dict:
    for row in call.components:
        for item in row["components"]:
            if item.get("custom_id") == custom_id:
                return item
    raise AssertionError(f"no {custom_id} in the message")


async def test_show_is_private_and_says_what_is_missing(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("profile", sub="show"))
    assert calls[0].kind == 4 and calls[0].ephemeral
    text = calls[0].text()
    assert "not set yet" in text and "English (en)" in text and "/profile set" in text


async def test_set_saves_each_choice_at_once(discord_bot: BotHarness, book_app) -> None:
    opened = await discord_bot.send(discord_bot.slash("profile", sub="set"))
    assert opened[0].ephemeral
    ids = opened[0].custom_ids()
    assert ids == [
        "sh:profile:pick:experience_level",
        "sh:profile:pick:programming_languages",
        "sh:profile:pick:frameworks",
        "sh:profile:page:1",
        "sh:profile:about",
    ]
    assert len(opened[0].components) <= 5
    for custom_id in ids[:3]:
        menu = select(opened[0], custom_id)
        assert 0 < len(menu["options"]) <= 25
    message = discord_bot.message(opened[0])

    level = await discord_bot.send(
        discord_bot.click(message, "sh:profile:pick:experience_level", values=["Intermediate"])
    )
    assert level[0].kind == 7 and "experience level: Intermediate" in level[0].content
    langs = await discord_bot.send(
        discord_bot.click(message, "sh:profile:pick:programming_languages", values=["Python", "Rust"])
    )
    assert "Python, Rust" in langs[0].content
    chosen = [
        o["value"]
        for o in select(langs[0], "sh:profile:pick:programming_languages")["options"]
        if o.get("default")
    ]
    assert chosen == ["Python", "Rust"]

    profile = await book_app.accounts.profile((await ada(book_app)).id)
    assert profile.experience_level == "Intermediate" and profile.completed_at is not None
    assert profile.programming_languages == ["Python", "Rust"]

    cleared = await discord_bot.send(
        discord_bot.click(message, "sh:profile:pick:programming_languages", values=[])
    )
    assert "nothing" in cleared[0].content
    assert (await book_app.accounts.profile((await ada(book_app)).id)).programming_languages == []


async def test_the_hardware_page_and_the_form(discord_bot: BotHarness, book_app) -> None:
    opened = await discord_bot.send(discord_bot.slash("profile", sub="set"))
    turned = await discord_bot.send(discord_bot.click(discord_bot.message(opened[0]), "sh:profile:page:1"))
    assert turned[0].kind == 7
    assert turned[0].custom_ids() == [
        "sh:profile:pick:available_hardware",
        "sh:profile:pick:robotics_hardware",
        "sh:profile:page:0",
        "sh:profile:about",
    ]
    page = discord_bot.message(turned[0])
    await discord_bot.send(
        discord_bot.click(page, "sh:profile:pick:available_hardware", values=["NVIDIA GPU", "CPU only"])
    )
    form = await discord_bot.send(discord_bot.click(page, "sh:profile:about"))
    assert form[0].kind == 9 and form[0].json["data"]["custom_id"] == "sh:profile:about-form"
    saved = await discord_bot.send(
        discord_bot.submit(
            "sh:profile:about-form", {"interests": "Humanoids, SLAM,\n@everyone, humanoids", "language": "UR"}
        )
    )
    assert saved[0].ephemeral and "Saved your interests" in saved[0].content
    assert saved[0].json["data"]["allowed_mentions"] == {"parse": []}
    profile = await book_app.accounts.profile((await ada(book_app)).id)
    assert profile.available_hardware == ["NVIDIA GPU", "CPU only"]
    assert profile.interests == ["humanoids", "slam", "@everyone"]
    assert profile.preferred_language == "ur"
    assert "Urdu (ur)" in saved[0].text()


async def test_bad_values_are_refused_in_words(discord_bot: BotHarness, book_app) -> None:
    opened = await discord_bot.send(discord_bot.slash("profile", sub="set"))
    message = discord_bot.message(opened[0])
    forged = await discord_bot.send(
        discord_bot.click(message, "sh:profile:pick:programming_languages", values=["COBOL"])
    )
    assert forged[-1].ephemeral and "'COBOL' is not a valid programming language option" in forged[-1].content
    await discord_bot.send(discord_bot.click(message, "sh:profile:about"))
    wrong = await discord_bot.send(
        discord_bot.submit("sh:profile:about-form", {"interests": "x" * 60, "language": "en"})
    )
    assert "too long" in wrong[-1].content and wrong[-1].ephemeral
    await discord_bot.send(discord_bot.click(message, "sh:profile:about"))
    code = await discord_bot.send(
        discord_bot.submit("sh:profile:about-form", {"interests": "", "language": "qq"})
    )
    assert "isn't a language I know" in code[-1].content
    profile = await book_app.accounts.profile((await ada(book_app)).id)
    assert profile.programming_languages == [] and profile.preferred_language == "en"


async def test_an_open_editor_survives_a_restart_and_edits_only_the_clickers_profile(
    discord_bot: BotHarness, book_app
) -> None:
    opened = await discord_bot.send(discord_bot.slash("profile", sub="set"))
    message = discord_bot.message(opened[0])
    fresh = await discord_bot.restarted()
    try:
        calls = await fresh.send(fresh.click(message, "sh:profile:pick:frameworks", values=["ROS 2"]))
        assert calls[0].kind == 7 and "ROS 2" in calls[0].content
        # The same menu clicked by someone else changes their own profile, never Ada's.
        await fresh.send(
            fresh.click(message, "sh:profile:pick:frameworks", values=["Unity"], person=OTHER_STUDENT)
        )
    finally:
        await fresh.bot.close()
    assert (await book_app.accounts.profile((await ada(book_app)).id)).frameworks == ["ROS 2"]
    grace = await book_app.accounts.find("discord", OTHER_STUDENT.id)
    assert (await book_app.accounts.profile(grace.id)).frameworks == ["Unity"]


async def test_profile_works_in_dms_without_a_course(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("profile", sub="show", dm=True, person=OTHER_STUDENT))
    assert calls[0].ephemeral and "Your Studyhall profile" in calls[0].text()


async def test_the_experience_level_can_be_cleared_as_promised(discord_bot: BotHarness, book_app) -> None:
    opened = await discord_bot.send(discord_bot.slash("profile", sub="set"))
    assert "deselect everything in a menu to clear it" in opened[0].content
    message = discord_bot.message(opened[0])
    menu = select(opened[0], "sh:profile:pick:experience_level")
    assert menu.get("min_values", 1) == 0 and menu["max_values"] == 1  # Discord lets one deselect it
    await discord_bot.send(discord_bot.click(message, "sh:profile:pick:experience_level", values=["Expert"]))
    cleared = await discord_bot.send(
        discord_bot.click(message, "sh:profile:pick:experience_level", values=[])
    )
    assert cleared[0].kind == 7 and "experience level: nothing" in cleared[0].content
    shown = discord_bot.message(cleared[0])
    assert "not set yet" in str(shown["embeds"])
    assert (await book_app.accounts.profile((await ada(book_app)).id)).experience_level is None
