"""/class quiz results: a unit's quiz, question by question, for its staff."""

from __future__ import annotations

import discord

from bot.limits import EMBED_DESCRIPTION, EMBED_TITLE, clip, fit_embed
from core.progress.quiz_results import QuizResults

QUESTION_CHARS = 120
CHOICE_CHARS = 80
NAMES_CHARS = 900


def results_embed(results: QuizResults) -> discord.Embed:
    embed = discord.Embed(title=clip(f"📋 {results.title} — {results.unit_id}", EMBED_TITLE))
    earlier = (
        f"\n_{results.earlier_attempts} attempt(s) on an earlier version of this quiz are not counted._"
        if results.earlier_attempts
        else ""
    )
    if not results.attempts:
        embed.description = "No student has taken this version of the quiz yet." + earlier
        return fit_embed(embed)
    head = (
        f"**{results.attempts}** attempt(s) by **{len(results.students)}** student(s) · "
        f"average score **{results.average_score:g}%**{earlier}"
    )
    lines = [head, ""]
    for q in results.questions:
        question = clip(q.question, QUESTION_CHARS)
        line = f"**{q.number}.** {question} — **{q.pct_correct:g}%** right ({q.correct}/{q.answered})"
        if q.common_wrong is not None:
            line += f"\n  most chosen wrong: “{clip(q.common_wrong, CHOICE_CHARS)}” ({q.common_wrong_count})"
        if sum(len(x) + 1 for x in lines) + len(line) > EMBED_DESCRIPTION - 100:
            lines.append("…more questions: see `/class report quizzes`.")
            break
        lines.append(line)
    embed.description = "\n".join(lines)
    names = ", ".join(
        f"{discord.utils.escape_markdown(s.name)} {s.best:g}%"
        + (f" ({s.attempts} tries)" if s.attempts > 1 else "")
        for s in results.students
    )
    embed.add_field(name="Best score per student", value=clip(names, NAMES_CHARS), inline=False)
    embed.set_footer(text="Students of this course only; staff attempts are left out.")
    return fit_embed(embed)
