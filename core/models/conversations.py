"""Conversations with the book: questions, cited answers, feedback."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.models.books import SearchHit
from core.models.fields import _from_json

AnswerMode = Literal["llm", "extractive"]
QueryMode = Literal["global", "local", "selected"]


class Citation(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str
    heading: str
    headings: list[str] = Field(default_factory=list)
    anchor: str
    quote: str
    chunk_id: str | None = None
    score: float | None = None


def citation_of(hit: SearchHit, quote: str) -> Citation:
    """A citation of a search hit, quoting what the answer rests on."""
    return Citation(
        path=hit.path,
        heading=hit.heading,
        headings=hit.headings,
        anchor=hit.anchor,
        quote=quote,
        chunk_id=hit.chunk_id,
        score=hit.score,
    )


class SectionRef(BaseModel):
    """A place in the book: shown when the book does not answer, as the nearest sections."""

    model_config = ConfigDict(frozen=True)

    path: str
    heading: str
    headings: list[str]
    anchor: str


class Conversation(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    course_id: str
    user_id: str
    surface: str
    channel_ref: str | None
    title: str
    archived: bool
    created_at: datetime
    updated_at: datetime


class Message(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    conversation_id: str
    role: Literal["user", "assistant", "system"]
    content: str
    citations: list[Citation]
    mode: QueryMode
    answer_mode: AnswerMode | None
    covered: bool | None
    selected_text: str | None
    unit: str | None
    latency_ms: int | None
    model: str | None
    input_tokens: int
    output_tokens: int
    created_at: datetime

    @field_validator("citations", mode="before")
    @classmethod
    def _decode(cls, value: object) -> object:
        return _from_json(value)


class Answer(BaseModel):
    """What `ask` returns: the answer, where it comes from, and how it was made."""

    text: str
    citations: list[Citation]
    covered: bool
    mode: AnswerMode
    model: str | None = None
    latency_ms: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    conversation_id: str | None = None
    message_id: str | None = None
    closest: list[SectionRef] = Field(default_factory=list)
    notice: str | None = None  # e.g. why the answer is extractive
    # What the coverage decision was about: the module's label when the search was narrowed to one
    # (a decline then means "not in this module", not "not in the book"); None for the whole book.
    scope: str | None = None


class Asked(BaseModel):
    """An answer's question, as asked: to ask it again (the whole book) or hand it to staff."""

    conversation_id: str
    course_id: str
    question: str
    unit: str | None
    covered: bool


class Feedback(BaseModel):
    model_config = ConfigDict(frozen=True)

    message_id: str
    user_id: str
    rating: Literal[-1, 1]
    comment: str | None
    updated_at: datetime
