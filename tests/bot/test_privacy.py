"""/privacy: the export is the user's data as a JSON file, forget erases it after a confirmation, and
leaderboard visibility changes for one course or all."""

from __future__ import annotations

import gzip
import json

import pytest

from bot.cogs.privacy import export_file
from core.errors import NotFound
from tests.bot.harness import OTHER_STUDENT, STUDENT, BotHarness


async def a_student_with_data(book_app, course):
    user = await book_app.accounts.resolve("discord", STUDENT.id, STUDENT.name)
    await book_app.accounts.enter_course(user.id, course.id)
    await book_app.accounts.update_profile(user.id, experience_level="Advanced", interests=["humanoids"])
    await book_app.tokens.create(user.id, "laptop")
    answer = await book_app.answers.ask(course, user, "What is a robot?", surface="discord")
    return user, answer


async def test_export_is_a_private_json_file_of_the_users_data(
    discord_bot: BotHarness, book_app, course
) -> None:
    user, answer = await a_student_with_data(book_app, course)
    calls = await discord_bot.send(discord_bot.slash("privacy", sub="export"))
    assert calls[0].kind == 5 and calls[0].json["data"]["flags"] & 64  # deferred, privately
    sent = calls[-1]
    assert [name for name, _ in sent.files] == ["studyhall-export.json"]
    data = json.loads(sent.files[0][1])
    assert data["user"]["id"] == user.id
    assert data["user_profiles"][0]["experience_level"] == "Advanced"
    assert data["api_tokens"][0]["name"] == "laptop" and "token_hash" not in data["api_tokens"][0]
    assert data["conversations"][0]["id"] == answer.conversation_id
    assert any(m["content"] == "What is a robot?" for m in data["messages"])
    audit = await book_app.privacy.export(user.id)
    assert any(e["event"] == "export" and e["surface"] == "discord" for e in audit["audit_log"])


async def test_export_and_forget_of_someone_unknown_create_nothing(discord_bot: BotHarness, book_app) -> None:
    for sub in ("export", "forget"):
        calls = await discord_bot.send(discord_bot.slash("privacy", sub=sub, person=OTHER_STUDENT))
        assert calls[0].ephemeral and "nothing stored about you" in calls[0].content
    with pytest.raises(NotFound):
        await book_app.accounts.find("discord", OTHER_STUDENT.id)


def test_a_huge_export_is_gzipped() -> None:
    data = {"rows": ["x" * 100] * 100}
    assert export_file(data, 10**9).filename == "studyhall-export.json"
    packed = export_file(data, 1000)
    assert packed.filename == "studyhall-export.json.gz"
    assert json.loads(gzip.decompress(packed.fp.read())) == data


async def test_forget_asks_then_erases_and_next_use_starts_afresh(
    discord_bot: BotHarness, book_app, course
) -> None:
    user, answer = await a_student_with_data(book_app, course)
    asked = await discord_bot.send(discord_bot.slash("privacy", sub="forget"))
    assert asked[0].ephemeral and "cannot be undone" in asked[0].content
    confirm = next(i for i in asked[0].custom_ids() if i.startswith("sh:privacy:forget:"))
    assert "sh:privacy:keep" in asked[0].custom_ids()
    message = discord_bot.message(asked[0])

    kept = await discord_bot.send(discord_bot.click(message, "sh:privacy:keep"))
    assert kept[0].kind == 7 and kept[0].content == "Nothing was deleted." and not kept[0].components
    assert (await book_app.accounts.find("discord", STUDENT.id)).id == user.id

    done = await discord_bot.send(discord_bot.click(message, confirm))
    assert done[0].kind == 7 and "deleted" in done[0].content and not done[0].components
    with pytest.raises(NotFound):
        await book_app.accounts.find("discord", STUDENT.id)
    with pytest.raises(NotFound):
        await book_app.conversations.get(user.id, answer.conversation_id)
    assert await book_app.tokens.list(user.id) == []

    # Using Studyhall again (looking alone would make nothing).
    shown = await discord_bot.send(discord_bot.slash("profile", sub="set"))
    fresh = await book_app.accounts.find("discord", STUDENT.id)
    assert fresh.id != user.id and "not set yet" in shown[0].text()


async def test_the_confirmation_survives_a_restart_but_expires(
    discord_bot: BotHarness, book_app, clock
) -> None:
    await book_app.accounts.resolve("discord", STUDENT.id, STUDENT.name)
    asked = await discord_bot.send(discord_bot.slash("privacy", sub="forget"))
    confirm = next(i for i in asked[0].custom_ids() if i.startswith("sh:privacy:forget:"))
    message = discord_bot.message(asked[0])
    fresh = await discord_bot.restarted()
    try:
        clock.advance(minutes=11)
        late = await fresh.send(fresh.click(message, confirm))
        assert "expired" in late[0].content
        await book_app.accounts.find("discord", STUDENT.id)  # still there
        again = await fresh.send(fresh.slash("privacy", sub="forget"))
        confirm = next(i for i in again[0].custom_ids() if i.startswith("sh:privacy:forget:"))
        done = await fresh.send(fresh.click(fresh.message(again[0]), confirm))
        assert "deleted" in done[0].content
    finally:
        await fresh.bot.close()
    with pytest.raises(NotFound):
        await book_app.accounts.find("discord", STUDENT.id)


async def test_leaderboard_hide_and_show(discord_bot: BotHarness, book_app, course) -> None:
    hidden = await discord_bot.send(discord_bot.slash("privacy", group="leaderboard", sub="hide"))
    assert hidden[0].ephemeral and "hidden from leaderboards in all your courses" in hidden[0].content
    user = await book_app.accounts.find("discord", STUDENT.id)
    assert not (await book_app.accounts.profile(user.id)).leaderboard_visible
    # Hidden everywhere, so a course joined later starts hidden too.
    await discord_bot.send(discord_bot.slash("profile", sub="show"))
    assert not (await book_app.accounts.enter_course(user.id, course.id)).leaderboard_visible

    shown = await discord_bot.send(
        discord_bot.slash("privacy", group="leaderboard", sub="show", only_this_course=True)
    )
    assert "shown on leaderboards in **Sample Book**" in shown[0].content
    assert (await book_app.accounts.enrollment(user.id, course.id)).leaderboard_visible
    assert not (await book_app.accounts.profile(user.id)).leaderboard_visible  # other courses unchanged


async def test_this_course_only_needs_a_course(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(
        discord_bot.slash("privacy", group="leaderboard", sub="hide", only_this_course=True, dm=True)
    )
    assert (
        calls[-1].ephemeral
        and "use a Studyhall command in your class's Discord server first" in calls[-1].content
    )
