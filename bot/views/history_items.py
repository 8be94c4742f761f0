"""The pieces of /history: a page of one's conversations with a menu to open one, a transcript with
a Delete button, and its confirmation. Every item carries its state in its custom_id, so the list
and its buttons keep working after a restart; the core checks ownership on every press."""

from __future__ import annotations

import logging
import re

import discord

from bot import respond
from bot.answer_render import citation_lines, lines_within
from bot.context import account, app_of, existing_account
from bot.limits import LABEL, MAX_CHOICES, SELECT_DESCRIPTION, clip, fit_embed, split_message
from bot.takedown import said, take_down
from bot.views.base import View, reported
from bot.views.keep import KeepIt
from core.models.conversations import Conversation, Message

log = logging.getLogger(__name__)

PAGE = 10  # conversations a page (the menu could take 25; ten stay readable)
MESSAGE_CLIP = 1500  # each question or answer in a transcript
SOURCES_CLIP = 600  # the sources under each answer
MAX_PIECES = 4  # Discord messages a transcript may take
_ID = r"[0-9a-fA-F-]{8,40}"


async def history_page(
    interaction: discord.Interaction, offset: int
) -> tuple[str | None, discord.Embed | None, View | None]:
    """The content, embed and view of the page starting at `offset` of the user's conversations."""
    user = await existing_account(interaction)  # looking creates no account
    found = (
        await app_of(interaction).conversations.list(
            user.id, limit=PAGE + 1, offset=offset, include_archived=True
        )
        if user
        else []
    )
    page, more = found[:PAGE], len(found) > PAGE
    if not page:
        if offset:
            return "No more conversations.", None, _pager(offset, False, 0)
        return "You have no conversations yet — ask the book with `/ask`.", None, None
    embed = discord.Embed(title="Your conversations", colour=discord.Colour.blurple())
    embed.description = "\n".join(_entry(offset + n, c) for n, c in enumerate(page, start=1))
    embed.set_footer(text="Open one with the menu below. Only you can see these.")
    view = _pager(offset, more, len(page))
    view.add_item(OpenConversation(page, offset))
    return None, fit_embed(embed), view


def _entry(number: int, conversation: Conversation) -> str:
    when = discord.utils.format_dt(conversation.updated_at, "R")
    archived = " · archived" if conversation.archived else ""
    return f"**{number}.** {discord.utils.escape_markdown(conversation.title)} · {when}{archived}"


def _pager(offset: int, more: bool, shown: int) -> View:
    view = View(timeout=None)
    view.add_item(TurnHistoryPage(max(offset - PAGE, 0), "‹ Newer", disabled=offset == 0))
    view.add_item(TurnHistoryPage(offset + PAGE, "Older ›", disabled=not more))
    return view


def transcript(conversation: Conversation, messages: list[Message], book_url: str | None = None) -> list[str]:
    """The conversation as Discord messages, the latest turns kept when it is too long; each answer
    with its sources, which its [n] markers refer to."""
    lines = [
        ("**❓ You:** " if m.role == "user" else "**📖 Studyhall:** ")
        + clip(m.content, MESSAGE_CLIP)
        + _sources(m, book_url)
        for m in messages
    ]
    head = f"## {discord.utils.escape_markdown(conversation.title)}"
    for skipped in range(len(lines) + 1):
        note = (
            [f"*({skipped} earlier messages not shown — `/privacy export` has them all.)*"] if skipped else []
        )
        pieces = split_message("\n\n".join([head, *note, *lines[skipped:]]))
        if len(pieces) <= MAX_PIECES:
            return pieces
    return split_message(head)  # pragma: no cover - one clipped message always fits


def _sources(message: Message, book_url: str | None) -> str:
    """The answer's sources as in /ask, linked without preview cards (several would bury the text)."""
    if message.role != "assistant" or not message.citations:
        return ""
    lines = citation_lines(message.citations, message.answer_mode, book_url, preview=False)
    return "\nSources:\n" + lines_within(lines, SOURCES_CLIP)


class TurnHistoryPage(
    discord.ui.DynamicItem[discord.ui.Button], template=r"sh:hist:page:(?P<offset>\d{1,6})"
):
    def __init__(self, offset: int, label: str = "Page", *, disabled: bool = False):
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"sh:hist:page:{offset}",
                disabled=disabled,
            )
        )
        self.offset = offset

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item, match: re.Match[str]
    ):
        return cls(int(match["offset"]))

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        content, embed, view = await history_page(interaction, self.offset)
        await respond.edit(interaction, content, embed=embed, view=view)


class OpenConversation(discord.ui.DynamicItem[discord.ui.Select], template=r"sh:hist:open"):
    def __init__(self, page: list[Conversation] | None = None, offset: int = 0):
        options = [
            discord.SelectOption(
                label=clip(f"{offset + n}. {c.title}", LABEL),
                value=c.id,
                description=clip(c.updated_at.strftime("%Y-%m-%d %H:%M UTC"), SELECT_DESCRIPTION),
            )
            for n, c in enumerate(page or [], start=1)
        ][:MAX_CHOICES]
        super().__init__(
            discord.ui.Select(
                custom_id="sh:hist:open",
                placeholder="Open a conversation",
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
        user = await account(interaction)
        app = app_of(interaction)
        conversation, messages = await app.conversations.get(user.id, self.item.values[0])
        course = await app.courses.get_by_id(conversation.course_id)
        pieces = transcript(conversation, messages, course.book_url)
        view = View(timeout=None)
        view.add_item(DeleteConversation(conversation.id))
        for n, piece in enumerate(pieces):
            await respond.reply(
                interaction, piece, view=view if n == len(pieces) - 1 else None, ephemeral=True
            )


class DeleteConversation(discord.ui.DynamicItem[discord.ui.Button], template=rf"sh:hist:del:(?P<id>{_ID})"):
    def __init__(self, conversation_id: str):
        super().__init__(
            discord.ui.Button(
                label="Delete",
                emoji="🗑️",
                style=discord.ButtonStyle.danger,
                custom_id=f"sh:hist:del:{conversation_id}",
            )
        )
        self.conversation_id = conversation_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item, match: re.Match[str]
    ):
        return cls(match["id"])

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        user = await account(interaction)
        conversation, _ = await app_of(interaction).conversations.get(user.id, self.conversation_id)
        view = View(timeout=None)
        view.add_item(ConfirmDelete(conversation.id))
        view.add_item(KeepIt("hist"))
        await respond.reply(
            interaction,
            f"Delete “{discord.utils.escape_markdown(conversation.title)}” and all its messages? "
            "This cannot be undone.",
            view=view,
            ephemeral=True,
        )


class ConfirmDelete(discord.ui.DynamicItem[discord.ui.Button], template=rf"sh:hist:sure:(?P<id>{_ID})"):
    def __init__(self, conversation_id: str):
        super().__init__(
            discord.ui.Button(
                label="Yes, delete it",
                style=discord.ButtonStyle.danger,
                custom_id=f"sh:hist:sure:{conversation_id}",
            )
        )
        self.conversation_id = conversation_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item, match: re.Match[str]
    ):
        return cls(match["id"])

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        user = await account(interaction)
        app = app_of(interaction)
        posts = await app.public_posts.of_conversation(user.id, self.conversation_id)
        if posts:
            await interaction.response.defer()  # deleting messages can outlast Discord's 3 seconds
        await app.conversations.delete(user.id, self.conversation_id)
        log.debug("conversation %s deleted by its owner", self.conversation_id)
        public = said(await take_down(interaction.client, app, posts)) if posts else ""
        await respond.edit(interaction, "🗑️ Deleted." + (f" {public}" if public else ""), view=None)


ITEMS = (TurnHistoryPage, OpenConversation, DeleteConversation, ConfirmDelete)
