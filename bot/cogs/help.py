"""/help: what the caller can do here, by role, under the course's welcome; and the first-use
welcome sent after a newcomer's first command succeeds (bot/welcome.py)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import help_text, respond, welcome
from bot.context import NO_COURSE_YET, app_of, course_of, existing_account
from bot.errors import UNNAMED, NeedsCourse
from core.errors import NotFound
from core.models.accounts import Course

NOT_BOUND = f"{UNNAMED['course for this server']} An instructor can bind one with `/course setup`."
NEEDS_PICK = "You are in several classes: pick the one DMs are for with `/courses use:`."


class HelpCog(commands.Cog, name="Help"):
    def __init__(self, bot: commands.Bot):
        self.bot = bot

    @app_commands.command(name="help")
    async def help_(self, interaction: discord.Interaction) -> None:
        """What you can do here with Studyhall, and your course's welcome (only you see it)."""
        # Looking creates nothing: someone with no account gets the student's list.
        user = await existing_account(interaction)
        in_dm = interaction.guild_id is None
        course: Course | None = None
        missing = NO_COURSE_YET if in_dm else NOT_BOUND
        try:
            course = await course_of(interaction, user)
        except NeedsCourse:
            missing = NEEDS_PICK
        except NotFound:
            pass
        role = None
        if user is not None and course is not None:
            enrollment = await app_of(interaction).accounts.enrollment(user.id, course.id)
            role = enrollment.role if enrollment else None
            if enrollment is not None and enrollment.welcomed_at is None:  # /help is the welcome
                await app_of(interaction).onboarding.welcome_once(user.id, course.id)
        listed = help_text.entries(self.bot.tree, in_dm=in_dm, role=role)
        if course is None:
            title, intro = "Studyhall", missing
        else:
            title = f"Studyhall in {course.name}"
            intro = course.welcome_text.strip() or f"Studyhall answers from the book of {course.name}."
        footer = None
        if in_dm and course is not None:
            footer = f"In DMs I answer for {course.name}; /courses picks another of your classes."
        shown = help_text.embed(listed, title=title, intro=intro, footer=footer)
        await respond.reply(interaction, embed=shown, ephemeral=True)

    @commands.Cog.listener()
    async def on_app_command_completion(
        self, interaction: discord.Interaction, command: app_commands.Command | app_commands.ContextMenu
    ) -> None:
        await welcome.greet(interaction)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(HelpCog(bot))
