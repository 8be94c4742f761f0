-- Whether a unit a student merely marked complete counts on the leaderboard. Off by default: the
-- board then counts a unit only when reading (90 % of it) or a quiz attempt backs it.

ALTER TABLE courses ADD COLUMN self_marked_counts BOOLEAN NOT NULL DEFAULT FALSE;
