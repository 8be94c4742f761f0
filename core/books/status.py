"""What a course's book looks like right now: documents, their sections and chunks, files that
failed, and how it is searched. Read-only; instructors see it before deciding to re-ingest."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from core.models.accounts import Course
from core.store.session import Store


class FailedFile(BaseModel):
    path: str
    error: str


class BookStatus(BaseModel):
    course: str
    documents: int
    ready: int
    processing: list[str]  # an interrupted ingest leaves files here
    failed: list[FailedFile]
    sections: int
    chunks: int
    book_path: str | None
    embedding_model: str | None  # None or "" when the book was ingested keyword-only
    ingested_at: datetime | None
    revision: int

    @property
    def ingested(self) -> bool:
        return self.ingested_at is not None


async def book_status(store: Store, course: Course) -> BookStatus:
    async with store.read() as s:
        documents = await s.books.documents(course.id)
        sections = await s.books.section_count(course.id)
        chunks = await s.books.chunk_count(course.id)
        state = await s.books.state(course.id)
    return BookStatus(
        course=course.slug,
        documents=len(documents),
        ready=sum(d.status == "ready" for d in documents),
        processing=[d.path for d in documents if d.status == "processing"],
        failed=[
            FailedFile(path=d.path, error=d.error or "unknown error")
            for d in documents
            if d.status == "error"
        ],
        sections=int(sections or 0),
        chunks=int(chunks or 0),
        book_path=state.book_path if state else None,
        embedding_model=(state.embedding_model or None) if state else None,
        ingested_at=state.ingested_at if state else None,
        revision=state.revision if state else 0,
    )
