"""A student's progress as Discord shows it: an embed of their units and a chart of them."""

from __future__ import annotations

import asyncio

import discord

from bot.limits import EMBED_DESCRIPTION, EMBED_TITLE, clip, fit_embed
from core.models.progress import CourseProgress
from core.progress.charts import StudentUnit, student_progress_chart

CHART_NAME = "progress.png"


def progress_embed(progress: CourseProgress, course_name: str) -> discord.Embed:
    quiz = f" · quiz average **{progress.quiz_average:.0f}%**" if progress.quiz_average is not None else ""
    read = sum(1 for c in progress.chapters if c.read)
    lines = [f"**{progress.completion:.0f}%** of the course done{quiz} · {read} chapter(s) read", ""]
    for unit in progress.units:
        state = "✅" if unit.completed else "▫️"
        reached = "done" if unit.completed else f"{unit.completion_pct}%"
        if unit.marked_only:  # the board's rule, said where the student sees their marks
            reached += " (you marked it: it counts on the leaderboard once you read it or take its quiz)"
        best = f" · best quiz {unit.best_quiz_score:.0f}%" if unit.best_quiz_score is not None else ""
        lines.append(f"{state} {clip(unit.title, 120)} — {reached}{best}")
    if not progress.units:
        lines.append("The course has no units yet.")
    embed = discord.Embed(
        title=clip(f"Your progress in {course_name}", EMBED_TITLE),
        description=clip("\n".join(lines), EMBED_DESCRIPTION),
    )
    embed.set_image(url=f"attachment://{CHART_NAME}")
    embed.set_footer(text="Mark a unit done with /complete · test yourself with /quiz")
    return fit_embed(embed)


async def progress_chart(progress: CourseProgress, title: str) -> bytes:
    """The PNG, drawn off the event loop (matplotlib takes a moment)."""
    units = [
        StudentUnit(
            unit_id=u.unit_id,
            title=u.title,
            completion=100.0 if u.completed else float(u.completion_pct),
            completed=u.completed,
            best_quiz=u.best_quiz_score,
        )
        for u in progress.units
    ]
    return await asyncio.to_thread(student_progress_chart, units, title=title)
