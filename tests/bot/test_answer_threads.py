"""Answers in threads: with the course setting on, each public /ask gets a thread started from its
answer, and Follow up (or /ask) in that thread carries the same conversation on."""

from __future__ import annotations

from typing import Any

import discord

from core.app import App
from tests.bot.harness import CHANNEL_ID, GUILD_ID, INSTRUCTOR, STAFF_PERMISSIONS, STUDENT, BotHarness
from tests.bot.test_ask import ZMP, answer_calls, answer_id, conversations_of

THREADS = (
    STAFF_PERMISSIONS | discord.Permissions(create_public_threads=True, send_messages_in_threads=True).value
)


def with_threads(payload: dict[str, Any]) -> dict[str, Any]:
    payload["app_permissions"] = str(THREADS)
    return payload


def in_thread(bot: BotHarness, payload: dict[str, Any], thread_id: str) -> dict[str, Any]:
    """The same interaction, made inside a thread of the test channel."""
    payload["channel_id"] = thread_id
    payload["channel"] = {
        "id": thread_id,
        "type": 11,
        "guild_id": GUILD_ID,
        "parent_id": CHANNEL_ID,
        "name": "a thread",
        "owner_id": str(bot.bot.user.id),
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": "2026-11-02T09:00:00+00:00",
            "locked": False,
        },
        "message_count": 1,
        "member_count": 1,
        "rate_limit_per_user": 0,
    }
    bot.http.expect(payload["token"], thread_id, (payload.get("message") or {}).get("id"))
    return with_threads(payload)


async def test_config_turns_threads_on(discord_bot: BotHarness, book_app: App) -> None:
    said = await discord_bot.send(discord_bot.slash("course", sub="config", person=INSTRUCTOR, threads=True))
    assert "Saved 1 setting" in said[-1].content
    assert (await book_app.courses.get("sample")).answer_threads


async def test_each_question_gets_a_thread_where_follow_ups_continue(
    discord_bot: BotHarness, book_app: App
) -> None:
    await book_app.courses.configure("sample", answer_threads=True)
    calls = await discord_bot.send(with_threads(discord_bot.slash("ask", question=ZMP)))
    reply = answer_calls(calls)[-1]
    answer = discord_bot.message(reply)
    assert (
        answer["channel_id"] == CHANNEL_ID and answer["embeds"][0]["title"] == ZMP
    )  # answered in the channel
    [(thread_id, thread)] = discord_bot.http.threads.items()
    assert thread["parent"] == CHANNEL_ID and thread["message"] == answer["id"] and thread["name"] == ZMP
    [note] = discord_bot.http.in_channel(thread_id)
    follow = f"sh:ask:follow:{answer_id(reply)}"
    assert "Follow-ups to this question go here" in note["content"]
    assert [c["custom_id"] for row in note["components"] for c in row["components"]] == [follow]

    # Follow up on the channel's answer points to the thread
    pointed = await discord_bot.send(with_threads(discord_bot.click(answer, follow)))
    assert pointed[-1].ephemeral and f"<#{thread_id}>" in pointed[-1].content

    # Follow up in the thread (after a restart, even): answered in the thread, same conversation
    restarted = await discord_bot.restarted()
    try:
        opened = await restarted.send(in_thread(restarted, restarted.click(note, follow), thread_id))
        assert opened[0].kind == 9
        answered = await restarted.send(
            in_thread(
                restarted,
                restarted.submit(opened[0].json["data"]["custom_id"], {"question": "Give an example"}),
                thread_id,
            )
        )
        shown = restarted.message(answer_calls(answered)[-1])
        assert shown["channel_id"] == thread_id and not (shown.get("flags") or 0) & 64
        assert len(restarted.http.threads) == 1  # no thread inside the thread
        # /ask typed in the thread carries the conversation on too
        asked = await restarted.send(
            in_thread(restarted, restarted.slash("ask", question="And when it walks?"), thread_id)
        )
        assert restarted.message(answer_calls(asked)[-1])["channel_id"] == thread_id
    finally:
        await restarted.bot.close()
    user, [conversation] = await conversations_of(book_app)
    _, messages = await book_app.conversations.get(user.id, conversation.id)
    assert [m.content for m in messages if m.role == "user"] == [ZMP, "Give an example", "And when it walks?"]


async def test_without_thread_permission_the_answer_comes_and_says_why_once(
    discord_bot: BotHarness, book_app: App
) -> None:
    await book_app.courses.configure("sample", answer_threads=True)
    first = await discord_bot.send(discord_bot.slash("ask", question=ZMP))  # the bot may not start threads
    assert answer_calls(first) and not discord_bot.http.threads
    told = [c for c in first if "can't start threads" in c.content]
    assert len(told) == 1 and discord_bot.message(told[0]).get("flags", 0) & 64
    again = await discord_bot.send(discord_bot.slash("ask", question="What is a ROS 2 topic?"))
    assert answer_calls(again) and not any("can't start threads" in c.content for c in again)


async def test_a_channel_that_refuses_threads_still_gets_its_answer(
    discord_bot: BotHarness, book_app: App
) -> None:
    await book_app.courses.configure("sample", answer_threads=True)
    discord_bot.http.no_threads.add(CHANNEL_ID)
    calls = await discord_bot.send(with_threads(discord_bot.slash("ask", question=ZMP, person=STUDENT)))
    assert answer_calls(calls) and not discord_bot.http.threads
    assert any("can't start threads" in c.content for c in calls)


async def test_threads_are_off_by_default(discord_bot: BotHarness) -> None:
    await discord_bot.send(with_threads(discord_bot.slash("ask", question=ZMP)))
    assert not discord_bot.http.threads
