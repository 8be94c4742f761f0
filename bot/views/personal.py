"""Buttons that belong to one person: the owner rides in the custom_id (so it survives a restart),
and a press by anyone else is refused in words."""

from __future__ import annotations

import discord

from core.errors import PermissionDenied

OWNER_PATTERN = "[0-9a-z]{1,13}"  # a Discord id (64 bits) in base 36
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def owner_key(user_id: int) -> str:
    """A Discord user id, compactly (base 36)."""
    value, out = int(user_id), ""
    while True:
        value, digit = divmod(value, 36)
        out = _DIGITS[digit] + out
        if value == 0:
            return out


def require_owner(interaction: discord.Interaction, owner: str, what: str, command: str) -> None:
    if owner_key(interaction.user.id) != owner:
        raise PermissionDenied(f"This {what} belongs to someone else: open your own with /{command}.")
