-- Course-scoped access: a token may be bound to one course (NULL: any course its owner belongs
-- to), and each enrollment keeps the name the member goes by in that course's Discord server
-- (a server nickname), so a student in two servers is shown by each server's own name.

ALTER TABLE api_tokens ADD COLUMN course_id TEXT REFERENCES courses (id) ON DELETE CASCADE;

ALTER TABLE enrollments ADD COLUMN display_name TEXT
    CHECK (display_name IS NULL OR length(display_name) BETWEEN 1 AND 255);
