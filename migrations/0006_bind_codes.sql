-- One-time codes the operator makes (`studyhall course bind-code SLUG`) so that someone who is not
-- yet an instructor can bind a Discord server to an existing course. Only the code's SHA-256 is
-- kept; a code expires, and is used once: the use is one UPDATE that sets used_at, so two
-- concurrent uses give one winner on either database.

CREATE TABLE bind_codes (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL UNIQUE CHECK (length(code_hash) = 64),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    used_guild_id TEXT CHECK (used_guild_id IS NULL OR length(used_guild_id) BETWEEN 1 AND 32)
);
CREATE INDEX bind_codes_course_id ON bind_codes (course_id);
CREATE INDEX bind_codes_expires_at ON bind_codes (expires_at);

-- The audit log learns the binding events. SQLite cannot change a CHECK constraint in place, so the
-- table is rebuilt the same way on both databases (same columns, rows and indexes).
CREATE TABLE audit_log_new (
    id TEXT PRIMARY KEY,
    user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    event TEXT NOT NULL CHECK (event IN (
        'sign_in', 'token_created', 'token_revoked', 'token_verify_failed', 'token_new_place',
        'export', 'forget', 'role_changed', 'leaderboard_visibility_changed', 'profile_changed',
        'guild_bound', 'bind_code_created', 'bind_code_used', 'bind_code_refused'
    )),
    surface TEXT NOT NULL CHECK (surface IN ('cli', 'discord', 'mcp', 'http', 'system')),
    details JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL
);
INSERT INTO audit_log_new (id, user_id, event, surface, details, created_at)
    SELECT id, user_id, event, surface, details, created_at FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_user_id ON audit_log (user_id);
CREATE INDEX audit_log_created_at ON audit_log (created_at);
CREATE INDEX audit_log_event ON audit_log (event);
