"""/search: passages of the book that match, five to a page."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot import respond
from bot.answer_render import safe_title
from bot.autocomplete import modules
from bot.cogs.base import FeatureCog
from bot.context import app_of, who
from bot.views.search_pages import MAX_RESULTS, TurnSearchPage, search_page
from core.books.search import MAX_QUERY_CHARS
from core.models.books import SearchFilters

log = logging.getLogger(__name__)


class SearchCog(FeatureCog, name="Search"):
    dynamic_items = (TurnSearchPage,)

    @app_commands.command(name="search")
    @app_commands.describe(
        query="Words or a phrase to look for in the book",
        module="Only look in this module of the book",
    )
    @app_commands.autocomplete(module=modules)
    async def search(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, MAX_QUERY_CHARS],
        module: str | None = None,
    ) -> None:
        """Search the book for passages; results come five to a page."""
        async with respond.working(interaction, ephemeral=True):
            found = await who(interaction)
            app = app_of(interaction)
            await app.quotas.take_search(found.course, found.user.id)
            await app.library.reader.require_book(found.course)
            filters, folder = None, None
            staff = found.sees_staff_material
            if module:
                folder = await app.library.reader.resolve_module(found.course, module, staff)
                filters = SearchFilters(module=folder)
            result = await app.library.search(
                found.course, query, limit=MAX_RESULTS, filters=filters, staff=staff
            )
        if not result.hits:
            where = " in that module" if module else ""
            said = safe_title(query, 200)
            await respond.reply(
                interaction,
                f"🔍 Nothing in the book matches “{said}”{where}. Try other words.",
                ephemeral=True,
            )
            return
        embed, view = search_page(query, result.hits, found.course.book_url, 0, folder)
        await respond.reply(interaction, embed=embed, view=view, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(SearchCog(bot))
