-- Accounts: courses and the Discord guilds bound to them, users and how they are known,
-- profiles, enrollments with roles, API tokens for the MCP server, and the audit log.
-- Written once for both databases: JSONB and TIMESTAMPTZ become TEXT on SQLite, where
-- timestamps are fixed-width ISO-8601 UTC strings. Ids are UUID text. Timestamps are set by
-- the application (its clock can be moved in tests), so no column defaults to now().

CREATE TABLE courses (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 64),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    welcome_text TEXT NOT NULL DEFAULT '' CHECK (length(welcome_text) <= 2000),
    llm_model TEXT CHECK (llm_model IS NULL OR length(llm_model) BETWEEN 1 AND 100),
    answer_style TEXT NOT NULL DEFAULT 'balanced'
        CHECK (answer_style IN ('concise', 'balanced', 'detailed')),
    answer_mode TEXT NOT NULL DEFAULT 'auto' CHECK (answer_mode IN ('auto', 'llm', 'extractive')),
    hourly_question_quota INTEGER NOT NULL DEFAULT 100
        CHECK (hourly_question_quota BETWEEN 0 AND 100000),
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE course_guilds (
    guild_id TEXT PRIMARY KEY CHECK (length(guild_id) BETWEEN 1 AND 32),
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    bound_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX course_guilds_course_id ON course_guilds (course_id);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 255),
    email TEXT UNIQUE CHECK (email IS NULL OR length(email) BETWEEN 3 AND 255),
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE identities (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider TEXT NOT NULL CHECK (provider IN ('discord', 'email', 'local')),
    subject TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
    display_name TEXT CHECK (display_name IS NULL OR length(display_name) BETWEEN 1 AND 255),
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    UNIQUE (provider, subject)
);
CREATE INDEX identities_user_id ON identities (user_id);

CREATE TABLE user_profiles (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    experience_level TEXT
        CHECK (experience_level IN ('Beginner', 'Intermediate', 'Advanced', 'Expert')),
    programming_languages JSONB NOT NULL DEFAULT '[]',
    frameworks JSONB NOT NULL DEFAULT '[]',
    available_hardware JSONB NOT NULL DEFAULT '[]',
    robotics_hardware JSONB NOT NULL DEFAULT '[]',
    interests JSONB NOT NULL DEFAULT '[]',
    difficulty_preference TEXT NOT NULL DEFAULT 'balanced'
        CHECK (difficulty_preference IN ('gentle', 'balanced', 'challenging')),
    learning_path TEXT NOT NULL DEFAULT 'beginner' CHECK (learning_path IN ('beginner', 'advanced')),
    preferred_language TEXT NOT NULL DEFAULT 'en' CHECK (length(preferred_language) = 2),
    leaderboard_visible BOOLEAN NOT NULL DEFAULT TRUE,
    completed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE enrollments (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    role TEXT NOT NULL DEFAULT 'student' CHECK (role IN ('student', 'ta', 'instructor')),
    leaderboard_visible BOOLEAN NOT NULL DEFAULT TRUE,
    joined_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (user_id, course_id)
);
CREATE INDEX enrollments_course_id ON enrollments (course_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    hint TEXT NOT NULL,
    scopes JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX api_tokens_user_id ON api_tokens (user_id);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    event TEXT NOT NULL CHECK (event IN (
        'sign_in', 'token_created', 'token_revoked', 'token_verify_failed', 'token_new_place',
        'export', 'forget', 'role_changed', 'leaderboard_visibility_changed', 'profile_changed'
    )),
    surface TEXT NOT NULL CHECK (surface IN ('cli', 'discord', 'mcp', 'http', 'system')),
    details JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_log_user_id ON audit_log (user_id);
CREATE INDEX audit_log_created_at ON audit_log (created_at);
CREATE INDEX audit_log_event ON audit_log (event);
