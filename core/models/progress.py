"""Progress through a course: units, per-unit progress, quizzes, the leaderboard."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from core.models.fields import JsonList, _from_json


class Unit(BaseModel):
    """A week or a module of the book, with its chapters (paths) in reading order."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    kind: Literal["week", "module"]
    position: int
    chapters: JsonList


class UnitProgress(BaseModel):
    unit_id: str
    title: str
    completed: bool
    completed_at: datetime | None
    completion_pct: int
    time_spent_s: int
    best_quiz_score: float | None
    last_quiz_score: float | None
    # Marked complete by the student, but not counted on the leaderboard until reading or a quiz backs it.
    marked_only: bool = False


class ChapterProgress(BaseModel):
    chapter: str
    completion_pct: int
    time_spent_s: int
    read: bool


class CourseProgress(BaseModel):
    course: str
    completion: float  # 0–100
    quiz_average: float | None
    units: list[UnitProgress]
    chapters: list[ChapterProgress]


class BoardRow(BaseModel):
    rank: int
    user_id: str
    display_name: str
    discord_id: str | None
    completion: float
    quiz_average: float
    reached_at: datetime | None
    took_a_quiz: bool | None = None  # None on boards frozen before this was kept
    # Frozen after the week ended, when this standing had changed since: counted from the progress
    # recorded by the week's end (a unit changed later counts as not yet started).
    estimated: bool = False


class Board(BaseModel):
    course: str
    week_start: str | None  # a frozen week's board; None for the live board
    rows: list[BoardRow]
    viewer: BoardRow | None = None  # the asking student's own standing (even when hidden)
    viewer_hidden: bool = False
    viewer_took_a_quiz: bool = True  # False: the viewer's quiz average is "none yet", not 0 %
    students: int = 0
    frozen_late: bool = False  # some standings changed after the week ended (see BoardRow.estimated)


class StoredQuiz(BaseModel):
    model_config = ConfigDict(frozen=True)

    unit_key: str
    source: Literal["file", "generated"]
    title: str
    questions: list[dict]
    source_hash: str
    published: bool = True  # False: a generated draft that only staff see

    @field_validator("questions", mode="before")
    @classmethod
    def _decode(cls, value: object) -> object:
        return _from_json(value)
