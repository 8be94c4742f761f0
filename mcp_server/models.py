"""What the tools return: pydantic models, so every tool publishes an output schema and structured content."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Hit(BaseModel):
    """One section of the book that matches a search."""

    uri: str = Field(
        description="book:// resource URI of the section; read it or pass path/anchor to read_section."
    )
    path: str = Field(description="Chapter path, for read_section.")
    anchor: str = Field(description="Section anchor inside the chapter, for read_section.")
    title: str = Field(description="Chapter title.")
    heading: str = Field(description="The section's heading.")
    headings: list[str] = Field(description="Heading path from the chapter down to this section.")
    score: float = Field(description="Relevance, higher is better (fused dense + keyword rank).")
    text: str = Field(description="The matching passage (trimmed).")
    highlight: str = Field(
        description="The one sentence of the passage that best matches the query (plain text, unmarked)."
    )
    module: str | None = Field(default=None, description="Module (unit folder) the chapter belongs to.")
    week: int | None = Field(default=None, description="Course week of the chapter, if it has one.")
    staff_only: bool = Field(
        default=False, description="A page only the course's staff (instructors, TAs) can see."
    )


class SearchPage(BaseModel):
    query: str
    module: str | None = None
    hits: list[Hit]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` with the same query to get the next hits; null when done."
    )
    lexical_only: bool = Field(
        description="True when only keyword search was available (no embedding model)."
    )
    ms: float = Field(description="Search time in milliseconds.")


class SectionPage(BaseModel):
    uri: str
    path: str
    anchor: str
    title: str
    heading: str
    headings: list[str]
    markdown: str = Field(description="This page of the section's Markdown.")
    page: int = Field(description="1-based page number of this part of the section.")
    pages: int = Field(description="How many pages the section has.")
    next_cursor: str | None = Field(
        default=None,
        description="Pass as `cursor` to read_section to get the next page; null on the last page.",
    )
    previous_anchor: str | None = Field(default=None, description="Anchor of the section before this one.")
    next_anchor: str | None = Field(default=None, description="Anchor of the section after this one.")
    chapter_completion_pct: int | None = Field(
        default=None,
        description="The caller's reading progress through this chapter after this read (0–100).",
    )
    progress_note: str | None = Field(
        default=None, description="Why reading progress was not recorded, if not."
    )
    staff_only: bool = Field(
        default=False, description="A page only the course's staff (instructors, TAs) can see."
    )


class Section(BaseModel):
    heading: str
    anchor: str
    level: int


class Chapter(BaseModel):
    path: str
    uri: str
    title: str
    week: int | None
    difficulty: str | None
    section_count: int = Field(description="How many sections it has.")
    sections: list[Section] | None = Field(
        default=None, description="Its sections (heading, anchor): only when asked for this chapter."
    )
    staff_only: bool = Field(
        default=False, description="A page only the course's staff (instructors, TAs) can see."
    )


class Module(BaseModel):
    module: str | None
    label: str
    chapters: list[Chapter]


class TableOfContents(BaseModel):
    course: str
    modules: list[Module]
    units: list[UnitInfo] = Field(
        description="Units (weeks or modules) that can be marked complete; on the first page only."
    )
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` for the next chapters; null when done."
    )


class UnitInfo(BaseModel):
    id: str = Field(description="Pass to mark_complete.")
    title: str
    kind: str
    chapters: list[str]


class Citation(BaseModel):
    uri: str
    path: str
    anchor: str
    heading: str
    headings: list[str]
    quote: str
    score: float | None = None


class Nearest(BaseModel):
    uri: str
    path: str
    anchor: str
    heading: str


class BookAnswer(BaseModel):
    answer: str = Field(description="The answer in Markdown, grounded in the cited passages.")
    covered: bool = Field(description="False when the book does not answer the question; see `closest`.")
    citations: list[Citation]
    closest: list[Nearest] = Field(default_factory=list, description="Nearest sections when not covered.")
    mode: str = Field(description="'llm' (written by a model from the passages) or 'extractive' (quoted).")
    notice: str | None = None
    latency_ms: int


class UnitStatus(BaseModel):
    unit_id: str
    title: str
    completed: bool
    completion_pct: int
    time_spent_s: int
    best_quiz_score: float | None


class ChapterStatus(BaseModel):
    chapter: str
    completion_pct: int
    read: bool


class Progress(BaseModel):
    course: str
    student: str
    completion: float = Field(description="Course completion, 0–100.")
    quiz_average: float | None
    units: list[UnitStatus]
    chapters: list[ChapterStatus]


class MarkResult(BaseModel):
    unit: UnitStatus
    course_completion: float


class Standing(BaseModel):
    rank: int
    display_name: str
    completion: float
    quiz_average: float | None = Field(description="Mean best quiz score; null before any quiz.")
    is_you: bool = False


class Leaderboard(BaseModel):
    course: str
    week_start: str | None = Field(description="The frozen week shown; null for the live board.")
    rows: list[Standing]
    you: Standing | None = Field(description="Your own standing, also when you hide from the board.")
    you_hidden: bool = Field(description="True when you opted out: others do not see you.")
    note: str | None = Field(
        default=None, description="How a frozen board was counted, when not simply as the week ended."
    )
    students: int


class Suggestion(BaseModel):
    uri: str
    path: str
    title: str
    score: float
    reason: str


class Recommendations(BaseModel):
    suggestions: list[Suggestion]


TableOfContents.model_rebuild()
