-- Staff-only parts of the book (solutions, rubrics, teacher guides). Each document keeps the
-- audience its file or folder declares (front matter `audience: staff`, a `_category_` file) and
-- the audience in force once the course's `staff_only` patterns are applied on top; the second is
-- recomputed whenever the patterns change, with nothing re-embedded.

ALTER TABLE documents ADD COLUMN declared_audience TEXT NOT NULL DEFAULT 'all'
    CHECK (declared_audience IN ('all', 'staff'));
ALTER TABLE documents ADD COLUMN audience TEXT NOT NULL DEFAULT 'all' CHECK (audience IN ('all', 'staff'));

ALTER TABLE courses ADD COLUMN staff_only JSONB NOT NULL DEFAULT '[]';
