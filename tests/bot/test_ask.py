"""/ask, its buttons (rate, follow up, sources) and the "Ask the book about this" message menu, driven
through the real command tree against the real core with the sample book."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import discord
import httpx2

from bot.answer_flow import Pace
from bot.answer_render import WRITING
from bot.client import command_payloads
from bot.cogs.ask import DEFAULT_QUESTION, MENU_NAME
from core.answers.llm import GroundedLlm
from core.app import App
from core.models.conversations import Answer
from tests.bot.discord_fake import Call
from tests.bot.harness import (
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    OTHER_STUDENT,
    STUDENT,
    BotHarness,
    start_bot,
)

ZMP = "What is the zero moment point?"
NO_PINGS = {"parse": []}


def answer_calls(calls: list[Call]) -> list[Call]:
    """The messages that carry the answer: the filled-in reply and any follow-ups."""
    return [c for c in calls if c.path.startswith("/webhooks") and c.embeds]


def words_of(text: str) -> list[str]:
    """The words of a text, without code fence markers (a split adds closing and reopening ones)."""
    return [w for w in text.split() if not w.startswith("```")]


def answer_id(call: Call) -> str:
    ids = [i for i in call.custom_ids() if i.startswith("sh:ask:rate:up:")]
    assert ids, call.custom_ids()
    return ids[0].rsplit(":", 1)[1]


async def conversations_of(app: App, person=STUDENT):
    user = await app.accounts.find("discord", person.id)
    return user, await app.conversations.list(user.id)


class ScriptedAnswers:
    """Stands in for `app.answers`: yields scripted text deltas (moving a clock between them), then
    the real service's answer (recorded in the real store) with the text replaced."""

    def __init__(self, real, deltas: list[str] = (), text: str | None = None, clock=None, step: float = 0.0):
        self.real = real
        self.deltas = list(deltas)
        self.text = text
        self.clock = clock
        self.step = step

    def __getattr__(self, name: str) -> Any:  # everything else (check, …) is the real service's
        return getattr(self.real, name)

    async def stream(self, course, user, question, **options: Any) -> AsyncIterator[str | Answer]:
        for delta in self.deltas:
            if self.clock is not None:
                self.clock.now += self.step
            yield delta
        answer = await self.real.ask(course, user, question, **options)
        if self.text is not None:
            answer = answer.model_copy(update={"text": self.text, "mode": "llm", "model": "claude-test"})
        yield answer


class SteppedClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


# /ask ------------------------------------------------------------------------------------------


async def test_an_answer_cites_the_book_and_is_recorded(discord_bot: BotHarness, book_app: App) -> None:
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    assert calls[0].kind == 5 and not calls[0].ephemeral  # deferred at once, in public
    [reply] = answer_calls(calls)
    embed = reply.embeds[0]
    assert embed["title"] == ZMP
    assert "Zero Moment Point" in embed["description"]
    sources = next(f["value"] for f in embed["fields"] if f["name"] == "Sources")
    assert "[1] Bipedal Balance › Zero Moment Point" in sources
    assert embed["footer"]["text"].startswith("Extractive — quoted from the book")
    assert "no AI model is configured" in embed["footer"]["text"]
    assert reply.json["allowed_mentions"] == NO_PINGS
    message_id = answer_id(reply)
    assert {
        f"sh:ask:rate:down:{message_id}",
        f"sh:ask:follow:{message_id}",
        f"sh:ask:sources:{message_id}",
    } <= set(reply.custom_ids())
    assert all(len(i) <= 100 for i in reply.custom_ids())
    user, [conversation] = await conversations_of(book_app)
    assert conversation.surface == "discord"
    assert conversation.channel_ref == f"discord:{GUILD_ID}:{CHANNEL_ID}"
    _, messages = await book_app.conversations.get(user.id, conversation.id)
    assert [m.role for m in messages] == ["user", "assistant"]
    assert messages[0].content == ZMP and messages[1].id == message_id
    assert messages[1].citations[0].anchor == "zmp"


async def test_citations_link_to_the_published_book(discord_bot: BotHarness, book_app: App) -> None:
    await book_app.courses.configure("sample", book_url="https://book.example/docs/")
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    sources = next(f["value"] for f in answer_calls(calls)[0].embeds[0]["fields"] if f["name"] == "Sources")
    assert (
        "[Bipedal Balance › Zero Moment Point](https://book.example/docs/01-foundations/balance-and-zmp#zmp)"
        in (sources)
    )


async def test_the_module_option_narrows_the_book(discord_bot: BotHarness, book_app: App) -> None:
    calls = await discord_bot.send(
        discord_bot.slash("ask", question="What is a ROS 2 topic?", module="02-ros2")
    )
    [reply] = answer_calls(calls)
    assert reply.embeds[0]["title"] == "What is a ROS 2 topic?"
    user, [conversation] = await conversations_of(book_app)
    _, messages = await book_app.conversations.get(user.id, conversation.id)
    assert messages[1].unit == "02-ros2" and messages[1].mode == "local"
    assert messages[1].citations and all(c.path.startswith("02-ros2/") for c in messages[1].citations)


async def test_an_unknown_module_is_answered_with_suggestions(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP, module="02-ros"))
    assert "No module '02-ros'" in calls[-1].content and "02-ros2" in calls[-1].content
    assert calls[-1].body["allowed_mentions"] == NO_PINGS


async def test_module_autocomplete_offers_the_books_modules(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("ask", question="x", module="ros", focused="module"))
    assert calls[0].kind == 8
    assert calls[0].json["data"]["choices"] == [{"name": "Module 2: ROS 2 Essentials", "value": "02-ros2"}]
    every = await discord_bot.send(discord_bot.slash("ask", question="x", module="", focused="module"))
    choices = every[0].json["data"]["choices"]
    assert [c["value"] for c in choices] == ["01-foundations", "02-ros2", "03-simulation"]
    assert len(choices) <= 25


async def test_a_private_question_is_answered_privately(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP, private=True))
    assert calls[0].kind == 5 and calls[0].ephemeral
    message = discord_bot.message(answer_calls(calls)[0])
    assert message["flags"] & 64


async def test_a_dm_asks_the_book_of_the_last_course(discord_bot: BotHarness, book_app: App) -> None:
    await discord_bot.send(discord_bot.slash("ask", question=ZMP))  # once in the class server
    calls = await discord_bot.send(discord_bot.slash("ask", question="What is a support polygon?", dm=True))
    assert answer_calls(calls)[0].embeds[0]["title"] == "What is a support polygon?"
    _, conversations = await conversations_of(book_app)
    refs = sorted(c.channel_ref for c in conversations)
    assert refs == [f"discord:{GUILD_ID}:{CHANNEL_ID}", f"discord:dm:{DM_CHANNEL_ID}"]


async def test_a_question_mentioning_everyone_pings_no_one(discord_bot: BotHarness) -> None:
    question = "@everyone <@&123456789012345678> what is the zero moment point?"
    calls = await discord_bot.send(discord_bot.slash("ask", question=question))
    assert all(c.json.get("allowed_mentions") == NO_PINGS for c in calls if c.path.startswith("/webhooks"))
    title = answer_calls(calls)[0].embeds[0]["title"]
    assert "@everyone" not in title and "<@&" not in title and "everyone" in title


async def test_a_9000_character_answer_arrives_whole(discord_bot: BotHarness, book_app: App) -> None:
    code = "\n".join(
        f"    node_{i} = rclpy.create_node('walker_{i}')  # start walker {i}" for i in range(100)
    )
    prose = " ".join(
        f"Sentence {i} of the long answer explains one more step of balancing." for i in range(60)
    )
    text = f"{prose}\n\n```python\n{code}\n```\n\n{prose}\n\nThat is all."
    assert len(text) >= 9000
    book_app.answers = ScriptedAnswers(book_app.answers, text=text)
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    replies = answer_calls(calls)
    assert len(replies) >= 3
    embeds = [e for c in replies for e in c.embeds]
    for call in replies:
        assert call.json["allowed_mentions"] == NO_PINGS
        assert sum(len(e.get("title") or "") + len(e.get("description") or "") for e in call.embeds) < 6000
    assert all(len(e["description"]) <= 4096 for e in embeds)
    # Every piece opens and closes its own code blocks; nothing is lost.
    assert all(e["description"].count("```") % 2 == 0 for e in embeds)
    shown = "\n".join(e["description"] for e in embeds)
    assert words_of(shown) == words_of(text)
    assert shown.count("```python") > text.count("```python")  # a block cut in two was reopened
    # The buttons and the footer come once, at the end.
    assert not replies[0].custom_ids() and replies[-1].custom_ids()
    assert "claude-test" in replies[-1].embeds[-1]["footer"]["text"]


async def test_a_streaming_answer_edits_at_most_once_a_second(discord_bot: BotHarness, book_app: App) -> None:
    clock = SteppedClock()
    discord_bot.bot.get_cog("Ask").pace = Pace(interval=1.0, clock=clock)
    deltas = [f"w{i} " for i in range(12)]
    book_app.answers = ScriptedAnswers(
        book_app.answers, deltas, text="w0 … w11 — the whole answer.", clock=clock, step=0.3
    )
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    progress = [c for c in calls if c.method == "PATCH" and c.content.startswith(WRITING)]
    # Which delta each edit showed tells when it was made (delta i arrives at 0.3 * (i + 1) s).
    times = [0.3 * (int(re.findall(r"w(\d+)", c.content)[-1]) + 1) for c in progress]
    assert len(progress) == 3  # at 0.3, 1.5 and 2.7 s
    assert all(later - earlier >= 1.0 - 1e-9 for earlier, later in zip(times, times[1:], strict=False))
    assert all(c.json["allowed_mentions"] == NO_PINGS for c in progress)
    final = calls[-1]
    assert final.method == "PATCH" and final.content == "" and final.embeds[0]["description"].startswith("w0")
    assert "Written by claude-test" in final.embeds[0]["footer"]["text"]


async def test_an_unavailable_llm_still_answers_from_the_book(discord_bot: BotHarness, book_app: App) -> None:
    def overloaded(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            529, json={"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}
        )

    llm = GroundedLlm(
        api_key="test",
        model="claude-test",
        base_url="http://llm.invalid",
        max_retries=0,
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(overloaded)),
    )
    book_app.answers = book_app.answers.using(llm=llm)
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    await llm.close()
    footer = answer_calls(calls)[-1].embeds[0]["footer"]["text"]
    assert footer.startswith("Extractive — quoted from the book") and "AI model is unavailable" in footer


async def test_a_question_the_book_does_not_cover_is_declined(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("ask", question="How do I bake sourdough bread?"))
    [reply] = answer_calls(calls)
    assert reply.embeds[0]["title"].startswith("Not in the book")
    assert "does not cover" in reply.embeds[0]["description"]
    assert not any(i.startswith("sh:ask:sources:") for i in reply.custom_ids())


async def test_the_hourly_quota_says_when_to_come_back(discord_bot: BotHarness, book_app: App) -> None:
    await book_app.courses.configure("sample", hourly_question_quota=1)
    await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    calls = await discord_bot.send(discord_bot.slash("ask", question="What is a support polygon?"))
    assert calls[-1].content.startswith("⏳") and "try again in" in calls[-1].content
    user, conversations = await conversations_of(book_app)
    assert len(conversations) == 1


async def test_a_course_without_its_book_says_so(discord_bot: BotHarness, book_app: App) -> None:
    other_guild = "700000000000000002"
    await book_app.courses.create("empty", "Empty Course")
    await book_app.courses.bind_guild("empty", other_guild)
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP, guild=other_guild))
    assert "not been loaded yet" in calls[-1].content and "/book ingest" in calls[-1].content
    _, conversations = await conversations_of(book_app)
    assert conversations == []


async def test_an_empty_question_is_answered_in_words(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("ask", question="   "))
    assert "The question is empty" in calls[-1].content


# buttons ---------------------------------------------------------------------------------------


async def feedback(app: App) -> dict[str, int]:
    course = await app.courses.get("sample")
    async with app.store.read() as s:
        return await s.conversations.feedback_summary(course.id, app.clock() - timedelta(days=1))


async def test_rating_is_the_askers_and_can_change(discord_bot: BotHarness, book_app: App) -> None:
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    reply = answer_calls(calls)[0]
    message, message_id = discord_bot.message(reply), answer_id(reply)
    up = await discord_bot.send(discord_bot.click(message, f"sh:ask:rate:up:{message_id}"))
    assert up[0].kind == 4 and up[0].ephemeral and "marked as helpful" in up[0].content
    assert await feedback(book_app) == {"helpful": 1, "unhelpful": 0}
    down = await discord_bot.send(discord_bot.click(message, f"sh:ask:rate:down:{message_id}"))
    assert "not helpful" in down[0].content
    assert await feedback(book_app) == {"helpful": 0, "unhelpful": 1}
    refused = await discord_bot.send(
        discord_bot.click(message, f"sh:ask:rate:up:{message_id}", person=OTHER_STUDENT)
    )
    assert refused[0].ephemeral and "Only the person who asked can rate this answer" in refused[0].content
    assert await feedback(book_app) == {"helpful": 0, "unhelpful": 1}


async def test_sources_quote_the_passages_privately(discord_bot: BotHarness, book_app: App) -> None:
    await book_app.courses.configure("sample", book_url="https://book.example")
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    reply = answer_calls(calls)[0]
    message, message_id = discord_bot.message(reply), answer_id(reply)
    for person in (STUDENT, OTHER_STUDENT):  # book text: anyone who sees the answer may read it
        shown = await discord_bot.send(
            discord_bot.click(message, f"sh:ask:sources:{message_id}", person=person)
        )
        assert shown[0].ephemeral and shown[0].embeds[0]["title"] == "Sources"
        field = shown[0].embeds[0]["fields"][0]
        assert field["name"] == "[1] Bipedal Balance › Zero Moment Point"
        assert "> A moving robot also feels inertial forces" in field["value"]
        assert "https://book.example/01-foundations/balance-and-zmp#zmp" in field["value"]


async def test_a_follow_up_continues_the_conversation(discord_bot: BotHarness, book_app: App) -> None:
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP, private=True))
    reply = answer_calls(calls)[0]
    message, message_id = discord_bot.message(reply), answer_id(reply)
    opened = await discord_bot.send(discord_bot.click(message, f"sh:ask:follow:{message_id}"))
    assert opened[0].kind == 9
    form = opened[0].json["data"]
    assert form["custom_id"] == f"sh:ask:follow-form:p:{message_id}"
    answered = await discord_bot.send(
        discord_bot.submit(
            form["custom_id"], {"question": "How does a controller keep it inside the polygon?"}
        )
    )
    assert answered[0].kind == 5 and answered[0].ephemeral  # a private answer's follow-up stays private
    follow = answer_calls(answered)[-1]
    assert follow.embeds[0]["title"] == "How does a controller keep it inside the polygon?"
    user, [conversation] = await conversations_of(book_app)
    _, messages = await book_app.conversations.get(user.id, conversation.id)
    assert [m.role for m in messages] == ["user", "assistant", "user", "assistant"]
    assert messages[3].id == answer_id(follow)


async def test_only_the_asker_can_follow_up(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    reply = answer_calls(calls)[0]
    refused = await discord_bot.send(
        discord_bot.click(
            discord_bot.message(reply), f"sh:ask:follow:{answer_id(reply)}", person=OTHER_STUDENT
        )
    )
    assert refused[0].kind == 4 and refused[0].ephemeral and "Only the person who asked" in refused[0].content


async def test_the_buttons_work_after_a_restart(discord_bot: BotHarness, book_app: App) -> None:
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    reply = answer_calls(calls)[0]
    message, message_id = discord_bot.message(reply), answer_id(reply)
    await discord_bot.bot.close()
    restarted = await start_bot(book_app)
    try:
        up = await restarted.send(restarted.click(message, f"sh:ask:rate:up:{message_id}"))
        assert "marked as helpful" in up[0].content
        assert await feedback(book_app) == {"helpful": 1, "unhelpful": 0}
        sources = await restarted.send(restarted.click(message, f"sh:ask:sources:{message_id}"))
        assert sources[0].embeds[0]["title"] == "Sources"
        opened = await restarted.send(restarted.click(message, f"sh:ask:follow:{message_id}"))
        answered = await restarted.send(
            restarted.submit(opened[0].json["data"]["custom_id"], {"question": "And when the robot walks?"})
        )
        assert answer_calls(answered)
        user, [conversation] = await conversations_of(book_app)
        _, messages = await book_app.conversations.get(user.id, conversation.id)
        assert len(messages) == 4
    finally:
        await restarted.bot.close()


# the message menu ------------------------------------------------------------------------------


async def test_ask_the_book_about_a_message(discord_bot: BotHarness, book_app: App) -> None:
    text = "The ZMP must stay strictly inside the support polygon, or the foot starts to roll."
    opened = await discord_bot.send(discord_bot.message_command(MENU_NAME, text))
    assert opened[0].kind == 9
    form = opened[0].json["data"]
    assert form["custom_id"].startswith("sh:ask:about-form:")
    assert form["components"][0]["components"][0]["value"] == DEFAULT_QUESTION
    assert form["components"][1]["components"][0]["value"] == text  # shown, and sent back
    answered = await discord_bot.send(
        discord_bot.submit(form["custom_id"], {"question": DEFAULT_QUESTION, "message": text})
    )
    assert answered[0].kind == 5 and answered[0].ephemeral
    [reply] = answer_calls(answered)
    assert reply.embeds[0]["title"] == DEFAULT_QUESTION
    user, [conversation] = await conversations_of(book_app)
    _, messages = await book_app.conversations.get(user.id, conversation.id)
    assert messages[0].selected_text == text and messages[0].mode == "selected"


async def test_asking_about_a_message_without_text_says_why_not(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(discord_bot.message_command(MENU_NAME, "   "))
    assert calls[0].kind == 4 and calls[0].ephemeral and "no text to ask about" in calls[0].content


async def test_ask_the_book_about_the_bots_own_answer(discord_bot: BotHarness, book_app: App) -> None:
    """The bot's answers are embeds with no content: their text is what the menu asks about."""
    asked = await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    shown = discord_bot.message(answer_calls(asked)[0])
    assert not shown["content"] and shown["embeds"]
    menu = discord_bot.message_command(MENU_NAME, "")
    target = menu["data"]["target_id"]
    menu["data"]["resolved"]["messages"][target] |= {"embeds": shown["embeds"], "author": shown["author"]}
    opened = await discord_bot.send(menu)
    assert opened[0].kind == 9, opened[0].content
    form = opened[0].json["data"]
    shown_text = form["components"][1]["components"][0]["value"]  # the form carries it back
    answered = await discord_bot.send(
        discord_bot.submit(form["custom_id"], {"question": "Why?", "message": shown_text})
    )
    assert answer_calls(answered)
    user, conversations = await conversations_of(book_app)
    asked_about = next(c for c in conversations if c.title == "Why?")
    _, messages = await book_app.conversations.get(user.id, asked_about.id)
    selected = messages[0].selected_text
    description = shown["embeds"][0]["description"]
    assert selected.startswith(ZMP) and description[:200] in selected
    assert "Sources" in selected  # the fields too: where the answer came from
    assert shown["embeds"][0]["footer"]["text"] not in selected  # how it was made is not the text


async def test_the_commands_fit_discords_rules(discord_bot: BotHarness) -> None:
    registered = {c["name"]: c for c in command_payloads(discord_bot.bot.tree)}
    menu = registered[MENU_NAME]
    assert menu["type"] == discord.AppCommandType.message.value
    ask = registered["ask"]
    assert 1 <= len(ask["description"]) <= 100
    assert [o["name"] for o in ask["options"]] == ["question", "module", "private"]
    assert all(1 <= len(o["description"]) <= 100 for o in ask["options"])
    assert next(o for o in ask["options"] if o["name"] == "module")["autocomplete"] is True
