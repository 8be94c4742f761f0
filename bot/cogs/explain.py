"""/explain and /translate: a section of the book explained at the student's level, or translated."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot import respond
from bot.autocomplete import sections, split_section
from bot.cogs.base import FeatureCog
from bot.context import app_of, who
from bot.limits import MAX_CHOICES
from core import languages

log = logging.getLogger(__name__)


def _where(path: str, anchor: str) -> str:
    return f"`{path}#{anchor}`" if anchor else f"`{path}`"


class ExplainCog(FeatureCog, name="Explain"):
    @app_commands.command(name="explain")
    @app_commands.describe(section="The section to explain (start typing its title)")
    @app_commands.autocomplete(section=sections)
    async def explain(self, interaction: discord.Interaction, section: str) -> None:
        """A section of the book explained at your level (set it with /profile set)."""
        path, anchor = split_section(section)
        async with respond.working(interaction, ephemeral=True):
            found = await who(interaction)
            app = app_of(interaction)
            result = await app.explainer.explain(found.course, found.user, path, anchor)
            level = (await app.accounts.profile(found.user.id)).experience_level or "Beginner"
            head = f"**{_where(result.path, result.anchor)}**, explained at the {level.lower()} level:"
            await respond.reply(interaction, f"{head}\n\n{result.text}", ephemeral=True)

    @app_commands.command(name="translate")
    @app_commands.describe(
        section="The section to translate (start typing its title)",
        language="The language to translate into (type its name or two-letter code)",
    )
    @app_commands.autocomplete(section=sections)
    async def translate(self, interaction: discord.Interaction, section: str, language: str) -> None:
        """A section of the book translated into your language (code blocks stay as they are)."""
        path, anchor = split_section(section)
        async with respond.working(interaction, ephemeral=True):
            found = await who(interaction)
            result = await app_of(interaction).explainer.translate(
                found.course, path, anchor, language, user=found.user
            )
            code = languages.code_for(language) or language  # the core accepted it: a code or a name
            head = f"**{_where(result.path, result.anchor)}** in {languages.name_of(code)}:"
            await respond.reply(interaction, f"{head}\n\n{result.text}", ephemeral=True)

    @translate.autocomplete("language")
    async def _languages(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=f"{name} ({code})", value=code)
            for code, name in languages.matching(current, MAX_CHOICES)
        ]


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(ExplainCog(bot))
