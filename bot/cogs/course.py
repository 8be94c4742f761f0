"""/course setup and /course config: an instructor binds the server to a course and configures it."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import respond
from bot.autocomplete import book_folders
from bot.channel_option import ChannelOption, require_this_servers
from bot.cogs.base import FeatureCog
from bot.command_contexts import SERVER_ONLY
from bot.context import account, app_of, who
from bot.limits import MAX_CHOICES, clip, fit_embed
from bot.views.binding import CancelMove, ConfirmMove, bound_words, confirmation
from core.books.folders import shown
from core.courses import ANSWER_MODES, ANSWER_STYLES
from core.models.accounts import Course, GuildBinding

log = logging.getLogger(__name__)

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
STAFF_ONLY = discord.Permissions(manage_guild=True)


def config_embed(
    course: Course, binding: GuildBinding | None, books_root: Path | None = None
) -> discord.Embed:
    channel = binding.leaderboard_channel_id if binding else None
    folder = shown(course.book_path, books_root) if books_root else course.book_path
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
        "Book folder": f"`{folder}`" if folder else "not set",
        "Leaderboard channel": f"<#{channel}>" if channel else "none (no weekly post)",
        "Leaderboard day": DAYS[course.leaderboard_day],
        "Self-marked units count": "yes"
        if course.self_marked_counts
        else "no (reading or a quiz must back them)",
        "Welcome text": course.welcome_text or "none",
        "Staff-only pages": clip(", ".join(f"`{p}`" for p in course.staff_only), 1000)
        or "only those the book marks",
    }
    for name, value in rows.items():
        wide = name in ("Book folder", "Welcome text", "Staff-only pages")
        embed.add_field(name=name, value=value, inline=not wide)
    return fit_embed(embed)


class CourseCog(FeatureCog, name="Course"):
    course = app_commands.Group(
        name="course",
        description="Bind this server to a course and configure it (instructors)",
        default_permissions=STAFF_ONLY,
        guild_only=True,
        allowed_contexts=SERVER_ONLY,
    )

    dynamic_items = (ConfirmMove, CancelMove)

    @course.command(name="setup")
    @app_commands.describe(
        slug="The course's short id, e.g. robotics-101 (created if new)",
        name="The course's full name, when creating it",
        code="A one-time code from the operator, to bind a course you don't teach yet",
    )
    async def setup(
        self, interaction: discord.Interaction, slug: str, name: str | None = None, code: str | None = None
    ) -> None:
        """Bind this server to a new course, or to one you teach (or have a code for)."""
        # Not who(): the server may not be bound to any course yet.
        user = await account(interaction)
        binding = await app_of(interaction).staff.setup_guild(
            user,
            str(interaction.guild_id),
            slug,
            name,
            manages_guild=bool(interaction.permissions.manage_guild),
            code=code,
        )
        if not binding.done:
            # The code rides on the confirm button only when it is what lets this person bind.
            kept = (code or "").strip() if binding.via == "code" else None
            text, view = confirmation(binding, str(interaction.user.id), kept)
            await respond.reply(interaction, text, view=view, ephemeral=True)
            return
        log.info("guild %s bound to course %s by %s", interaction.guild_id, binding.course.slug, user.id)
        await respond.reply(interaction, bound_words(binding), ephemeral=True)

    @course.command(name="config")
    @app_commands.describe(
        quota="Questions each student may ask per hour (0 = no questions; staff are exempt)",
        model="The LLM model for answers, from the operator's list (empty: the default)",
        answer_style="How long answers should be",
        answer_mode="auto: LLM when available; llm: always; extractive: quotes from the book only",
        book_url="Where the book is published (https://…): citations link there",
        book_folder="The book's folder, under the bot's books folder (pick one), for /book ingest",
        welcome="A welcome text for new students",
        leaderboard_channel="Where the weekly leaderboard is posted",
        leaderboard_day="The day a week's leaderboard is frozen and posted",
        staff_only="Pages only staff see, as patterns: educator-resources/**, *solutions* (- clears)",
        self_marked_counts="Count units students only marked complete on the leaderboard (default: no)",
    )
    @app_commands.choices(
        answer_style=[app_commands.Choice(name=s, value=s) for s in ANSWER_STYLES],
        answer_mode=[app_commands.Choice(name=m, value=m) for m in ANSWER_MODES],
        leaderboard_day=[app_commands.Choice(name=d, value=i) for i, d in enumerate(DAYS)],
    )
    @app_commands.autocomplete(book_folder=book_folders)
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
        staff_only: str | None = None,
        self_marked_counts: bool | None = None,
    ) -> None:
        """Change the course's settings; with no options, show them."""
        found = await who(interaction)
        app = app_of(interaction)
        await app.staff.require(found.user, found.course)
        if leaderboard_channel is not None:  # checked before anything is saved
            await require_this_servers(interaction, leaderboard_channel.id)
        options: dict[str, Any] = {
            "hourly_question_quota": quota,
            "llm_model": model,
            "answer_style": answer_style,
            "answer_mode": answer_mode,
            "book_url": book_url,
            "book_path": book_folder,
            "welcome_text": welcome,
            "leaderboard_day": leaderboard_day,
            "staff_only": None if staff_only is None else ("" if staff_only.strip() == "-" else staff_only),
            "self_marked_counts": self_marked_counts,
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
        embed = config_embed(course, binding, app.courses.books_root())
        await respond.reply(interaction, note, embed=embed, ephemeral=True)

    @config.autocomplete("model")
    async def _models(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """Only the operator's models (STUDYHALL_LLM_MODELS); anything else is refused when saved."""
        typed = current.strip().lower()
        offered = [m for m in app_of(interaction).courses.allowed_models() if typed in m.lower()]
        return [app_commands.Choice(name=m, value=m) for m in offered[:MAX_CHOICES]]


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(CourseCog(bot))
