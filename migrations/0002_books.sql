-- The book: one row per file, its sections (for reading) and its chunks (for retrieval), with
-- each chunk's stored embedding so any process can rebuild its vector index without the model.
-- book_state.revision grows whenever a course's book changes; processes compare it with the
-- revision their in-memory index was built from.

CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    path TEXT NOT NULL CHECK (length(path) BETWEEN 1 AND 1024),
    title TEXT NOT NULL,
    content_hash TEXT NOT NULL CHECK (length(content_hash) = 64),
    status TEXT NOT NULL CHECK (status IN ('processing', 'ready', 'error')),
    error TEXT,
    position INTEGER NOT NULL DEFAULT 0,
    module TEXT,
    module_label TEXT,
    week INTEGER CHECK (week IS NULL OR week BETWEEN 1 AND 52),
    difficulty TEXT,
    language TEXT NOT NULL DEFAULT 'en',
    metadata JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (course_id, path)
);

CREATE TABLE sections (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 6),
    heading TEXT NOT NULL,
    headings JSONB NOT NULL,
    anchor TEXT NOT NULL,
    markdown TEXT NOT NULL,
    UNIQUE (document_id, position)
);

CREATE TABLE chunks (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    chunk_index INTEGER NOT NULL,
    section_position INTEGER NOT NULL,
    heading TEXT NOT NULL,
    headings JSONB NOT NULL,
    anchor TEXT NOT NULL,
    text TEXT NOT NULL,
    embed_text TEXT NOT NULL,
    token_count INTEGER NOT NULL CHECK (token_count >= 0),
    has_code BOOLEAN NOT NULL,
    embedding BYTEA,
    embedding_model TEXT,
    UNIQUE (document_id, chunk_index)
);
CREATE INDEX chunks_course_id ON chunks (course_id);

CREATE TABLE book_state (
    course_id TEXT PRIMARY KEY REFERENCES courses (id) ON DELETE CASCADE,
    revision INTEGER NOT NULL DEFAULT 0,
    book_path TEXT,
    embedding_model TEXT,
    ingested_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL
);
