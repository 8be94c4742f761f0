"""/course setup and /course config: an instructor binds the server to a course and configures it."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import respond
from bot.channel_option import ChannelOption
from bot.cogs.base import FeatureCog
from bot.context import account, app_of, who
from bot.limits import MAX_CHOICES, clip, fit_embed
from core.courses import ANSWER_MODES, ANSWER_STYLES
from core.models.accounts import Course, GuildBinding

log = logging.getLogger(__name__)

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
STAFF_ONLY = discord.Permissions(manage_guild=True)


def config_embed(course: Course, binding: GuildBinding | None) -> discord.Embed:
    channel = binding.leaderboard_channel_id if binding else None
    embed = discord.Embed(
        title=f"⚙️ {clip(course.name, 200)} (`{course.slug}`)", colour=discord.Colour.blurple()
    )
    rows = {
        "Hourly question quota": str(course.hourly_question_quota)
        + (" (students cannot ask)" if course.hourly_question_quota == 0 else ""),
        "Model": course.llm_model or "the server's default",
        "Answer style": course.answer_style,
        "Answer mode": course.answer_mode,
        "Book URL": course.book_url or "not set (citations are not links)",
        "Book folder": f"`{course.book_path}`" if course.book_path else "not set",
        "Leaderboard channel": f"<#{channel}>" if channel else "none (no weekly post)",
        "Leaderboard day": DAYS[course.leaderboard_day],
        "Welcome text": course.welcome_text or "none",
    }
    for name, value in rows.items():
        embed.add_field(name=name, value=value, inline=name not in ("Book folder", "Welcome text"))
    return fit_embed(embed)


class CourseCog(FeatureCog, name="Course"):
    course = app_commands.Group(
        name="course",
        description="Bind this server to a course and configure it (instructors)",
        default_permissions=STAFF_ONLY,
        guild_only=True,
    )

    @course.command(name="setup")
    @app_commands.describe(
        slug="The course's short id, e.g. robotics-101 (created if new)",
        name="The course's full name, when creating it",
    )
    async def setup(self, interaction: discord.Interaction, slug: str, name: str | None = None) -> None:
        """Bind this server to a course (created when new); you become its instructor."""
        # Not who(): the server may not be bound to any course yet.
        user = await account(interaction)
        course = await app_of(interaction).staff.setup_guild(
            user,
            str(interaction.guild_id),
            slug,
            name,
            manages_guild=bool(interaction.permissions.manage_guild),
        )
        log.info("guild %s bound to course %s by %s", interaction.guild_id, course.slug, user.id)
        await respond.reply(
            interaction,
            f"✅ This server is now the home of **{discord.utils.escape_markdown(course.name)}** "
            f"(`{course.slug}`), and you are its instructor.\n"
            "Next: `/course config` (book folder, book URL, leaderboard channel), then `/book ingest`.",
            ephemeral=True,
        )

    @course.command(name="config")
    @app_commands.describe(
        quota="Questions each student may ask per hour (0 = no questions; staff are exempt)",
        model="The LLM model for answers, from the operator's list (empty: the default)",
        answer_style="How long answers should be",
        answer_mode="auto: LLM when available; llm: always; extractive: quotes from the book only",
        book_url="Where the book is published (https://…): citations link there",
        book_folder="The book's Markdown folder on the bot's machine, for /book ingest",
        welcome="A welcome text for new students",
        leaderboard_channel="Where the weekly leaderboard is posted",
        leaderboard_day="The day a week's leaderboard is frozen and posted",
    )
    @app_commands.choices(
        answer_style=[app_commands.Choice(name=s, value=s) for s in ANSWER_STYLES],
        answer_mode=[app_commands.Choice(name=m, value=m) for m in ANSWER_MODES],
        leaderboard_day=[app_commands.Choice(name=d, value=i) for i, d in enumerate(DAYS)],
    )
    async def config(
        self,
        interaction: discord.Interaction,
        quota: app_commands.Range[int, 0, 100_000] | None = None,
        model: str | None = None,
        answer_style: str | None = None,
        answer_mode: str | None = None,
        book_url: str | None = None,
        book_folder: str | None = None,
        welcome: str | None = None,
        leaderboard_channel: ChannelOption | None = None,
        leaderboard_day: int | None = None,
    ) -> None:
        """Change the course's settings; with no options, show them."""
        found = await who(interaction)
        app = app_of(interaction)
        await app.staff.require(found.user, found.course)
        options: dict[str, Any] = {
            "hourly_question_quota": quota,
            "llm_model": model,
            "answer_style": answer_style,
            "answer_mode": answer_mode,
            "book_url": book_url,
            "book_path": book_folder,
            "welcome_text": welcome,
            "leaderboard_day": leaderboard_day,
        }
        changes = {key: value for key, value in options.items() if value is not None}
        guild_id = str(interaction.guild_id)
        course = found.course
        if changes:
            course = await app.courses.configure(course.slug, **changes)
        if leaderboard_channel is not None:
            await app.courses.set_leaderboard_channel(guild_id, str(leaderboard_channel.id))
        binding = await app.courses.binding(guild_id)
        changed = len(changes) + (leaderboard_channel is not None)
        if changed:
            log.info("course %s configured: %s", course.slug, sorted(changes))
        note = f"✅ Saved {changed} setting(s)." if changed else "The course's settings:"
        await respond.reply(interaction, note, embed=config_embed(course, binding), ephemeral=True)

    @config.autocomplete("model")
    async def _models(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """Only the operator's models (STUDYHALL_LLM_MODELS); anything else is refused when saved."""
        typed = current.strip().lower()
        offered = [m for m in app_of(interaction).courses.allowed_models() if typed in m.lower()]
        return [app_commands.Choice(name=m, value=m) for m in offered[:MAX_CHOICES]]


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(CourseCog(bot))
