"""/read: the course book in Discord, page by page, recording how far each student has read."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot import respond
from bot.autocomplete import chapters, sections_of_chapter, split_section
from bot.client import StudyhallBot
from bot.cogs.base import FeatureCog
from bot.context import app_of, who
from bot.reader_pages import BookEnd, Place, ReaderButton, open_page

log = logging.getLogger(__name__)


class ReadingCog(FeatureCog, name="Reading"):
    dynamic_items = (ReaderButton, BookEnd)

    @app_commands.command(name="read")
    @app_commands.describe(
        chapter="The chapter to read (start typing its title)",
        section="A section of that chapter to start at (optional)",
    )
    @app_commands.autocomplete(chapter=chapters, section=sections_of_chapter)
    async def read(self, interaction: discord.Interaction, chapter: str, section: str | None = None) -> None:
        """Read the course book here, page by page; your reading progress is saved."""
        path, anchor = split_section(chapter)
        if section and section.strip():
            if "#" in section and not section.strip().startswith("#"):
                path, anchor = split_section(section)  # a "path#anchor" from the all-sections list
            else:
                anchor = section.strip().lstrip("#")
        async with respond.working(interaction, ephemeral=True):
            found = await who(interaction)
            await app_of(interaction).library.reader.require_book(found.course)  # "not loaded yet", in words
            page = await open_page(interaction, Place(path, anchor), found)
            await respond.reply(interaction, embed=page.embed, view=page.view, ephemeral=True)


async def setup(bot: StudyhallBot) -> None:
    await bot.add_cog(ReadingCog(bot))
