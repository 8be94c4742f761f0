"""The buttons under an answer: 👍 / 👎, Follow up, Sources; under a decline, Search the whole book
(when only a module was searched) or Ask a TA (bot/views/ask_staff.py). They are DynamicItems whose custom_id
carries the core's id of the answer, so they keep working on old messages after the bot restarts."""

from __future__ import annotations

import logging
import re

import discord

from bot import respond
from bot.answer_flow import ask_and_answer
from bot.answer_render import sources_embed
from bot.context import app_of, who
from bot.views.ask_staff import AskStaff
from bot.views.askers_only import GONE, for_the_asker
from bot.views.base import View, reported
from bot.views.forms import Form, open_form
from core.answers.service import MAX_QUESTION_CHARS
from core.errors import NotFound
from core.models.accounts import User
from core.models.conversations import Answer

log = logging.getLogger(__name__)

ANSWER_ID = r"(?P<answer>[0-9a-f-]{36})"
NOT_YOURS_TO_RATE = "Only the person who asked can rate this answer."
NOT_YOURS_TO_WIDEN = "Only the person who asked can ask this again; ask your own question with /ask."
NOT_YOURS_TO_FOLLOW = (
    "Only the person who asked can follow up on this answer; ask your own question with /ask."
)
IN_ITS_THREAD = "💬 This question has its own thread: follow up there, in <#{thread}>."
THANKS = {1: "👍 Thanks — marked as helpful.", -1: "👎 Thanks — marked as not helpful."}


class RateAnswer(
    discord.ui.DynamicItem[discord.ui.Button], template=r"sh:ask:rate:(?P<rating>up|down):" + ANSWER_ID
):
    def __init__(self, answer_id: str, rating: str):
        super().__init__(
            discord.ui.Button(
                emoji="👍" if rating == "up" else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"sh:ask:rate:{rating}:{answer_id}",
            )
        )
        self.answer_id = answer_id
        self.rating = 1 if rating == "up" else -1

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]) -> RateAnswer:
        return cls(match["answer"], match["rating"])

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        conversations = app_of(interaction).conversations

        async def rate(user: User) -> bool:
            await conversations.feedback(user.id, self.answer_id, self.rating)
            return True

        if await for_the_asker(interaction, self.answer_id, rate, NOT_YOURS_TO_RATE) is None:
            return
        other = "👎" if self.rating == 1 else "👍"
        await respond.reply(
            interaction, f"{THANKS[self.rating]} Press {other} to change your mind.", ephemeral=True
        )


class FollowUp(discord.ui.DynamicItem[discord.ui.Button], template=r"sh:ask:follow:" + ANSWER_ID):
    def __init__(self, answer_id: str):
        super().__init__(
            discord.ui.Button(
                label="Follow up",
                emoji="💬",
                style=discord.ButtonStyle.primary,
                custom_id=f"sh:ask:follow:{answer_id}",
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]) -> FollowUp:
        return cls(match["answer"])

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        conversation_id = await conversation_to_follow(interaction, self.answer_id)
        if conversation_id is None:
            return
        thread = await app_of(interaction).conversations.thread_of(conversation_id)
        if thread and str(interaction.channel_id) != thread:  # the conversation goes on in its thread
            await respond.reply(interaction, IN_ITS_THREAD.format(thread=thread), ephemeral=True)
            return
        # A private answer's follow-up stays private.
        private = bool(interaction.message and interaction.message.flags.ephemeral)
        await open_form(interaction, FollowUpForm(self.answer_id, private))


async def conversation_to_follow(interaction: discord.Interaction, answer_id: str) -> str | None:
    """The asker's conversation that an answer belongs to; None once the answer is gone (they were
    told); refused for anyone but the asker."""
    conversations = app_of(interaction).conversations
    return await for_the_asker(
        interaction,
        answer_id,
        lambda user: conversations.conversation_of(user.id, answer_id),
        NOT_YOURS_TO_FOLLOW,
    )


class FollowUpForm(Form, title="Follow up"):
    """Its custom id carries the answer and whether the follow-up is private: nothing else is
    needed to answer it, in this process or the next."""

    template = r"sh:ask:follow-form:(?P<visibility>p|c):" + ANSWER_ID
    question = discord.ui.TextInput(
        label="Your follow-up question",
        style=discord.TextStyle.paragraph,
        placeholder="e.g. Can you give an example?",
        max_length=MAX_QUESTION_CHARS,
        custom_id="question",
    )

    def __init__(self, answer_id: str, private: bool):
        super().__init__(custom_id=f"sh:ask:follow-form:{'p' if private else 'c'}:{answer_id}")
        self.answer_id = answer_id
        self.private = private

    @classmethod
    def from_custom_id(cls, match: re.Match[str]) -> FollowUpForm:
        return cls(match["answer"], match["visibility"] == "p")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        # Checked again at submit: the form's custom id comes back from the client.
        conversation_id = await conversation_to_follow(interaction, self.answer_id)
        if conversation_id is None:
            return
        await ask_and_answer(
            interaction,
            self.question.value,
            view_for=answer_view,
            conversation_id=conversation_id,
            private=self.private,
        )


class ShowSources(discord.ui.DynamicItem[discord.ui.Button], template=r"sh:ask:sources:" + ANSWER_ID):
    def __init__(self, answer_id: str):
        super().__init__(
            discord.ui.Button(
                label="Sources",
                emoji="📖",
                style=discord.ButtonStyle.secondary,
                custom_id=f"sh:ask:sources:{answer_id}",
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]) -> ShowSources:
        return cls(match["answer"])

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        found = await who(interaction)
        try:
            citations = await app_of(interaction).conversations.sources(found.course.id, self.answer_id)
        except NotFound:
            await respond.reply(interaction, GONE, ephemeral=True)
            return
        await respond.reply(
            interaction, embed=sources_embed(citations, found.course.book_url), ephemeral=True
        )


class WholeBook(discord.ui.DynamicItem[discord.ui.Button], template=r"sh:ask:whole:" + ANSWER_ID):
    """Under "not in Module 2": the same question again, over the whole book."""

    def __init__(self, answer_id: str):
        super().__init__(
            discord.ui.Button(
                label="Search the whole book",
                emoji="📚",
                style=discord.ButtonStyle.primary,
                custom_id=f"sh:ask:whole:{answer_id}",
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]) -> WholeBook:
        return cls(match["answer"])

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        conversations = app_of(interaction).conversations
        asked = await for_the_asker(
            interaction,
            self.answer_id,
            lambda user: conversations.asked(user.id, self.answer_id),
            NOT_YOURS_TO_WIDEN,
        )
        if asked is None:
            return
        # Asked afresh (a conversation of its own): as a follow-up its search would repeat the
        # question and weigh its words twice. A private answer's second try stays private.
        private = bool(interaction.message and interaction.message.flags.ephemeral)
        await ask_and_answer(interaction, asked.question, view_for=answer_view, private=private)


DYNAMIC_ITEMS = (RateAnswer, FollowUp, ShowSources, WholeBook, AskStaff)
FORMS = (FollowUpForm,)


def follow_up_view(answer: Answer) -> View | None:
    """Just Follow up: under the note that opens an answer's thread."""
    if not answer.message_id:
        return None
    view = View(timeout=None)
    view.add_item(FollowUp(answer.message_id))
    return view


def answer_view(answer: Answer) -> View | None:
    """The buttons for an answer the core recorded (Sources only when it cites something)."""
    if not answer.message_id:
        return None
    view = View(timeout=None)
    view.add_item(RateAnswer(answer.message_id, "up"))
    view.add_item(RateAnswer(answer.message_id, "down"))
    view.add_item(FollowUp(answer.message_id))
    if answer.citations:
        view.add_item(ShowSources(answer.message_id))
    if not answer.covered and answer.scope:
        view.add_item(WholeBook(answer.message_id))
    elif not answer.covered:
        view.add_item(AskStaff(answer.message_id))
    return view
