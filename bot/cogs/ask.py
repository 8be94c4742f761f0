"""/ask and the "Ask the book about this" message menu: questions answered from the book, with
citations and buttons to rate, follow up and read the sources."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.answer_flow import DEFAULT_PACE, Pace, ask_and_answer
from bot.autocomplete import modules
from bot.cogs.base import FeatureCog
from bot.views.answer_buttons import DYNAMIC_ITEMS, answer_view
from bot.views.base import Modal
from core.answers.service import MAX_QUESTION_CHARS
from core.books.search import MAX_SELECTED_CHARS
from core.errors import InvalidInput

log = logging.getLogger(__name__)

MENU_NAME = "Ask the book about this"
DEFAULT_QUESTION = "What does this mean?"
NO_TEXT = (
    "That message has no text to ask about (only attachments or embeds?). "
    "Pick a message with text, or use /ask."
)


class AskAboutForm(Modal, title="Ask the book about this message"):
    question = discord.ui.TextInput(
        label="What do you want to know about it?",
        style=discord.TextStyle.paragraph,
        default=DEFAULT_QUESTION,
        max_length=MAX_QUESTION_CHARS,
        custom_id="question",
    )

    def __init__(self, selected_text: str, *, custom_id: str):
        super().__init__(custom_id=custom_id, timeout=15 * 60)
        self.selected_text = selected_text

    async def on_submit(self, interaction: discord.Interaction) -> None:
        # Private: it quotes someone else's message and asks about the reader's own confusion.
        await ask_and_answer(
            interaction,
            self.question.value,
            view_for=answer_view,
            selected_text=self.selected_text,
            private=True,
        )


class AskCog(FeatureCog, name="Ask"):
    dynamic_items = DYNAMIC_ITEMS

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
        text = (message.content or "").strip()
        if not text:
            raise InvalidInput("message", NO_TEXT)
        form = AskAboutForm(text[:MAX_SELECTED_CHARS], custom_id=f"sh:ask:about-form:{message.id}")
        await interaction.response.send_modal(form)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(AskCog(bot))
