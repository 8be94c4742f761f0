-- What the Discord front end needs from the core: where the course's book is published (citations
-- become links) and where its source lives (so an instructor can re-ingest it from Discord), each
-- bound guild's leaderboard channel and the last week posted there (so shards and restarts never
-- post a week twice), and when a student last used each course (a DM goes to that course).

ALTER TABLE courses ADD COLUMN book_url TEXT CHECK (book_url IS NULL OR length(book_url) BETWEEN 8 AND 500);
ALTER TABLE courses ADD COLUMN book_path TEXT CHECK (book_path IS NULL OR length(book_path) BETWEEN 1 AND 1000);

ALTER TABLE course_guilds ADD COLUMN leaderboard_channel_id TEXT
    CHECK (leaderboard_channel_id IS NULL OR length(leaderboard_channel_id) BETWEEN 1 AND 32);
ALTER TABLE course_guilds ADD COLUMN last_posted_week TEXT;

ALTER TABLE enrollments ADD COLUMN last_active_at TIMESTAMPTZ;
CREATE INDEX enrollments_user_last_active ON enrollments (user_id, last_active_at);
