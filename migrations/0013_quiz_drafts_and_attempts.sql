-- Quizzes the LLM writes are drafts until the course's staff publish them: students neither see
-- nor take a draft. Quizzes generated before this migration stay published, as they were.
ALTER TABLE quizzes ADD COLUMN published BOOLEAN NOT NULL DEFAULT TRUE;

-- Each attempt remembers which version of the quiz it answered (per-question results compare
-- answers with that version only), and the submission it came from: a second press of the same
-- last answer on the same quiz message is the same submission, and the unique index keeps it to
-- one attempt even when both presses arrive at once. Older attempts have neither (NULLs differ).
ALTER TABLE quiz_attempts ADD COLUMN quiz_revision TEXT;
ALTER TABLE quiz_attempts ADD COLUMN submission_key TEXT;
CREATE UNIQUE INDEX quiz_attempts_submission ON quiz_attempts (user_id, course_id, submission_key);
