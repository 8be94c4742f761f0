"""A leaderboard as Discord shows it: an embed with one line per student and the chart as a PNG."""

from __future__ import annotations

import asyncio

import discord

from bot import respond
from bot.limits import EMBED_DESCRIPTION, clip, fit_embed
from core.models.accounts import Course
from core.models.progress import Board, BoardRow
from core.progress import charts

CHART_NAME = "leaderboard.png"
NAME_CHARS = 64


def safe_name(name: str) -> str:
    """A display name that can neither ping anyone nor break the embed's formatting."""
    plain = discord.utils.escape_mentions(clip(name or "someone", NAME_CHARS))
    return discord.utils.escape_markdown(plain)


def title(board: Board, course: Course) -> str:
    when = f"week of {board.week_start}" if board.week_start else "this week so far"
    return f"🏆 {course.name} — leaderboard, {when}"


def row_line(row: BoardRow) -> str:
    quiz = f" · quiz avg {row.quiz_average:.0f}%" if row.quiz_average else ""
    return f"**#{row.rank}** {safe_name(row.display_name)} — {row.completion:.0f}% done{quiz}"


def board_embed(board: Board, course: Course) -> discord.Embed:
    lines = [row_line(r) for r in board.rows] or ["No one on the board yet — complete a unit to get on it!"]
    embed = discord.Embed(
        title=title(board, course),
        description=clip("\n".join(lines), EMBED_DESCRIPTION),
        colour=discord.Colour.gold(),
    )
    shown = f"top {len(board.rows)} of {board.students}" if board.rows else f"{board.students} students"
    embed.set_footer(text=f"{shown} · ranked by completion, then quiz average · opted-out students hidden")
    embed.set_image(url=f"attachment://{CHART_NAME}")
    return fit_embed(embed)


def chart_png(board: Board, course: Course) -> bytes:
    rows = [
        charts.BoardRow(
            rank=r.rank,
            name=r.display_name,
            completion=min(max(r.completion, 0.0), 100.0),
            quiz_average=min(max(r.quiz_average, 0.0), 100.0) if r.quiz_average else None,
        )
        for r in board.rows
    ]
    return charts.leaderboard_chart(rows, title=title(board, course).removeprefix("🏆 "))


async def chart_file(board: Board, course: Course) -> discord.File:
    """The chart, drawn off the event loop (matplotlib takes a moment)."""
    return respond.png(await asyncio.to_thread(chart_png, board, course), CHART_NAME)


def standing_note(board: Board) -> str | None:
    """The viewer's own line, for their eyes only."""
    me = board.viewer
    if me is None:
        return None
    where = f"You are **#{me.rank}** of {board.students}" if board.students else f"You are **#{me.rank}**"
    quiz = f"quiz average {me.quiz_average:.0f}%" if board.viewer_took_a_quiz else "no quiz taken yet"
    note = f"{where} — {me.completion:.0f}% done, {quiz}."
    if board.viewer_hidden:
        note += " You are hidden from the board (show yourself with `/privacy leaderboard show`)."
    return note
