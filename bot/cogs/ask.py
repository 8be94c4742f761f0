"""/ask and the "Ask the book about this" message menu: questions answered from the book, with
citations and buttons to rate, follow up and read the sources."""

from __future__ import annotations

import logging
import re

import discord
from discord import app_commands
from discord.ext import commands

from bot.answer_flow import DEFAULT_PACE, Pace, ask_and_answer
from bot.autocomplete import modules
from bot.cogs.base import FeatureCog
from bot.views.answer_buttons import DYNAMIC_ITEMS, FORMS, answer_view
from bot.views.forms import Form, open_form
from core.answers.service import MAX_QUESTION_CHARS
from core.books.search import MAX_SELECTED_CHARS
from core.errors import InvalidInput

log = logging.getLogger(__name__)

MENU_NAME = "Ask the book about this"
DEFAULT_QUESTION = "What does this mean?"
NO_TEXT = (
    "That message has no text to ask about (only attachments or images?). "
    "Pick a message with text, or use /ask."
)


def message_text(message: discord.Message) -> str:
    """What a message says: its content, or else its embeds' titles, descriptions and fields — the
    bot's own answers are embeds only. Footers and authors say how it was made, not what."""
    if (message.content or "").strip():
        return message.content.strip()
    parts: list[str] = []
    for embed in message.embeds:
        parts += [_said(embed.title), _said(embed.description)]
        for field in embed.fields:  # an empty name or value is sent as a zero-width space
            name, value = _said(field.name), _said(field.value)
            parts.append(f"{name}: {value}" if name and value else name or value)
    return "\n\n".join(p for p in parts if p)


def _said(text: str | None) -> str:
    return (text or "").replace("\u200b", "").strip()


class AskAboutForm(Form, title="Ask the book about this message"):
    """The picked message's text rides in the form itself (shown, and sent back on submit): the
    submit needs nothing from memory, so it is answered even after a restart."""

    template = r"sh:ask:about-form:(?P<message>[0-9]+)"
    question = discord.ui.TextInput(
        label="What do you want to know about it?",
        style=discord.TextStyle.paragraph,
        default=DEFAULT_QUESTION,
        max_length=MAX_QUESTION_CHARS,
        custom_id="question",
    )
    selected = discord.ui.TextInput(
        label="The message you are asking about",
        style=discord.TextStyle.paragraph,
        max_length=MAX_SELECTED_CHARS,
        custom_id="message",
    )

    def __init__(self, selected_text: str | None = None, *, custom_id: str):
        super().__init__(custom_id=custom_id)
        if selected_text is not None:
            self.selected.default = selected_text

    @classmethod
    def from_custom_id(cls, match: re.Match[str]) -> AskAboutForm:
        return cls(custom_id=match.string)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        text = self.selected.value.strip()
        if not text:
            raise InvalidInput("message", NO_TEXT)
        # Private: it quotes someone else's message and asks about the reader's own confusion.
        await ask_and_answer(
            interaction,
            self.question.value,
            view_for=answer_view,
            selected_text=text,
            private=True,
        )


class AskCog(FeatureCog, name="Ask"):
    dynamic_items = DYNAMIC_ITEMS
    forms = (*FORMS, AskAboutForm)

    def __init__(self, bot: commands.Bot):
        super().__init__(bot)
        self.pace: Pace = DEFAULT_PACE  # tests inject a clock here
        self.told_no_threads: set[int] = set()  # servers told why answers get no thread (bot.answer_threads)
        self.menu = app_commands.ContextMenu(name=MENU_NAME, callback=self.ask_about)

    async def cog_load(self) -> None:
        await super().cog_load()
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        await super().cog_unload()
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    @app_commands.command(name="ask")
    @app_commands.describe(
        question="What you want to know, in your own words",
        module="Only look in this module of the book",
        private="Only you see the answer (default: everyone in the channel)",
    )
    @app_commands.autocomplete(module=modules)
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, MAX_QUESTION_CHARS],
        module: str | None = None,
        private: bool = False,
    ) -> None:
        """Ask the book a question; the answer cites the sections it comes from."""
        await ask_and_answer(interaction, question, view_for=answer_view, module=module, private=private)

    async def ask_about(self, interaction: discord.Interaction, message: discord.Message) -> None:
        # The picked message's text comes with the interaction: no Message Content intent needed.
        text = message_text(message)
        if not text:
            raise InvalidInput("message", NO_TEXT)
        form = AskAboutForm(text[:MAX_SELECTED_CHARS], custom_id=f"sh:ask:about-form:{message.id}")
        await open_form(interaction, form)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(AskCog(bot))
