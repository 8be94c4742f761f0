"""What Discord shows, and to whom, after /ask and its forms: a mistake only to the asker (even after
a public deferral), long questions answered, and the "still working" notice never left behind.
Asserted on the messages as the fake Discord holds them, not on the flags the bot asked for."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot import respond
from bot.answer_render import WRITING
from bot.cogs.ask import MENU_NAME
from core.app import App
from core.books.search import MAX_QUERY_CHARS
from tests.bot.harness import CHANNEL_ID, BotHarness
from tests.bot.test_ask import ZMP, ScriptedAnswers, answer_calls, answer_id


def shown_to_all(harness: BotHarness) -> list[dict[str, Any]]:
    """Every message the whole channel can read now."""
    return harness.http.in_channel(CHANNEL_ID)


def held_with(harness: BotHarness, words: str) -> list[dict[str, Any]]:
    """The messages Discord holds whose text contains `words`."""
    return [m for m in harness.http.messages.values() if words in (m.get("content") or "")]


def private(message: dict[str, Any]) -> bool:
    return bool((message.get("flags") or 0) & 64)


def long_question(chars: int) -> str:
    """A question about the zero moment point, padded with real words to about `chars` characters."""
    filler = " I keep reading about the support polygon and the centre of pressure of the feet."
    text = ZMP
    while len(text) + len(filler) <= chars:
        text += filler
    return text


async def public_answer(harness: BotHarness) -> dict[str, Any]:
    calls = await harness.send(harness.slash("ask", question=ZMP))
    return answer_calls(calls)[0]


async def open_follow_up(harness: BotHarness, reply) -> str:
    opened = await harness.send(harness.click(harness.message(reply), f"sh:ask:follow:{answer_id(reply)}"))
    return opened[0].json["data"]["custom_id"]


# D3: mistakes are shown to the asker alone --------------------------------------------------------


async def test_the_quota_refusal_is_shown_only_to_the_asker(discord_bot: BotHarness, book_app: App) -> None:
    await book_app.courses.configure("sample", hourly_question_quota=1)
    await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    calls = await discord_bot.send(discord_bot.slash("ask", question="What is a support polygon?"))
    assert all(c.kind != 5 for c in calls)  # told at once: nothing public was ever "thinking"
    [refusal] = held_with(discord_bot, "try again in")
    assert private(refusal)
    everyone = shown_to_all(discord_bot)
    assert len(everyone) == 1 and everyone[0]["embeds"][0]["title"] == ZMP  # the first answer only


async def test_an_unknown_module_is_shown_only_to_the_asker(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP, module="ros"))
    assert all(c.kind != 5 for c in calls)  # told at once: nothing public was ever "thinking"
    [mistake] = held_with(discord_bot, "No module 'ros'")
    assert private(mistake)
    assert shown_to_all(discord_bot) == []


async def test_an_empty_question_is_shown_only_to_the_asker(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("ask", question="   "))
    assert all(c.kind != 5 for c in calls)  # told at once: nothing public was ever "thinking"
    [mistake] = held_with(discord_bot, "The question is empty")
    assert private(mistake)
    assert shown_to_all(discord_bot) == []


async def test_an_unbound_server_is_told_privately(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP, guild="700000000000000077"))
    [mistake] = held_with(discord_bot, "/course setup")
    assert private(mistake)
    assert shown_to_all(discord_bot) == []
    assert all(c.kind != 5 for c in calls)  # told at once: nothing public was ever "thinking"


async def test_a_book_not_loaded_is_told_privately(discord_bot: BotHarness, book_app: App) -> None:
    other_guild = "700000000000000002"
    await book_app.courses.create("empty", "Empty Course")
    await book_app.courses.bind_guild("empty", other_guild)
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP, guild=other_guild))
    assert all(c.kind != 5 for c in calls)  # told at once: nothing public was ever "thinking"
    [mistake] = held_with(discord_bot, "not been loaded yet")
    assert private(mistake)
    assert shown_to_all(discord_bot) == []


async def test_a_public_follow_ups_mistake_is_shown_only_to_the_asker(
    discord_bot: BotHarness, book_app: App
) -> None:
    reply = await public_answer(discord_bot)
    form = await open_follow_up(discord_bot, reply)
    await book_app.courses.configure("sample", hourly_question_quota=1)  # the first question used it
    calls = await discord_bot.send(discord_bot.submit(form, {"question": "Can you give an example?"}))
    assert all(c.kind != 5 for c in calls)  # told at once: nothing public was ever "thinking"
    [refusal] = held_with(discord_bot, "try again in")
    assert private(refusal)
    assert [m["embeds"][0]["title"] for m in shown_to_all(discord_bot)] == [ZMP]


async def test_a_mistake_after_the_public_deferral_is_still_private(
    discord_bot: BotHarness, book_app: App
) -> None:
    """Whatever goes wrong once the class already sees "thinking…": that message goes, the words
    come privately."""
    await book_app.courses.configure("sample", hourly_question_quota=1)

    class RaceLost(ScriptedAnswers):  # another question took the last one between check and answer
        async def stream(self, course, user, question, **options):
            await self.real.ask(course, user, "What is a support polygon?")
            async for item in self.real.stream(course, user, question, **options):
                yield item

    book_app.answers = RaceLost(book_app.answers)
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    assert calls[0].kind == 5 and not calls[0].ephemeral  # the check passed: deferred in public
    [refusal] = held_with(discord_bot, "try again in")
    assert private(refusal)
    assert shown_to_all(discord_bot) == []


async def test_asking_about_a_message_keeps_a_mistake_private(discord_bot: BotHarness) -> None:
    text = "The ZMP stays in the polygon."
    opened = await discord_bot.send(discord_bot.message_command(MENU_NAME, text))
    fields = {"question": "  ", "message": text}
    await discord_bot.send(discord_bot.submit(opened[0].json["data"]["custom_id"], fields))
    [mistake] = held_with(discord_bot, "The question is empty")
    assert private(mistake)
    assert shown_to_all(discord_bot) == []


# D4: every question the form accepts is answered ---------------------------------------------------


async def test_a_1900_character_question_is_answered(discord_bot: BotHarness) -> None:
    question = long_question(1900)
    assert MAX_QUERY_CHARS < len(question) <= 1900
    calls = await discord_bot.send(discord_bot.slash("ask", question=question))
    assert not [c for c in calls if "too long" in c.content]
    [answer] = shown_to_all(discord_bot)
    assert answer["embeds"][0]["title"].startswith(ZMP[:40])
    assert "Zero Moment Point" in answer["embeds"][0]["description"]


async def test_a_long_follow_up_to_a_long_question_is_answered(
    discord_bot: BotHarness, book_app: App
) -> None:
    reply = answer_calls(await discord_bot.send(discord_bot.slash("ask", question=long_question(1500))))[0]
    form = await open_follow_up(discord_bot, reply)
    follow_up = long_question(1900).replace(ZMP, "And how does a controller keep the ZMP inside?")
    calls = await discord_bot.send(discord_bot.submit(form, {"question": follow_up}))
    assert not [c for c in calls if "too long" in c.content]
    titles = [m["embeds"][0]["title"] for m in shown_to_all(discord_bot)]
    assert len(titles) == 2 and titles[1].startswith("And how does a controller")
    user = await book_app.accounts.find("discord", "800000000000000001")
    [conversation] = await book_app.conversations.list(user.id)
    _, messages = await book_app.conversations.get(user.id, conversation.id)
    assert messages[2].content == follow_up  # the question is kept whole for the answer and the record


# D5: the "still working" notice ------------------------------------------------------------------


async def notice_fires() -> None:
    """Let the pending slow notice (if any is still waiting) post itself."""
    pending = [t for t in asyncio.all_tasks() if t.get_name() == "studyhall-slow-notice" and not t.done()]
    if pending:
        await asyncio.wait(pending)


class SlowAnswers(ScriptedAnswers):
    """The core taking long: after each delta (or before the answer) the slow notice gets its turn."""

    async def stream(self, course, user, question, **options):
        if not self.deltas:
            await notice_fires()
        for delta in self.deltas:
            yield delta
            await notice_fires()
        answer = await self.real.ask(course, user, question, **options)
        if self.text is not None:
            answer = answer.model_copy(update={"text": self.text, "mode": "llm", "model": "claude-test"})
        yield answer


async def test_a_slow_streamed_answer_is_not_overwritten_by_the_notice(
    discord_bot: BotHarness, book_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(respond, "SLOW_AFTER", 0.3)
    book_app.answers = SlowAnswers(book_app.answers, ["part0 ", "part1 "], text="part0 part1 — whole.")
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    edits = [c.content for c in calls if c.method == "PATCH" and c.content]
    assert edits and edits[0].startswith(WRITING)
    assert not [e for e in edits if e == respond.SLOW_TEXT]  # the first words replaced the notice for good
    [answer] = shown_to_all(discord_bot)
    assert answer["content"] == "" and answer["embeds"][0]["description"].startswith("part0 part1")


async def test_a_slow_answer_leaves_one_message(
    discord_bot: BotHarness, book_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(respond, "SLOW_AFTER", 0.0)
    book_app.answers = SlowAnswers(book_app.answers)
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    assert [c for c in calls if c.content == respond.SLOW_TEXT]  # it was slow, and said so
    [answer] = shown_to_all(discord_bot)
    assert answer["content"] == "" and answer["embeds"][0]["title"] == ZMP


async def test_a_slow_search_leaves_one_message(
    discord_bot: BotHarness, book_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command that replies with respond.reply: the reply takes the notice's place."""
    monkeypatch.setattr(respond, "SLOW_AFTER", 0.0)
    search = book_app.library.search

    async def slow_search(*args, **kwargs):
        await notice_fires()
        return await search(*args, **kwargs)

    monkeypatch.setattr(book_app.library, "search", slow_search)
    before = set(discord_bot.http.messages)
    calls = await discord_bot.send(discord_bot.slash("search", query="balance"))
    assert [c for c in calls if c.content == respond.SLOW_TEXT]
    [message] = [m for i, m in discord_bot.http.messages.items() if i not in before]
    assert message["content"] != respond.SLOW_TEXT and message["embeds"][0]["title"] == "Search: balance"
    assert private(message)
