"""/profile show and /profile set: the student's level, tools, hardware and interests."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot import respond
from bot.cogs.base import FeatureCog
from bot.context import account, app_of, existing_account, who
from bot.views.profile_editor import ITEMS, editor, intro, profile_embed
from core.accounts import default_profile

log = logging.getLogger(__name__)


class ProfileCog(FeatureCog, name="Profile"):
    profile = app_commands.Group(name="profile", description="Your level, tools and interests")

    dynamic_items = ITEMS

    @profile.command(name="show")
    async def show(self, interaction: discord.Interaction) -> None:
        """Show your profile (only you see it)."""
        # In a class's server this is using Studyhall there, as any command is: it joins the
        # course (so DMs know it). In a DM, looking creates no account.
        user = (await who(interaction)).user if interaction.guild_id else await existing_account(interaction)
        profile = await app_of(interaction).accounts.profile(user.id) if user else default_profile("")
        await respond.reply(interaction, embed=profile_embed(profile), ephemeral=True)

    @profile.command(name="set")
    async def set_(self, interaction: discord.Interaction) -> None:
        """Set your level, languages, frameworks, hardware and interests."""
        user = await account(interaction)
        profile = await app_of(interaction).accounts.profile(user.id)
        await respond.reply(
            interaction, intro(0), embed=profile_embed(profile), view=editor(profile, 0), ephemeral=True
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(ProfileCog(bot))
