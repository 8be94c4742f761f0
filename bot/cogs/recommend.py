"""/recommend: the chapters to read next and why, with a menu to dismiss one that doesn't fit."""

from __future__ import annotations

import logging
import re

import discord
from discord import app_commands
from discord.ext import commands

from bot import respond
from bot.cogs.base import FeatureCog
from bot.context import app_of, who
from bot.limits import LABEL, MAX_CHOICES, SELECT_DESCRIPTION, clip, fit_embed
from bot.views.base import View, reported
from core.progress.recommend import Recommendation

log = logging.getLogger(__name__)

VALUE = 100  # Discord's limit on a select option's value
NOTHING = (
    "🎉 Nothing to recommend right now: you have read (or dismissed) every chapter. "
    "Keep your profile current with `/profile set` so new chapters are matched to you."
)


def recommendations_embed(picks: list[Recommendation], profile_done: bool) -> discord.Embed:
    embed = discord.Embed(title="Read next", colour=discord.Colour.green())
    for n, pick in enumerate(picks, start=1):
        embed.add_field(
            name=f"{n}. {pick.title}",
            value=f"{pick.reason}\nMatch **{pick.score:.0%}** · `{pick.path}`",
            inline=False,
        )
    embed.set_footer(
        text="Open one with /read. Dismiss one that doesn't suit you below."
        + ("" if profile_done else " Set your profile with /profile set for better matches.")
    )
    return fit_embed(embed)


async def render(interaction: discord.Interaction) -> tuple[str | None, discord.Embed | None, View | None]:
    found = await who(interaction)
    app = app_of(interaction)
    picks = await app.recommendations.next_for(found.user, found.course)
    if not picks:
        return NOTHING, None, None
    profile = await app.accounts.profile(found.user.id)
    view = View(timeout=None)
    dismissible = [p for p in picks if len(p.path) <= VALUE]
    if dismissible:
        view.add_item(DismissChapter(dismissible))
    return None, recommendations_embed(picks, profile.completed_at is not None), view


class DismissChapter(discord.ui.DynamicItem[discord.ui.Select], template=r"sh:rec:dismiss"):
    """The chapter to dismiss is the option chosen; the student and course come from who presses."""

    def __init__(self, picks: list[Recommendation] | None = None):
        options = [
            discord.SelectOption(
                label=clip(p.title, LABEL), value=p.path, description=clip(p.reason, SELECT_DESCRIPTION)
            )
            for p in picks or []
        ][:MAX_CHOICES]
        super().__init__(
            discord.ui.Select(
                custom_id="sh:rec:dismiss",
                placeholder="Not for me: dismiss a chapter",
                options=options or [discord.SelectOption(label="-", value="-")],
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item, match: re.Match[str]
    ):
        return cls()

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer()  # re-ranking may outlast Discord's 3 s
        found = await who(interaction)
        chapter = self.item.values[0]
        title = await app_of(interaction).recommendations.dismiss(found.user, found.course, chapter)
        content, embed, view = await render(interaction)
        note = f"Dismissed **{discord.utils.escape_markdown(title)}**; it won't be recommended again."
        await respond.edit(interaction, f"{note}\n{content}" if content else note, embed=embed, view=view)


class RecommendCog(FeatureCog, name="Recommend"):
    dynamic_items = (DismissChapter,)

    @app_commands.command(name="recommend")
    async def recommend(self, interaction: discord.Interaction) -> None:
        """The chapters to read next, matched to your profile and progress."""
        async with respond.working(interaction, ephemeral=True):
            content, embed, view = await render(interaction)
            await respond.reply(interaction, content, embed=embed, view=view, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(RecommendCog(bot))
