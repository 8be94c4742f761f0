"""/courses [use]: a student's own classes, and which one their DMs with Studyhall are for.

A command of its own, not under /course: Discord hides that staff-only group from members, and a
student in several classes needs this most. Only their own courses are listed, suggested or can
be picked; any other name is refused in the same words whether or not such a course exists."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import respond
from bot.context import app_of, existing_account
from bot.limits import MAX_CHOICES, clip
from core.onboarding import not_yours

NO_COURSES = (
    "You are not in any class yet: use a Studyhall command (e.g. `/progress`) in your class's "
    "Discord server, and it will be listed here."
)
ROLES = {"student": "", "ta": " (TA)", "instructor": " (instructor)"}


async def own_courses(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    user = await existing_account(interaction)  # typing creates no account
    if user is None:
        return []
    typed = current.casefold().strip()
    return [
        app_commands.Choice(name=clip(f"{course.name} ({course.slug})", 100), value=course.slug)
        for course, _ in await app_of(interaction).onboarding.own_courses(user.id)
        if typed in course.slug.casefold() or typed in course.name.casefold()
    ][:MAX_CHOICES]


class CoursesCog(commands.Cog, name="Courses"):
    def __init__(self, bot: commands.Bot):
        self.bot = bot

    @app_commands.command(name="courses")
    @app_commands.describe(use="One of your classes: your DMs with Studyhall are for it from now on")
    @app_commands.autocomplete(use=own_courses)
    async def courses(self, interaction: discord.Interaction, use: str | None = None) -> None:
        """Your classes, and which one your DMs with Studyhall are for (only you see it)."""
        app = app_of(interaction)
        user = await existing_account(interaction)  # listing creates nothing
        if user is None:
            if use:
                raise not_yours(use.strip())
            await respond.reply(interaction, NO_COURSES, ephemeral=True)
            return
        if use:
            course = await app.onboarding.pick_dm_course(user.id, use)
            name = discord.utils.escape_markdown(course.name)
            await respond.reply(
                interaction, f"✅ Your DMs with Studyhall are for **{name}** from now on.", ephemeral=True
            )
            return
        own = await app.onboarding.own_courses(user.id)
        if not own:
            await respond.reply(interaction, NO_COURSES, ephemeral=True)
            return
        dm = await app.onboarding.dm_course(user.id, pick=False)
        lines = [
            f"• **{discord.utils.escape_markdown(course.name)}** (`{course.slug}`){ROLES.get(e.role, '')}"
            + (" ← your DMs" if dm.course is not None and dm.course.id == course.id else "")
            for course, e in own
        ]
        lines.append("Pick the class your DMs are for with `/courses use:`.")
        await respond.reply(interaction, "📚 Your classes:\n" + "\n".join(lines), ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(CoursesCog(bot))
