"""Helpers shared by CLI subcommands."""

from __future__ import annotations

import json
import sys
from typing import Any

from core import validation
from core.app import App
from core.models.accounts import User


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


async def user_by_discord_id(app: App, discord_id: str) -> User:
    """An existing user known by this Discord id (NotFound otherwise)."""
    return await app.accounts.find("discord", validation.discord_id(discord_id))


async def user_for_discord_id(app: App, discord_id: str) -> User:
    """The user of this Discord id, made now if they never used Studyhall."""
    subject = validation.discord_id(discord_id)
    return await app.accounts.resolve("discord", subject, f"discord:{subject}")
