"""Documents, their sections and chunks (with stored embeddings), and each book's revision."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np

from core.models.books import BookState, StoredDocument
from core.store.database import Connection, Row
from core.store.ids import new_id


def vector_to_bytes(vector: Sequence[float] | None) -> bytes | None:
    return None if vector is None else np.asarray(vector, dtype="<f4").tobytes()


def bytes_to_vector(blob: bytes | None) -> list[float] | None:
    return None if blob is None else np.frombuffer(bytes(blob), dtype="<f4").tolist()


class BooksRepository:
    def __init__(self, conn: Connection):
        self._conn = conn

    # book state

    async def state(self, course_id: str) -> BookState | None:
        row = await self._conn.fetchrow("SELECT * FROM book_state WHERE course_id = $1", course_id)
        return BookState.model_validate(row) if row else None

    async def revision(self, course_id: str) -> int:
        value = await self._conn.fetchval("SELECT revision FROM book_state WHERE course_id = $1", course_id)
        return int(value or 0)

    async def bump_revision(
        self,
        course_id: str,
        now: datetime,
        *,
        book_path: str | None = None,
        embedding_model: str | None = None,
        ingested: bool = False,
    ) -> int:
        row = await self._conn.fetchrow(
            "INSERT INTO book_state (course_id, revision, book_path, embedding_model, ingested_at,"
            " updated_at) VALUES ($1, 1, $2, $3, $4, $5)"
            " ON CONFLICT (course_id) DO UPDATE SET revision = book_state.revision + 1,"
            " book_path = COALESCE(excluded.book_path, book_state.book_path),"
            " embedding_model = COALESCE(excluded.embedding_model, book_state.embedding_model),"
            " ingested_at = COALESCE(excluded.ingested_at, book_state.ingested_at),"
            " updated_at = excluded.updated_at RETURNING revision",
            course_id,
            book_path,
            embedding_model,
            now if ingested else None,
            now,
        )
        return int(row["revision"])

    # documents

    async def documents(self, course_id: str) -> list[StoredDocument]:
        rows = await self._conn.fetch(
            "SELECT * FROM documents WHERE course_id = $1 ORDER BY position, path", course_id
        )
        return [StoredDocument.model_validate(r) for r in rows]

    async def document_by_path(self, course_id: str, path: str) -> StoredDocument | None:
        row = await self._conn.fetchrow(
            "SELECT * FROM documents WHERE course_id = $1 AND path = $2", course_id, path
        )
        return StoredDocument.model_validate(row) if row else None

    async def save_document(
        self,
        course_id: str,
        path: str,
        *,
        title: str,
        content_hash: str,
        status: str,
        error: str | None,
        position: int,
        metadata: dict[str, Any],
        now: datetime,
        audience: str = "all",
    ) -> str:
        """Insert or update the document row; return its id (stable across re-ingests).
        `metadata["audience"]` is what the file declares, `audience` the one in force."""
        row = await self._conn.fetchrow(
            "INSERT INTO documents (id, course_id, path, title, content_hash, status, error,"
            " position, module, module_label, week, difficulty, language, metadata, created_at,"
            " updated_at, declared_audience, audience) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
            " $10, $11, $12, $13, $14, $15, $15, $16, $17) ON CONFLICT (course_id, path) DO UPDATE"
            " SET title = excluded.title,"
            " content_hash = excluded.content_hash, status = excluded.status,"
            " error = excluded.error, position = excluded.position, module = excluded.module,"
            " module_label = excluded.module_label, week = excluded.week,"
            " difficulty = excluded.difficulty, language = excluded.language,"
            " metadata = excluded.metadata, updated_at = excluded.updated_at,"
            " declared_audience = excluded.declared_audience, audience = excluded.audience RETURNING id",
            new_id(),
            course_id,
            path,
            title,
            content_hash,
            status,
            error,
            position,
            metadata.get("module"),
            metadata.get("module_label"),
            metadata.get("week"),
            metadata.get("difficulty"),
            metadata.get("language") or "en",
            json.dumps(metadata, default=str),
            now,
            metadata.get("audience") or "all",
            audience,
        )
        return row["id"]

    async def set_audience(self, document_id: str, declared: str, audience: str, now: datetime) -> None:
        """A new audience for an unchanged file; `updated_at` moves so every index reloads it."""
        await self._conn.execute(
            "UPDATE documents SET declared_audience = $2, audience = $3, updated_at = $4 WHERE id = $1",
            document_id,
            declared,
            audience,
            now,
        )

    async def set_position(self, document_id: str, position: int) -> None:
        await self._conn.execute(
            "UPDATE documents SET position = $2 WHERE id = $1 AND position <> $2", document_id, position
        )

    async def delete_document(self, document_id: str) -> None:
        await self._conn.execute("DELETE FROM documents WHERE id = $1", document_id)

    async def clear_content(self, document_id: str) -> None:
        await self._conn.execute("DELETE FROM chunks WHERE document_id = $1", document_id)
        await self._conn.execute("DELETE FROM sections WHERE document_id = $1", document_id)

    async def insert_sections(self, document_id: str, sections: Sequence[Any]) -> None:
        await self._conn.executemany(
            "INSERT INTO sections (id, document_id, position, level, heading, headings, anchor,"
            " markdown) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            [
                (
                    new_id(),
                    document_id,
                    s.position,
                    s.level,
                    s.heading,
                    json.dumps(list(s.headings)),
                    s.anchor,
                    s.markdown,
                )
                for s in sections
            ],
        )

    async def insert_chunks(
        self,
        course_id: str,
        document_id: str,
        chunks: Sequence[Any],
        dense_texts: Sequence[str],
        embeddings: Sequence[Sequence[float] | None],
        model: str | None,
    ) -> list[str]:
        """Store chunks with the text their dense vector was made from (to reuse it later)."""
        ids = [new_id() for _ in chunks]
        await self._conn.executemany(
            "INSERT INTO chunks (id, document_id, course_id, chunk_index, section_position,"
            " heading, headings, anchor, text, embed_text, token_count, has_code, embedding,"
            " embedding_model) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            [
                (
                    chunk_id,
                    document_id,
                    course_id,
                    c.chunk_index,
                    c.section_position,
                    c.heading,
                    json.dumps(list(c.headings)),
                    c.anchor,
                    c.text,
                    dense,
                    c.token_count,
                    c.has_code,
                    vector_to_bytes(vector),
                    model if vector is not None else None,
                )
                for chunk_id, c, dense, vector in zip(ids, chunks, dense_texts, embeddings, strict=True)
            ],
        )
        return ids

    async def stored_embeddings(self, document_id: str) -> dict[str, tuple[list[float], str]]:
        """embed_text → (vector, model) of a document's chunks, to reuse on a re-ingest."""
        rows = await self._conn.fetch(
            "SELECT embed_text, embedding, embedding_model FROM chunks"
            " WHERE document_id = $1 AND embedding IS NOT NULL",
            document_id,
        )
        return {r["embed_text"]: (bytes_to_vector(r["embedding"]), r["embedding_model"]) for r in rows}

    # reading

    async def index_rows(self, course_id: str, document_ids: Sequence[str] | None = None) -> list[Row]:
        """Chunks with what the vector index needs (text, vector, filterable fields)."""
        sql = (
            "SELECT c.id, c.document_id, c.chunk_index, c.section_position, c.heading, c.headings,"
            " c.anchor, c.text, c.embedding, c.embedding_model, d.path, d.title, d.module, d.week,"
            " d.difficulty, d.language, d.audience FROM chunks c JOIN documents d ON d.id = c.document_id"
            " WHERE c.course_id = $1 AND d.status = 'ready'"
        )
        if document_ids is None:
            return await self._conn.fetch(sql + " ORDER BY d.position, c.chunk_index", course_id)
        rows: list[Row] = []
        for document_id in document_ids:
            rows += await self._conn.fetch(
                sql + " AND c.document_id = $2 ORDER BY c.chunk_index", course_id, document_id
            )
        return rows

    async def chunk_count(self, course_id: str) -> int:
        return await self._conn.fetchval(
            "SELECT COUNT(*) FROM chunks c JOIN documents d ON d.id = c.document_id"
            " WHERE c.course_id = $1 AND d.status = 'ready'",
            course_id,
        )

    async def section_count(self, course_id: str) -> int:
        return await self._conn.fetchval(
            "SELECT COUNT(*) FROM sections s JOIN documents d ON d.id = s.document_id"
            " WHERE d.course_id = $1 AND d.status = 'ready'",
            course_id,
        )

    async def chunks_by_id(self, chunk_ids: Sequence[str]) -> list[Row]:
        rows: list[Row] = []
        for chunk_id in chunk_ids:
            row = await self._conn.fetchrow(
                "SELECT c.id, c.document_id, c.heading, c.headings, c.anchor, c.text,"
                " c.section_position, d.path, d.title, d.module, d.week FROM chunks c"
                " JOIN documents d ON d.id = c.document_id WHERE c.id = $1",
                chunk_id,
            )
            if row:
                rows.append(row)
        return rows

    async def sections(self, document_id: str) -> list[Row]:
        return await self._conn.fetch(
            "SELECT position, level, heading, headings, anchor, markdown FROM sections"
            " WHERE document_id = $1 ORDER BY position",
            document_id,
        )

    async def section_outline(self, course_id: str, max_level: int) -> list[Row]:
        return await self._conn.fetch(
            "SELECT s.document_id, s.position, s.level, s.heading, s.anchor FROM sections s"
            " JOIN documents d ON d.id = s.document_id WHERE d.course_id = $1 AND s.level BETWEEN 2"
            " AND $2 ORDER BY d.position, d.path, s.position",
            course_id,
            max_level,
        )
