"""Search results, five to a page, with Prev/Next.

The buttons are persistent DynamicItems, like the reader's: each carries the page it leads to and
the module searched, the query is the one in the results' title (a digest in the custom id makes
sure it is read back exactly), and a press runs the search again. So an old results message keeps
paging after discord.py's view timeout and after a restart, and holds no in-memory view at all."""

from __future__ import annotations

import hashlib
import re

import discord

from bot import respond
from bot.answer_render import excerpt, place, safe_title
from bot.context import app_of, who
from bot.limits import FIELD_VALUE, clip, fit_embed
from bot.views.base import View, reported
from core.books.links import section_url
from core.models.books import SearchFilters, SearchHit

PER_PAGE = 5
MAX_RESULTS = 5 * PER_PAGE
PASSAGE_CHARS = 300
TITLE = "Search: "
MODULE_CHARS = 60  # a module folder longer than this is not carried (custom ids hold 100 characters)
UNCARRIED = "~"  # in place of a module folder that could not be carried


def search_page(
    query: str, hits: list[SearchHit], book_url: str | None, page: int, module: str | None
) -> tuple[discord.Embed, View]:
    """Page `page` (clamped) of `hits`, and its Prev/Next."""
    pages = max(1, -(-len(hits) // PER_PAGE))
    page = min(max(page, 0), pages - 1)
    embed = discord.Embed(title=safe_title(TITLE + query), colour=discord.Colour.blurple())
    first = page * PER_PAGE
    for n, hit in enumerate(hits[first : first + PER_PAGE], first + 1):
        url = section_url(book_url, hit.path, hit.anchor)
        where = f"[Read it in the book]({url})" if url else f"`{hit.path}`"
        # Ranked best first; the raw score means nothing to a student, so it is not shown.
        embed.add_field(
            name=clip(f"{n}. {place(hit)}" + _staff_mark(hit), 256),
            value=clip(f"{excerpt(hit.highlight or hit.text, PASSAGE_CHARS)}\n{where}", FIELD_VALUE),
            inline=False,
        )
    embed.set_footer(text=f"Page {page + 1}/{pages} · {len(hits)} passages")
    digest = _digest(query)
    folder = module or ""
    if len(folder) > MODULE_CHARS or ":" in folder or folder == UNCARRIED:
        folder = UNCARRIED  # paging it would silently search the whole book: say so instead
    view = View(timeout=None)  # only DynamicItems (see reader_view for why that matters)
    view.add_item(TurnSearchPage("p", page - 1, digest, folder, disabled=page == 0))
    view.add_item(TurnSearchPage("n", page + 1, digest, folder, disabled=page >= pages - 1))
    return fit_embed(embed), view


class TurnSearchPage(
    discord.ui.DynamicItem[discord.ui.Button],
    template=re.compile(
        r"sh:search:(?P<dir>[pn]):(?P<page>\d{1,3}):(?P<digest>[0-9a-f]{10}):(?P<module>[^:]{0,"
        + str(MODULE_CHARS)
        + "})"
    ),
):
    """Prev or Next. The custom_id: sh:search:<p|n>:<page>:<query digest>:<module folder or empty>."""

    def __init__(self, direction: str, page: int, digest: str, module: str, *, disabled: bool = False):
        self.direction, self.page, self.digest, self.module = direction, max(page, 0), digest, module
        super().__init__(
            discord.ui.Button(
                label="Prev" if direction == "p" else "Next",
                emoji="◀️" if direction == "p" else "▶️",
                style=discord.ButtonStyle.secondary,
                custom_id=f"sh:search:{direction}:{self.page}:{digest}:{module}",
                disabled=disabled,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> TurnSearchPage:
        return cls(match["dir"], int(match["page"]), match["digest"], match["module"])

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        query = _query_of(interaction.message)
        lost = query is None or _digest(query) != self.digest or self.module == UNCARRIED
        if lost:  # a title clipped or changed in showing, or a module folder too long to carry
            await respond.edit(
                interaction, "🔍 These results can no longer be paged: run /search again.", view=None
            )
            return
        found = await who(interaction)
        app = app_of(interaction)
        await app.quotas.take_search(found.course, found.user.id)  # a page is a search run again: load
        filters = SearchFilters(module=self.module) if self.module else None
        result = await app.library.search(
            found.course, query, limit=MAX_RESULTS, filters=filters, staff=found.sees_staff_material
        )
        if not result.hits:  # the book changed underneath
            await respond.edit(
                interaction, "🔍 Nothing in the book matches any more: search again.", view=None
            )
            return
        embed, view = search_page(query, result.hits, found.course.book_url, self.page, self.module)
        await respond.edit(interaction, embed=embed, view=view)


def _digest(query: str) -> str:
    """Of the query as the title shows it (one line, mentions defused), so it can be checked there."""
    return hashlib.sha256(safe_title(query, 10_000).encode()).hexdigest()[:10]


def _query_of(message: discord.Message | None) -> str | None:
    title = message.embeds[0].title if message and message.embeds else None
    return title[len(TITLE) :] if title and title.startswith(TITLE) else None


def _staff_mark(hit: SearchHit) -> str:
    return " · 🔒 staff only" if hit.staff_only else ""
