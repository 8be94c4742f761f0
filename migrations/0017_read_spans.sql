-- Which stretches of a chapter a student has read, as a JSON list of [start, end] character
-- offsets into the chapter's Markdown. Reading recorded from the MCP server counts the text it
-- returned; the union of these spans, not the furthest offset reached, is the chapter's share read.

ALTER TABLE reading_progress ADD COLUMN read_spans TEXT NOT NULL DEFAULT '[]';
