"""Staff-only chapters (solutions, answer keys, teacher guides) through the real command tree: a
student never reads, finds, is answered from or is offered them, and asking for one by path
answers exactly as for a path that does not exist; the course's staff read them, marked."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.app import App
from tests.bot.discord_fake import Call
from tests.bot.harness import GUILD_ID, INSTRUCTOR, STUDENT, BotHarness
from tests.staff_book import (
    ANSWER_KEY,
    ANSWER_WORD,
    EDUCATOR_GUIDE,
    GUIDE_WORD,
    SECRET_WORDS,
    SOLUTIONS,
    SOLUTIONS_WORD,
    STAFF_PATHS,
    staff_book_app,
)

ZMP = "What is the zero moment point?"


@pytest.fixture
async def book_app(app: App, clock, tmp_path: Path) -> AsyncIterator[App]:
    """The staff book in course `sample`, bound to the test server, with one instructor."""
    async with staff_book_app(app, clock, tmp_path / "book") as wired:
        await wired.courses.bind_guild("sample", GUILD_ID)
        course = await wired.courses.get("sample")
        teacher = await wired.accounts.resolve("discord", INSTRUCTOR.id, INSTRUCTOR.name)
        await wired.accounts.set_role(teacher.id, course.id, "instructor", surface="cli")
        yield wired


def seen(calls: list[Call]) -> str:
    """Everything the person was shown: message text, embeds, components, choices."""
    return " ".join(str(c.json) for c in calls)


def leaked(calls: list[Call]) -> list[str]:
    text = seen(calls).lower()
    words = (*SECRET_WORDS, *STAFF_PATHS, "answer key", "educator", "solutions guide")
    return [w for w in words if w in text]


@pytest.mark.parametrize("path", STAFF_PATHS)
async def test_a_student_reading_a_staff_chapter_gets_the_missing_chapter_answer(
    discord_bot: BotHarness, path: str
) -> None:
    hidden = await discord_bot.send(discord_bot.slash("read", chapter=path))
    twin = path.replace(".md", "-x.md")  # a path of the same shape that does not exist
    missing = await discord_bot.send(discord_bot.slash("read", chapter=twin))
    assert hidden[-1].ephemeral and missing[-1].ephemeral
    assert hidden[-1].content == missing[-1].content.replace(twin, path)
    assert hidden[-1].content.startswith("⚠️") and not hidden[-1].embeds
    said = hidden[-1].content.replace(path, "")  # less the path they typed themselves
    assert not [w for w in (*SECRET_WORDS, *STAFF_PATHS, "answer key", "educator") if w in said.lower()]


async def test_a_student_reading_a_staff_section_gets_the_missing_chapter_answer(
    discord_bot: BotHarness,
) -> None:
    hidden = await discord_bot.send(discord_bot.slash("read", chapter=ANSWER_KEY, section="zmp-answers"))
    assert hidden[-1].content.startswith("⚠️") and ANSWER_WORD not in seen(hidden)


@pytest.mark.parametrize("typed", ["Answer Key", "zero moment point answers", "Solutions Guide"])
async def test_a_staff_title_or_heading_typed_by_a_student_is_unknown(
    discord_bot: BotHarness, typed: str
) -> None:
    """Titles and headings typed by hand are understood (D8), but only those the student may see."""
    hidden = await discord_bot.send(discord_bot.slash("read", chapter=typed))
    assert hidden[-1].content.startswith(f"⚠️ No chapter {typed!r}.")
    said = hidden[-1].content.replace(typed, "").lower()
    assert not [w for w in (*SECRET_WORDS, *STAFF_PATHS, "answer key", "solutions guide") if w in said]
    staff = await discord_bot.send(discord_bot.slash("read", chapter=typed, person=INSTRUCTOR))
    assert staff[-1].embeds and "staff only" in staff[-1].embeds[0]["footer"]["text"]


async def test_next_page_skips_staff_chapters(discord_bot: BotHarness) -> None:
    # The answer key sits right after "Sensing the Body" in the book's order.
    opened = await discord_bot.send(discord_bot.slash("read", chapter="01-foundations/sensors.md"))
    shown = opened[-1]
    while True:
        nxt = next(i for i in shown.custom_ids() if i.startswith("sh:read:n:"))
        turned = await discord_bot.send(discord_bot.click(discord_bot.message(shown), nxt))
        shown = turned[0]
        if not shown.embeds[0]["title"].startswith("Sensing the Body"):
            break
    assert shown.embeds[0]["title"] != "Answer Key" and not leaked(turned)


@pytest.mark.parametrize("word", SECRET_WORDS)
async def test_a_student_search_never_finds_staff_pages(discord_bot: BotHarness, word: str) -> None:
    calls = await discord_bot.send(discord_bot.slash("search", query=word))
    assert calls[-1].ephemeral and "Nothing in the book matches" in calls[-1].content


async def test_a_student_search_for_what_staff_pages_discuss_shows_only_student_pages(
    discord_bot: BotHarness,
) -> None:
    calls = await discord_bot.send(discord_bot.slash("search", query="zero moment point support polygon"))
    assert calls[-1].embeds and not leaked(calls)


async def test_a_student_cannot_narrow_to_a_staff_module(discord_bot: BotHarness) -> None:
    hidden = await discord_bot.send(discord_bot.slash("search", query="lesson", module="educator-resources"))
    missing = await discord_bot.send(discord_bot.slash("search", query="lesson", module="educator-resourcez"))
    assert hidden[-1].content == missing[-1].content.replace("educator-resourcez", "educator-resources")


async def test_a_student_answer_draws_on_no_staff_page(discord_bot: BotHarness, book_app: App) -> None:
    calls = await discord_bot.send(discord_bot.slash("ask", question=ZMP))
    assert not leaked(calls)
    for word in SECRET_WORDS:
        asked = await discord_bot.send(discord_bot.slash("ask", question=f"What is {word}?"))
        said = seen(asked).lower().replace(word, "")  # less the question they typed themselves
        assert "does not cover" in said
        assert not [w for w in (*SECRET_WORDS, *STAFF_PATHS, "answer key", "educator") if w in said]


async def test_autocomplete_offers_a_student_no_staff_chapter(discord_bot: BotHarness) -> None:
    for typed in ("answer", "guide", "solutions", "teaching", ""):
        calls = await discord_bot.send(discord_bot.slash("read", chapter=typed, focused="chapter"))
        assert calls[0].kind == 8 and not leaked(calls), typed
        sections = await discord_bot.send(discord_bot.slash("explain", section=typed, focused="section"))
        assert not leaked(sections), typed
    modules = await discord_bot.send(discord_bot.slash("search", query="x", module="", focused="module"))
    assert "educator-resources" not in seen(modules)


async def test_explain_and_translate_refuse_a_staff_section_as_missing(discord_bot: BotHarness) -> None:
    for command, options in (("explain", {}), ("translate", {"language": "fr"})):
        hidden = await discord_bot.send(discord_bot.slash(command, section=SOLUTIONS, **options))
        assert hidden[-1].content.startswith("⚠️ No chapter"), hidden[-1].content
        assert SOLUTIONS_WORD not in seen(hidden)


async def test_a_students_units_and_completion_leave_staff_chapters_out(
    discord_bot: BotHarness, book_app: App
) -> None:
    balance = "01-foundations/balance-and-zmp.md"
    opened = await discord_bot.send(discord_bot.slash("read", chapter=balance))
    shown = opened[-1]
    nxt = next(i for i in shown.custom_ids() if i.startswith("sh:read:n:"))
    await discord_bot.send(discord_bot.click(discord_bot.message(shown), nxt))  # the last page: 100 %
    calls = await discord_bot.send(discord_bot.slash("progress"))
    text = seen(calls)
    assert "Answer Key" not in text
    # Week 1 is the balance chapter alone: read in full, it is done.
    user = await book_app.accounts.find("discord", STUDENT.id)
    progress = await book_app.tracking.show(user, await book_app.courses.get("sample"))
    week1 = next(u for u in progress.units if u.unit_id == "week-1")
    assert week1.completed and week1.completion_pct == 100
    assert progress.completion == round(100 / 6, 2)


async def test_staff_read_and_search_staff_pages_marked_staff_only(discord_bot: BotHarness) -> None:
    read = await discord_bot.send(discord_bot.slash("read", chapter=ANSWER_KEY, person=INSTRUCTOR))
    page = read[-1].embeds[0]
    assert ANSWER_WORD in page["description"] and "staff only" in page["footer"]["text"]
    guide = await discord_bot.send(discord_bot.slash("read", chapter=EDUCATOR_GUIDE, person=INSTRUCTOR))
    assert GUIDE_WORD in guide[-1].embeds[0]["description"]
    found = await discord_bot.send(discord_bot.slash("search", query=SOLUTIONS_WORD, person=INSTRUCTOR))
    fields = found[-1].embeds[0]["fields"]
    assert fields and SOLUTIONS in fields[0]["value"] and "staff only" in fields[0]["name"]
    offered = await discord_bot.send(
        discord_bot.slash("read", chapter="answer", focused="chapter", person=INSTRUCTOR)
    )
    assert ANSWER_KEY in seen(offered)


async def test_staff_answers_draw_on_staff_pages_only_in_private(discord_bot: BotHarness) -> None:
    question = f"What does {ANSWER_WORD} mark?"
    public = await discord_bot.send(discord_bot.slash("ask", question=question, person=INSTRUCTOR))
    said = seen(public).lower().replace(ANSWER_WORD, "")
    assert "does not" in said and ANSWER_KEY not in said and "answer key" not in said
    private = await discord_bot.send(
        discord_bot.slash("ask", question=question, private=True, person=INSTRUCTOR)
    )
    assert ANSWER_KEY in seen(private) or "Answer Key" in seen(private)


async def test_course_config_staff_only_takes_effect_at_once(discord_bot: BotHarness) -> None:
    sensors = "01-foundations/sensors.md"
    refused = await discord_bot.send(discord_bot.slash("course", sub="config", staff_only="x"))
    assert refused[-1].content.startswith("🔒")
    saved = await discord_bot.send(
        discord_bot.slash("course", sub="config", person=INSTRUCTOR, staff_only=f"*solutions*, {sensors}")
    )
    assert saved[-1].ephemeral and "✅" in saved[-1].content and sensors in seen(saved)
    hidden = await discord_bot.send(discord_bot.slash("read", chapter=sensors))
    assert hidden[-1].content.startswith("⚠️ No chapter")
    bad = await discord_bot.send(
        discord_bot.slash("course", sub="config", person=INSTRUCTOR, staff_only="../../etc/**")
    )
    assert bad[-1].content.startswith("⚠️") and "staff-only pattern" in bad[-1].content
    await discord_bot.send(discord_bot.slash("course", sub="config", person=INSTRUCTOR, staff_only="-"))
    shown = await discord_bot.send(discord_bot.slash("read", chapter=sensors))
    assert shown[-1].embeds and shown[-1].embeds[0]["title"] == "Sensing the Body"
    again = await discord_bot.send(discord_bot.slash("read", chapter=SOLUTIONS))
    assert again[-1].embeds  # cleared: the solutions file is no longer staff-only
