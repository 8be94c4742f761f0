"""Primary keys: UUID text everywhere, made by the application."""

from __future__ import annotations

import uuid


def new_id() -> str:
    return str(uuid.uuid4())
