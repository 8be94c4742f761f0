"""A unit's quiz in Discord: one question at a time, a button per choice, then the score with each
question's right answer and explanation.

Every choice button carries the answers given so far (one digit each: a question has at most 10
choices), the unit's short key, the quiz's revision and who is taking the quiz, so a half-done quiz
survives a restart and nothing is kept in memory:
sh:quiz:<owner>:<unit key>:<revision>:<answers so far + this choice>. The revision lets the core
refuse an answer given on a quiz the instructor has since changed; the message id makes the last
press a submission that is recorded once, however often a slow client sends it. (Buttons made
before revisions were carried have none, and are taken as they come.)"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot import respond
from bot.context import Who, app_of, who
from bot.limits import EMBED_DESCRIPTION, EMBED_TITLE, LABEL, clip, fit_embed, questions_within
from bot.views.base import View, reported
from bot.views.personal import OWNER_PATTERN, owner_key, require_owner
from core.books.short_keys import KEY_ALPHABET, UNIT_KEY_CHARS, unit_key
from core.errors import InvalidInput, NotFound
from core.progress.quiz_files import Grade
from core.progress.quizzes import REVISION_CHARS, QuizChanged

log = logging.getLogger(__name__)

LETTERS = "ABCDEFGHIJ"  # quiz files allow at most 10 choices
PER_ROW = 5
EXPLANATION_CHARS = 400
QUIZ_CHANGED = "This quiz changed since you started it: start it again with /quiz."


def question_page(quiz: dict[str, Any], owner: str, answers: str) -> tuple[discord.Embed, View]:
    """Question number len(answers)+1 of `quiz` (as core.quizzes.for_student gives it)."""
    questions = quiz["questions"]
    number = len(answers)
    question = questions[number]
    choices = question["choices"][: len(LETTERS)]
    lines = [f"**{question['question']}**", ""]
    lines += [f"**{LETTERS[i]}.** {choice}" for i, choice in enumerate(choices)]
    embed = discord.Embed(
        title=clip(f"{quiz['title']} — question {number + 1}/{len(questions)}", EMBED_TITLE),
        description=clip("\n".join(lines), EMBED_DESCRIPTION),
    )
    embed.set_footer(text="Pick an answer below; your score and the explanations come at the end.")
    view = View(timeout=None)
    key, revision = unit_key(quiz["unit_id"]), quiz["revision"]
    for i, choice in enumerate(choices):
        label = clip(f"{LETTERS[i]}: {choice}", LABEL)
        view.add_item(QuizButton(owner, key, revision, answers + str(i), label, i))
    return fit_embed(embed), view


def result_page(quiz: dict[str, Any], grade: Grade) -> discord.Embed:
    """The score, then each question: what was picked, the right answer if it differs, why."""
    choices = [q["choices"] for q in quiz["questions"]]
    blocks = []
    for number, result in enumerate(grade.results, start=1):
        options = choices[number - 1] if number - 1 < len(choices) else []
        picked = options[result.chosen] if result.chosen < len(options) else str(result.chosen)
        right = options[result.correct] if result.correct < len(options) else str(result.correct)
        mark = "✅" if result.is_correct else "❌"
        block = [f"{mark} **{number}. {clip(result.question, 300)}**", f"Your answer: {clip(picked, 200)}"]
        if not result.is_correct:
            block.append(f"Right answer: **{clip(right, 200)}**")
        if result.explanation:
            block.append(f"_{clip(result.explanation, EXPLANATION_CHARS)}_")
        blocks.append("\n".join(block))
    embed = discord.Embed(
        title=clip(f"{quiz['title']}: {grade.correct}/{grade.total} right ({grade.score:g}%)", EMBED_TITLE),
        description=questions_within(blocks),
        colour=discord.Colour.green() if grade.score >= 50 else discord.Colour.orange(),
    )
    embed.set_footer(text="Your best score counts towards your progress: see /progress.")
    return fit_embed(embed)


async def unit_of_key(interaction: discord.Interaction, found: Who, key: str) -> str:
    for unit in await app_of(interaction).tracking.units(found.course):
        if unit_key(unit.id) == key:
            return unit.id
    raise NotFound("unit", key, "The course has changed since this quiz started: start it again with /quiz.")


class QuizButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=re.compile(
        rf"sh:quiz:(?P<owner>{OWNER_PATTERN}):(?P<unit>[{KEY_ALPHABET}]{{{UNIT_KEY_CHARS}}}):"
        rf"(?:(?P<revision>[0-9a-f]{{{REVISION_CHARS}}}):)?(?P<answers>\d{{1,60}})"
    ),
):
    def __init__(
        self, owner: str, key: str, revision: str | None, answers: str, label: str, row_index: int = 0
    ):
        self.owner, self.key, self.revision, self.answers = owner, key, revision, answers
        revised = f"{revision}:" if revision else ""
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.primary,
                custom_id=f"sh:quiz:{owner}:{key}:{revised}{answers}",
            ),
            row=row_index // PER_ROW,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> QuizButton:
        return cls(match["owner"], match["unit"], match["revision"], match["answers"], item.label or "")

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        require_owner(interaction, self.owner, "quiz", "quiz")
        found = await who(interaction)
        app = app_of(interaction)
        unit = await unit_of_key(interaction, found, self.key)
        try:
            quiz = await app.quizzes.for_student(found.course, unit, self.revision)
            if len(self.answers) < len(quiz["questions"]):
                embed, view = question_page(quiz, self.owner, self.answers)
                await respond.edit(interaction, embed=embed, view=view)
                return
            grade = await app.quizzes.submit(
                found.user,
                found.course,
                unit,
                [int(a) for a in self.answers],
                revision=self.revision,
                submission=str(interaction.message.id) if interaction.message else None,
            )
        except QuizChanged as changed:
            raise InvalidInput("quiz", QUIZ_CHANGED) from changed
        await respond.edit(interaction, embed=result_page(quiz, grade), view=None)


def start_page(quiz: dict[str, Any], user_id: int) -> tuple[discord.Embed, View]:
    if not quiz["questions"]:
        raise NotFound("question in the quiz for unit", quiz["unit_id"], "Ask your instructor to add some.")
    return question_page(quiz, owner_key(user_id), "")
