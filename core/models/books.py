"""The book as stored and as found: documents, sections, search hits, the table of contents."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.models.fields import JsonDict, JsonList

DocumentStatus = Literal["processing", "ready", "error"]


class StoredDocument(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    course_id: str
    path: str
    title: str
    content_hash: str
    status: DocumentStatus
    error: str | None
    position: int
    module: str | None
    module_label: str | None
    week: int | None
    difficulty: str | None
    language: str
    metadata: JsonDict
    created_at: datetime
    updated_at: datetime
    declared_audience: str = "all"  # what the file or its folder says: "all" or "staff"
    audience: str = "all"  # in force, the course's staff-only patterns applied: "all" or "staff"

    @property
    def staff_only(self) -> bool:
        return self.audience == "staff"


class BookState(BaseModel):
    model_config = ConfigDict(frozen=True)

    course_id: str
    revision: int
    book_path: str | None
    embedding_model: str | None
    ingested_at: datetime | None
    updated_at: datetime


class SectionView(BaseModel):
    """A section to read: its heading, where it sits, and its Markdown with its subsections."""

    model_config = ConfigDict(frozen=True)

    path: str
    title: str
    heading: str
    headings: JsonList
    anchor: str
    level: int
    markdown: str
    previous_anchor: str | None = None
    next_anchor: str | None = None
    staff_only: bool = False  # a page only the course's staff can read


class SearchHit(BaseModel):
    model_config = ConfigDict(frozen=True)

    chunk_id: str
    document_id: str
    path: str
    title: str
    heading: str
    headings: list[str]
    anchor: str
    score: float
    text: str
    highlight: str
    module: str | None = None
    week: int | None = None
    staff_only: bool = False  # only the course's staff can be shown this hit


class SearchFilters(BaseModel):
    """What a search may be narrowed to. Every field is optional."""

    model_config = ConfigDict(frozen=True)

    module: str | None = None
    week: int | None = Field(default=None, ge=1, le=52)
    unit: str | None = None
    path: str | None = None
    difficulty: str | None = None
    language: str | None = None


class TocSection(BaseModel):
    heading: str
    anchor: str
    level: int


class TocChapter(BaseModel):
    path: str
    title: str
    week: int | None
    difficulty: str | None
    status: DocumentStatus
    sections: list[TocSection]
    staff_only: bool = False  # listed for the course's staff only


class TocModule(BaseModel):
    module: str | None
    label: str
    chapters: list[TocChapter]
