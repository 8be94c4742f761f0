"""Field types that read the same from SQLite (JSON as text, 0/1) and PostgreSQL."""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import BeforeValidator


def _from_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


JsonList = Annotated[list[str], BeforeValidator(_from_json)]
JsonDict = Annotated[dict[str, Any], BeforeValidator(_from_json)]
