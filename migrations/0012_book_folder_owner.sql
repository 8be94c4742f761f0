-- Who set a course's book folder. Discord staff may only pick folders under the books root; the
-- operator (CLI) may name any folder of the host. Discord's /book ingest reads a folder outside
-- the root only when the operator set it. Folders saved before this migration count as not set
-- by the operator: if they lie outside the root, the operator sets them again from the CLI.
ALTER TABLE courses ADD COLUMN book_path_by_operator BOOLEAN NOT NULL DEFAULT FALSE;
