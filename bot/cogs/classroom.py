"""/class report, /class unanswered, /class leaderboard, /class quiz generate|results: what
instructors learn about their class, the leaderboard posted to a channel, and the quizzes an AI
model drafts for them to review."""

from __future__ import annotations

import io
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot import render_board, respond
from bot.autocomplete import units
from bot.channel_option import ChannelOption, require_this_servers
from bot.cogs.base import FeatureCog
from bot.command_contexts import SERVER_ONLY
from bot.context import app_of, who
from bot.limits import EMBED_DESCRIPTION, clip, fit_embed
from bot.quiz_drafts import NO_AI_MODEL_FOR_STAFF, DraftButton, draft_page
from bot.quiz_report import results_embed
from bot.respond import NO_MENTIONS
from core.errors import InvalidInput, LlmRequired
from core.progress.reports import KINDS
from core.usage import UsageReport

log = logging.getLogger(__name__)

STAFF_ONLY = discord.Permissions(manage_guild=True)
QUESTION_CHARS = 300
CANT_POST = (
    "🔒 I can't post in <#{channel}>: let me View Channel, Send Messages, Embed Links and Attach Files "
    "there, or pick another channel."
)
REPORT_CHOICES = [app_commands.Choice(name="all reports", value="all")] + [
    app_commands.Choice(name=kind, value=kind) for kind in KINDS
]


def unanswered_embed(usage: UsageReport, course_name: str) -> discord.Embed:
    embed = discord.Embed(
        title=f"❓ What the book did not cover — {clip(course_name, 150)}, last {usage.days} days",
        colour=discord.Colour.orange(),
    )
    lines: list[str] = []
    for item in usage.unanswered:
        question = discord.utils.escape_markdown(clip(" ".join(item.question.split()), QUESTION_CHARS))
        line = f"• {question} — {item.asked_at[:10]}" + (
            " · 🙋 sent to staff" if item.handed_to_staff else ""
        )
        if sum(len(x) + 1 for x in lines) + len(line) > EMBED_DESCRIPTION - 100:
            lines.append(f"… and {len(usage.unanswered) - len(lines)} more (see `/class report questions`)")
            break
        lines.append(line)
    embed.description = "\n".join(lines) or "Every question asked was covered by the book. 🎉"
    embed.set_footer(
        text=f"{usage.questions} questions · {usage.not_covered} not covered · "
        f"👍 {usage.helpful} · 👎 {usage.unhelpful}"
    )
    return fit_embed(embed)


class ClassroomCog(FeatureCog, name="Classroom"):
    dynamic_items = (DraftButton,)
    klass = app_commands.Group(
        name="class",
        description="Reports on the class, and the leaderboard posted (instructors)",
        default_permissions=STAFF_ONLY,
        guild_only=True,
        allowed_contexts=SERVER_ONLY,
    )
    # Under /class so that students never see it: Discord hides a group by its permissions as a whole.
    quiz = app_commands.Group(
        name="quiz", description="Quizzes drafted by the AI model, and quiz results", parent=klass
    )

    @quiz.command(name="generate")
    @app_commands.describe(unit="The week or module to write a quiz for (start typing)")
    @app_commands.autocomplete(unit=units)
    async def quiz_generate(self, interaction: discord.Interaction, unit: str) -> None:
        """Have the AI model draft a quiz for a unit; you review it, then publish or discard it."""
        found = await who(interaction)
        app = app_of(interaction)
        await app.staff.require(found.user, found.course)
        async with respond.working(interaction, ephemeral=True):
            try:
                draft = await app.quizzes.draft(found.course, unit, user=found.user)
            except LlmRequired:
                await respond.reply(interaction, NO_AI_MODEL_FOR_STAFF, ephemeral=True)
                return
            log.info("quiz for %s in %s drafted by %s", draft.quiz.unit_id, found.course.slug, found.user.id)
            embed, view = draft_page(draft)
            await respond.reply(interaction, embed=embed, view=view, ephemeral=True)

    @quiz.command(name="results")
    @app_commands.describe(unit="The week or module whose quiz to look at (start typing)")
    @app_commands.autocomplete(unit=units)
    async def quiz_results(self, interaction: discord.Interaction, unit: str) -> None:
        """Per-question results of a unit's quiz: % right, the wrong answer chosen most, scores."""
        found = await who(interaction)
        app = app_of(interaction)
        await app.staff.require(found.user, found.course)
        results = await app.quizzes.results(found.course, unit)
        await respond.reply(interaction, embed=results_embed(results), ephemeral=True)

    @klass.command(name="report")
    @app_commands.describe(kind="Which report (CSV)", days="For questions: how many days back")
    @app_commands.choices(kind=REPORT_CHOICES)
    async def report(
        self, interaction: discord.Interaction, kind: str, days: app_commands.Range[int, 1, 3650] = 30
    ) -> None:
        """Progress, quiz results or questions asked, as CSV files."""
        found = await who(interaction)
        app = app_of(interaction)
        await app.staff.require(found.user, found.course)
        if not 1 <= days <= 3650:
            raise InvalidInput("days", "Give a number of days from 1 to 3650.")
        kinds = list(KINDS) if kind == "all" else [kind]
        async with respond.working(interaction, ephemeral=True):
            files = []
            for each in kinds:
                text = await app.reports.csv(found.course, each, days)
                files.append(
                    discord.File(io.BytesIO(text.encode()), filename=f"{found.course.slug}-{each}.csv")
                )
            size = sum(f.fp.getbuffer().nbytes for f in files)  # type: ignore[attr-defined]
            if size > interaction.filesize_limit:
                raise InvalidInput(
                    "report",
                    "That report is larger than Discord accepts; use `studyhall report` on the server.",
                )
            await respond.reply(
                interaction,
                f"📊 {', '.join(kinds)} for **{found.course.slug}**:",
                files=files,
                ephemeral=True,
            )

    @klass.command(name="unanswered")
    @app_commands.describe(days="How many days back")
    async def unanswered(
        self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 3650] = 30
    ) -> None:
        """Questions the book did not cover: what it may be missing."""
        found = await who(interaction)
        app = app_of(interaction)
        await app.staff.require(found.user, found.course)
        usage = await app.usage.report(found.course, days)
        await respond.reply(interaction, embed=unanswered_embed(usage, found.course.name), ephemeral=True)

    @klass.command(name="leaderboard")
    @app_commands.describe(channel="Where to post it (default: the leaderboard channel, else here)")
    async def leaderboard(
        self, interaction: discord.Interaction, channel: ChannelOption | None = None
    ) -> None:
        """Post the live leaderboard, with its chart, to a channel."""
        found = await who(interaction)
        app = app_of(interaction)
        await app.staff.require(found.user, found.course)
        async with respond.working(interaction, ephemeral=True):
            if channel is not None:
                await require_this_servers(interaction, channel.id)
                target = str(channel.id)
            else:
                binding = await app.courses.binding(str(interaction.guild_id))
                target = binding.leaderboard_channel_id or str(interaction.channel_id)
            board = await app.leaderboards.board(found.course)
            messageable = self.bot.get_partial_messageable(int(target), guild_id=interaction.guild_id)
            try:
                await messageable.send(
                    embed=render_board.board_embed(board, found.course),
                    file=await render_board.chart_file(board, found.course),
                    allowed_mentions=NO_MENTIONS,
                )
            except (discord.Forbidden, discord.NotFound):
                await respond.reply(interaction, CANT_POST.format(channel=target), ephemeral=True)
                return
            log.info("leaderboard of %s posted to %s by %s", found.course.slug, target, found.user.id)
            await respond.reply(interaction, f"✅ Leaderboard posted in <#{target}>.", ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(ClassroomCog(bot))
