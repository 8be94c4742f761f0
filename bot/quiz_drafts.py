"""A generated quiz as its staff review it in Discord: every question, its choices, the marked
answer and why, with Publish and Discard buttons.

The buttons are persistent DynamicItems that carry the action, the unit's short key and the
revision of the draft that was shown (sh:qdraft:<action>:<unit key>:<revision>), so they work after
a restart and long after Discord's 15 minutes, and never publish a draft other than the one seen."""

from __future__ import annotations

import logging
import re

import discord

from bot import respond
from bot.context import app_of, who
from bot.limits import EMBED_TITLE, clip, fit_embed, questions_within
from bot.quiz_pages import LETTERS, unit_of_key
from bot.views.base import View, reported
from core.books.short_keys import KEY_ALPHABET, UNIT_KEY_CHARS, unit_key
from core.progress.quizzes import REVISION_CHARS, Draft

log = logging.getLogger(__name__)

NO_AI_MODEL_FOR_STAFF = (
    "🔌 Writing a quiz needs the operator's Anthropic key, and this Studyhall has none. Ask whoever "
    "runs Studyhall to set one up; nothing was charged. You can also write the quiz yourself in the "
    "book's quizzes/ folder (quizzes/<unit>.yaml) and ingest the book again."
)
QUESTION_CHARS = 300
CHOICE_CHARS = 150
EXPLANATION_CHARS = 200


def draft_page(draft: Draft) -> tuple[discord.Embed, View]:
    quiz = draft.quiz
    status = "Published: students can take it" if draft.published else "Draft: students can't see it yet"
    blocks = []
    for number, question in enumerate(quiz.questions, start=1):
        lines = [f"**{number}. {clip(question.question, QUESTION_CHARS)}**"]
        for i, choice in enumerate(question.choices[: len(LETTERS)]):
            mark = "✅" if i == question.answer else "▫️"
            lines.append(f"{mark} {LETTERS[i]}. {clip(choice, CHOICE_CHARS)}")
        if question.explanation:
            lines.append(f"_{clip(question.explanation, EXPLANATION_CHARS)}_")
        blocks.append("\n".join(lines))
    embed = discord.Embed(
        title=clip(f"📝 {quiz.title} — {quiz.unit_id}", EMBED_TITLE),
        description=questions_within(blocks),
        colour=discord.Colour.green() if draft.published else discord.Colour.light_grey(),
    )
    embed.set_footer(
        text=f"{status}. Written by the AI model from the unit's chapters: check each marked answer."
    )
    view = View(timeout=None)
    key = unit_key(quiz.unit_id)
    if not draft.published:
        view.add_item(DraftButton("publish", key, draft.revision))
    view.add_item(DraftButton("discard", key, draft.revision))
    return fit_embed(embed), view


class DraftButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=re.compile(
        rf"sh:qdraft:(?P<action>publish|discard):(?P<unit>[{KEY_ALPHABET}]{{{UNIT_KEY_CHARS}}}):"
        rf"(?P<revision>[0-9a-f]{{{REVISION_CHARS}}})"
    ),
):
    def __init__(self, action: str, key: str, revision: str):
        self.action, self.key, self.revision = action, key, revision
        publish = action == "publish"
        super().__init__(
            discord.ui.Button(
                label="Publish to students" if publish else "Discard",
                style=discord.ButtonStyle.success if publish else discord.ButtonStyle.danger,
                custom_id=f"sh:qdraft:{action}:{key}:{revision}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> DraftButton:
        return cls(match["action"], match["unit"], match["revision"])

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        found = await who(interaction)
        app = app_of(interaction)
        await app.staff.require(found.user, found.course)
        unit = await unit_of_key(interaction, found, self.key)
        if self.action == "publish":
            quiz = await app.quizzes.publish(found.course, unit, self.revision)
            text = f"✅ **{quiz.title}** is published: students take it with `/quiz unit:{unit}`."
        else:
            quiz = await app.quizzes.discard(found.course, unit, self.revision)
            text = f"🗑️ **{quiz.title}** is discarded. `/class quiz generate unit:{unit}` writes another."
        log.info("generated quiz of %s in %s: %s by %s", unit, found.course.slug, self.action, found.user.id)
        await respond.edit(interaction, clip(text, 2000), embed=None, view=None)
