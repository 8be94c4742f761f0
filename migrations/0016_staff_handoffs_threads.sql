-- Answers that reach people: where a server's staff take questions the book could not answer
-- ("Ask a TA"), each question a student handed to them (so /class unanswered can say so, and a
-- second press hands nothing over twice), a course's choice to answer each /ask in a thread of
-- its own, and which conversation each such thread carries on.

ALTER TABLE course_guilds ADD COLUMN staff_channel_id TEXT
    CHECK (staff_channel_id IS NULL OR length(staff_channel_id) BETWEEN 1 AND 32);

ALTER TABLE courses ADD COLUMN answer_threads BOOLEAN NOT NULL DEFAULT FALSE;

-- One hand-over per answer: the unique answer id makes a repeated press a no-op. It goes with the
-- answer (deleted conversation, forgotten student); the post in the staff channel is remembered in
-- public_posts, so the bot takes it down then too.
CREATE TABLE handoffs (
    id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel_id TEXT CHECK (channel_id IS NULL OR length(channel_id) BETWEEN 1 AND 32),
    post_id TEXT CHECK (post_id IS NULL OR length(post_id) BETWEEN 1 AND 32),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX handoffs_course_id ON handoffs (course_id, created_at);

-- A Discord thread opened for one question: follow-ups asked there continue its conversation.
CREATE TABLE conversation_threads (
    thread_id TEXT PRIMARY KEY CHECK (length(thread_id) BETWEEN 1 AND 32),
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX conversation_threads_conversation_id ON conversation_threads (conversation_id);
