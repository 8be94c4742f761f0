"""The plumbing every cog relies on, driven through the real command tree: replies, deferrals,
long text, mentions, views, modals, the one error handler, and who is asking in which course."""

from __future__ import annotations

import asyncio

import discord
from discord import app_commands
from discord.ext import commands

from bot import respond
from bot.context import who
from bot.errors import APOLOGY
from bot.views.base import Modal, View
from core.errors import InvalidInput, RateLimited
from tests.bot.harness import CHANNEL_ID, DM_CHANNEL_ID, OTHER_STUDENT, STUDENT, BotHarness


class Echo(Modal, title="Say something"):
    said = discord.ui.TextInput(label="What?", custom_id="said")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await respond.reply(interaction, f"you said {self.said.value}", ephemeral=True)


class Buttons(View):
    @discord.ui.button(label="Count", custom_id="t:count")
    async def count(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await respond.edit(interaction, "counted")

    @discord.ui.button(label="Ask", custom_id="t:modal")
    async def ask(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_modal(Echo(custom_id="t:echo"))


class Probe(commands.Cog):
    @app_commands.command(name="probe")
    async def probe(self, interaction: discord.Interaction, text: str, what: str = "echo") -> None:
        """A command for testing the plumbing."""
        if what == "bug":
            raise RuntimeError("a bug")
        if what == "mistake":
            raise InvalidInput("text", "That text is no good.")
        if what == "quota":
            from datetime import timedelta

            raise RateLimited(timedelta(minutes=12), "questions for this hour")
        if what == "who":
            found = await who(interaction)
            await respond.reply(interaction, f"{found.user.display_name} in {found.course.slug}")
            return
        async with respond.working(interaction, slow_after=0 if what == "slow" else 60):
            if what == "slow":
                await __import__("asyncio").sleep(0.01)
            await respond.reply(interaction, text, view=Buttons(timeout=None))


async def with_probe(discord_bot: BotHarness) -> BotHarness:
    await discord_bot.bot.add_cog(Probe())
    return discord_bot


async def test_a_deferred_command_fills_its_thinking_message(discord_bot: BotHarness) -> None:
    bot = await with_probe(discord_bot)
    calls = await bot.send(bot.slash("probe", text="hello"))
    assert calls[0].kind == 5  # deferred within the 3 s, "thinking…"
    assert calls[1].method == "POST" and calls[1].content == "hello"
    assert calls[1].json["allowed_mentions"] == {"parse": []}
    assert "t:count" in calls[1].custom_ids()


async def test_long_text_is_split_and_mentions_never_ping(discord_bot: BotHarness) -> None:
    bot = await with_probe(discord_bot)
    text = "@everyone look " + ("word " * 1900)
    calls = await bot.send(bot.slash("probe", text=text))
    sent = [c for c in calls if c.method == "POST" and c.path.startswith("/webhooks")]
    assert len(sent) == 5
    assert all(len(c.content) <= 2000 for c in sent)
    assert all(c.json["allowed_mentions"] == {"parse": []} for c in sent)
    assert " ".join(c.content for c in sent).split() == text.split()
    assert sent[-1].custom_ids() and not sent[0].custom_ids()  # the buttons ride on the last piece


async def test_a_button_edits_its_message_and_a_modal_answers(discord_bot: BotHarness) -> None:
    bot = await with_probe(discord_bot)
    calls = await bot.send(bot.slash("probe", text="hello"))
    message = bot.message(calls[-1])
    pressed = await bot.send(bot.click(message, "t:count"))
    assert pressed[0].kind == 7 and pressed[0].content == "counted"
    opened = await bot.send(bot.click(message, "t:modal"))
    assert opened[0].kind == 9 and opened[0].json["data"]["custom_id"] == "t:echo"
    answered = await bot.send(bot.submit("t:echo", {"said": "hi there"}))
    assert answered[0].kind == 4 and answered[0].content == "you said hi there" and answered[0].ephemeral


async def test_mistakes_are_worded_and_bugs_get_an_apology(discord_bot: BotHarness, caplog) -> None:
    bot = await with_probe(discord_bot)
    mistake = await bot.send(bot.slash("probe", text="x", what="mistake"))
    assert mistake[-1].ephemeral and "That text is no good." in mistake[-1].content
    quota = await bot.send(bot.slash("probe", text="x", what="quota"))
    assert "try again in 12 minutes" in quota[-1].content
    bug = await bot.send(bot.slash("probe", text="x", what="bug"))
    assert bug[-1].content == APOLOGY and bug[-1].ephemeral
    assert any("a bug" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


async def test_slow_work_says_so(discord_bot: BotHarness) -> None:
    bot = await with_probe(discord_bot)
    calls = await bot.send(bot.slash("probe", text="done", what="slow"))
    # The notice, then the reply in its place: one message, not the notice left above the reply.
    assert [c.content for c in calls if c.method == "PATCH"] == [respond.SLOW_TEXT, "done"]
    assert bot.message(calls[-1])["content"] == "done"
    assert [m["content"] for m in bot.http.messages.values()] == ["done"]


async def test_first_use_makes_an_account_in_the_servers_course(discord_bot: BotHarness, book_app) -> None:
    bot = await with_probe(discord_bot)
    calls = await bot.send(bot.slash("probe", text="x", what="who"))
    assert calls[-1].content == "Ada in sample"
    user = await book_app.accounts.find("discord", STUDENT.id)
    course = await book_app.courses.get("sample")
    assert (await book_app.accounts.enrollment(user.id, course.id)).role == "student"


async def test_a_dm_uses_the_last_course_or_asks(discord_bot: BotHarness, book_app) -> None:
    bot = await with_probe(discord_bot)
    unknown = await bot.send(bot.slash("probe", text="x", what="who", dm=True, person=OTHER_STUDENT))
    assert "use a Studyhall command in your class's Discord server first" in unknown[-1].content
    await bot.send(bot.slash("probe", text="x", what="who"))  # Ada uses the class server once
    dm = await bot.send(bot.slash("probe", text="x", what="who", dm=True))
    # The DM answer names its course first (Ada's first class is her DM course).
    assert dm[-1].content == "📘 **Sample Book**\nAda in sample" and dm[-1].path.startswith("/interactions")
    # Enrolled in two courses without a latest one: asked to pick, and the pick sticks.
    grace = await book_app.accounts.resolve("discord", OTHER_STUDENT.id, OTHER_STUDENT.name)
    other = await book_app.courses.create("other", "Other Course")
    await book_app.accounts.enroll(grace.id, other.id)
    await book_app.accounts.enroll(grace.id, (await book_app.courses.get("sample")).id)
    asked = await bot.send(bot.slash("probe", text="x", what="who", dm=True, person=OTHER_STUDENT))
    assert "Which course" in asked[-1].content
    select = asked[-1].components[0]["components"][0]
    assert {o["label"] for o in select["options"]} == {"Other Course", "Sample Book"}
    picked = await bot.send(
        bot.click(
            bot.message(asked[-1]), select["custom_id"], values=[other.id], person=OTHER_STUDENT, dm=True
        )
    )
    assert "Other Course" in picked[0].content
    again = await bot.send(bot.slash("probe", text="x", what="who", dm=True, person=OTHER_STUDENT))
    assert again[-1].content == "📘 **Other Course**\nGrace in other"
    assert DM_CHANNEL_ID


# time, injected failures and restarts ---------------------------------------------------------


class Gated(commands.Cog):
    """A deferred command that waits for the test (while it moves the clock) before replying."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.started = asyncio.Event()
        self.error: BaseException | None = None

    @app_commands.command(name="gated")
    async def gated(self, interaction: discord.Interaction) -> None:
        """Reply once the test lets it."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        self.started.set()
        await self.gate.wait()
        try:
            await interaction.followup.send("at last", ephemeral=True)
        except discord.HTTPException as error:
            self.error = error


async def test_a_token_dies_fifteen_minutes_after_its_interaction(discord_bot: BotHarness) -> None:
    cog = Gated()
    await discord_bot.bot.add_cog(cog)
    running = asyncio.create_task(discord_bot.send(discord_bot.slash("gated")))
    await cog.started.wait()
    await discord_bot.advance(15 * 60)
    cog.gate.set()
    calls = await running
    assert calls[-1].status == 401 and calls[-1].response == {
        "message": "Invalid Webhook Token",
        "code": 50027,
    }
    assert isinstance(cog.error, discord.HTTPException) and cog.error.code == 50027


async def test_a_token_still_works_just_before_fifteen_minutes(discord_bot: BotHarness) -> None:
    cog = Gated()
    await discord_bot.bot.add_cog(cog)
    running = asyncio.create_task(discord_bot.send(discord_bot.slash("gated")))
    await cog.started.wait()
    await discord_bot.advance(14 * 60 + 59)
    cog.gate.set()
    calls = await running
    assert calls[-1].ok and discord_bot.message(calls[-1])["content"] == "at last"
    assert cog.error is None


async def test_a_429_is_waited_out_by_discord_py_and_the_reply_arrives_once(discord_bot: BotHarness) -> None:
    bot = await with_probe(discord_bot)
    bot.http.fail_next(r"POST /webhooks/", status=429, retry_after=2.5)
    before = bot.http.now
    calls = await bot.send(bot.slash("probe", text="hello"))
    followups = [c for c in calls if c.path.startswith("/webhooks")]
    assert [c.status for c in followups] == [429, 200]
    assert bot.http.now - before == 2.5  # retry_after honoured, on the fake's clock
    assert [m["content"] for m in bot.http.in_channel(CHANNEL_ID)] == ["hello"]


async def test_a_global_429_is_waited_out_too(discord_bot: BotHarness) -> None:
    bot = await with_probe(discord_bot)
    bot.http.fail_next(r"POST /interactions/", status=429, retry_after=0.5, global_=True)
    calls = await bot.send(bot.slash("probe", text="x", what="mistake"))
    assert [c.status for c in calls] == [429, 200]
    assert bot.message(calls[-1])["content"].startswith("⚠️")


async def test_5xx_answers_are_retried_by_discord_py(discord_bot: BotHarness) -> None:
    bot = await with_probe(discord_bot)
    bot.http.fail_next(r"POST /webhooks/", status=502)
    bot.http.fail_next(r"POST /webhooks/", status=500)
    calls = await bot.send(bot.slash("probe", text="hello"))
    assert [c.status for c in calls if c.path.startswith("/webhooks")] == [502, 500, 200]
    assert [m["content"] for m in bot.http.in_channel(CHANNEL_ID)] == ["hello"]


async def test_a_restart_keeps_what_discord_holds_and_forgets_in_memory_views(
    discord_bot: BotHarness,
) -> None:
    bot = await with_probe(discord_bot)
    calls = await bot.send(bot.slash("probe", text="hello"))
    message = bot.message(calls[-1])
    old = bot.bot
    same = await bot.restart()
    assert same is bot and bot.bot is not old and old.is_closed()
    assert bot.http.in_channel(CHANNEL_ID)[0]["content"] == "hello"
    assert await bot.send(bot.click(message, "t:count")) == []  # the in-memory view died with the bot
    await bot.bot.add_cog(Probe())
    again = await bot.send(bot.slash("probe", text="after"))
    assert bot.message(again[-1])["content"] == "after"


async def test_a_first_response_later_than_3_seconds_is_an_unknown_interaction(
    discord_bot: BotHarness,
) -> None:
    bot = await with_probe(discord_bot)
    # A 429 whose retry_after outlasts the 3-second deadline: Discord no longer knows the interaction.
    bot.http.fail_next(r"POST /interactions/.*/callback", status=429, retry_after=3.5)
    calls = await bot.send(bot.slash("probe", text="x", what="mistake"))
    assert [c.status for c in calls[:2]] == [429, 404]
    assert calls[1].response == {"message": "Unknown interaction", "code": 10062}
