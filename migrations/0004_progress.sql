-- Learning progress: the units of each course's book, instructor-written and generated quizzes,
-- reading progress per chapter, progress per unit, every quiz attempt, weekly leaderboard
-- snapshots and recommendations. Each enrollment keeps its leaderboard standing (course
-- completion, quiz average, when it got there) so a board of thousands is one indexed read.

CREATE TABLE units (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    unit_key TEXT NOT NULL CHECK (length(unit_key) BETWEEN 1 AND 64),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 255),
    kind TEXT NOT NULL CHECK (kind IN ('week', 'module')),
    position INTEGER NOT NULL,
    chapters JSONB NOT NULL,
    UNIQUE (course_id, unit_key)
);

CREATE TABLE quizzes (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    unit_key TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('file', 'generated')),
    title TEXT NOT NULL,
    questions JSONB NOT NULL,
    source_hash TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (course_id, unit_key, source)
);

CREATE TABLE reading_progress (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    chapter TEXT NOT NULL,
    completion_pct INTEGER NOT NULL CHECK (completion_pct BETWEEN 0 AND 100),
    time_spent_s INTEGER NOT NULL DEFAULT 0 CHECK (time_spent_s >= 0),
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (user_id, course_id, chapter)
);
CREATE INDEX reading_progress_course_id ON reading_progress (course_id);

CREATE TABLE progress (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    unit_key TEXT NOT NULL,
    completed BOOLEAN NOT NULL DEFAULT FALSE,
    completed_at TIMESTAMPTZ,
    completion_pct INTEGER NOT NULL DEFAULT 0 CHECK (completion_pct BETWEEN 0 AND 100),
    time_spent_s INTEGER NOT NULL DEFAULT 0 CHECK (time_spent_s >= 0),
    best_quiz_score REAL CHECK (best_quiz_score IS NULL OR best_quiz_score BETWEEN 0 AND 100),
    last_quiz_score REAL CHECK (last_quiz_score IS NULL OR last_quiz_score BETWEEN 0 AND 100),
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (user_id, course_id, unit_key)
);
CREATE INDEX progress_course_id ON progress (course_id, unit_key);

CREATE TABLE quiz_attempts (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    unit_key TEXT NOT NULL,
    quiz_source TEXT NOT NULL,
    score REAL NOT NULL CHECK (score BETWEEN 0 AND 100),
    answers JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX quiz_attempts_user_id ON quiz_attempts (user_id, course_id);
CREATE INDEX quiz_attempts_course_id ON quiz_attempts (course_id, created_at);

CREATE TABLE leaderboard_snapshots (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    week_start TEXT NOT NULL CHECK (length(week_start) = 10),
    rows JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (course_id, week_start)
);

CREATE TABLE recommendations (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    chapter TEXT NOT NULL,
    score REAL NOT NULL CHECK (score BETWEEN 0 AND 1),
    reason TEXT NOT NULL,
    dismissed BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX recommendations_user_id ON recommendations (user_id, course_id, created_at);

ALTER TABLE courses ADD COLUMN leaderboard_day INTEGER NOT NULL DEFAULT 0;

ALTER TABLE enrollments ADD COLUMN completion REAL NOT NULL DEFAULT 0;
ALTER TABLE enrollments ADD COLUMN quiz_average REAL NOT NULL DEFAULT 0;
ALTER TABLE enrollments ADD COLUMN reached_at TIMESTAMPTZ;
-- In board order, so the top of a board of thousands is read straight off the index.
CREATE INDEX enrollments_standing
    ON enrollments (course_id, role, completion DESC, quiz_average DESC, reached_at, user_id);
