"""A public bot message that carries a student's words, and where it lives."""

from __future__ import annotations

from core.models.accounts import Record


class PublicPost(Record):
    id: str
    guild_id: str | None
    channel_id: str
    message_id: str

    @property
    def link(self) -> str:
        """The message's address, as Discord's "Copy Message Link" gives it."""
        return f"https://discord.com/channels/{self.guild_id or '@me'}/{self.channel_id}/{self.message_id}"
