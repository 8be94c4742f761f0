"""Book ingestion: Markdown/MDX files -> documents, sections and chunks (no database)."""
