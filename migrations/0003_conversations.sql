-- Conversations with the book, the answers given (with citations), feedback on them, shared
-- question quotas, usage counters for instructors, and cached LLM output (explanations,
-- translations) that a changed section invalidates.

CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    surface TEXT NOT NULL CHECK (surface IN ('discord', 'mcp', 'cli')),
    channel_ref TEXT CHECK (channel_ref IS NULL OR length(channel_ref) <= 100),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 51),
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX conversations_user_id ON conversations (user_id, updated_at);
CREATE INDEX conversations_course_id ON conversations (course_id);

CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content TEXT NOT NULL CHECK (length(content) BETWEEN 1 AND 10000),
    citations JSONB NOT NULL DEFAULT '[]',
    mode TEXT NOT NULL DEFAULT 'global' CHECK (mode IN ('global', 'local', 'selected')),
    answer_mode TEXT CHECK (answer_mode IS NULL OR answer_mode IN ('llm', 'extractive')),
    covered BOOLEAN,
    selected_text TEXT CHECK (selected_text IS NULL OR length(selected_text) <= 4000),
    unit TEXT,
    latency_ms INTEGER CHECK (latency_ms IS NULL OR latency_ms >= 0),
    model TEXT,
    input_tokens INTEGER NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
    output_tokens INTEGER NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX messages_conversation_id ON messages (conversation_id, created_at);
CREATE INDEX messages_user_id ON messages (user_id);

CREATE TABLE feedback (
    id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    comment TEXT CHECK (comment IS NULL OR length(comment) <= 1000),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (message_id, user_id)
);
CREATE INDEX feedback_user_id ON feedback (user_id);

CREATE TABLE rate_limit_windows (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    bucket TEXT NOT NULL CHECK (length(bucket) BETWEEN 1 AND 32),
    window_start TIMESTAMPTZ NOT NULL,
    count INTEGER NOT NULL CHECK (count >= 0),
    UNIQUE (user_id, course_id, bucket, window_start)
);
CREATE INDEX rate_limit_windows_course_id ON rate_limit_windows (course_id);
CREATE INDEX rate_limit_windows_window_start ON rate_limit_windows (window_start);

CREATE TABLE usage_events (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    metric TEXT NOT NULL CHECK (metric IN (
        'question', 'answer', 'not_covered', 'input_tokens', 'output_tokens', 'retrieval',
        'llm_fallback', 'error'
    )),
    subject TEXT,
    value INTEGER NOT NULL DEFAULT 1,
    metadata JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX usage_events_course_metric ON usage_events (course_id, metric, created_at);
CREATE INDEX usage_events_user_id ON usage_events (user_id);

CREATE TABLE generated_content (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('explanation', 'translation', 'quiz')),
    cache_key TEXT NOT NULL,
    source_hash TEXT NOT NULL,
    content TEXT NOT NULL,
    metadata JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ,
    UNIQUE (course_id, kind, cache_key)
);
CREATE INDEX generated_content_user_id ON generated_content (user_id);
CREATE INDEX generated_content_expires_at ON generated_content (expires_at);
