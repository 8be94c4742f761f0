"""Search results, five to a page, with Prev/Next. Ephemeral and short-lived, so an ordinary view
with a timeout: after it, a new /search is one command away."""

from __future__ import annotations

import discord

from bot import respond
from bot.answer_render import place, safe_title
from bot.limits import FIELD_VALUE, clip, fit_embed
from bot.views.base import View
from core.books.links import section_url
from core.models.books import SearchHit

PER_PAGE = 5
PASSAGE_CHARS = 300
TIMEOUT = 10 * 60


class SearchPages(View):
    def __init__(self, query: str, hits: list[SearchHit], book_url: str | None):
        super().__init__(timeout=TIMEOUT)
        self.query = query
        self.hits = hits
        self.book_url = book_url
        self.page = 0
        self._sync_buttons()

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.hits) // PER_PAGE))

    def embed(self) -> discord.Embed:
        embed = discord.Embed(title=safe_title(f"Search: {self.query}"), colour=discord.Colour.blurple())
        first = self.page * PER_PAGE
        for n, hit in enumerate(self.hits[first : first + PER_PAGE], first + 1):
            passage = " ".join((hit.highlight or hit.text).split())
            url = section_url(self.book_url, hit.path, hit.anchor)
            where = f"[Read it in the book]({url})" if url else f"`{hit.path}`"
            embed.add_field(
                name=clip(f"{n}. {place(hit)} · score {hit.score:.2f}" + _staff_mark(hit), 256),
                value=clip(f"> {clip(passage, PASSAGE_CHARS)}\n{where}", FIELD_VALUE),
                inline=False,
            )
        embed.set_footer(text=f"Page {self.page + 1}/{self.pages} · {len(self.hits)} passages")
        return fit_embed(embed)

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= self.pages - 1

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self.page = min(max(self.page + step, 0), self.pages - 1)
        self._sync_buttons()
        await respond.edit(interaction, embed=self.embed(), view=self)

    @discord.ui.button(
        label="Prev", emoji="◀️", style=discord.ButtonStyle.secondary, custom_id="sh:search:prev"
    )
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(
        label="Next", emoji="▶️", style=discord.ButtonStyle.secondary, custom_id="sh:search:next"
    )
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._turn(interaction, 1)


def _staff_mark(hit: SearchHit) -> str:
    return " · 🔒 staff only" if hit.staff_only else ""
