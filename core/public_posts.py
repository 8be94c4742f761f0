"""The public messages a front end posted with a student's words in them: remembered when posted,
handed back when the student deletes the conversation or is forgotten, so the front end can take
them down (the core cannot reach Discord; the bot can, with its own channel API)."""

from __future__ import annotations

from collections.abc import Iterable

from core.clock import Clock, utcnow
from core.models.posts import PublicPost
from core.store.session import Store

SWEEP_BATCH = 50  # orphaned posts taken down per pass, so one pass stays short


class PublicPosts:
    def __init__(self, store: Store, clock: Clock = utcnow):
        self._store = store
        self._clock = clock

    async def remember(
        self,
        user_id: str,
        conversation_id: str,
        *,
        guild_id: str | None,
        channel_id: str,
        message_id: str,
    ) -> None:
        async with self._store.transaction() as s:
            await s.public_posts.insert(
                user_id, conversation_id, guild_id, channel_id, message_id, self._clock()
            )

    async def of_user(self, user_id: str) -> list[PublicPost]:
        async with self._store.read() as s:
            return await s.public_posts.of_user(user_id)

    async def of_conversation(self, user_id: str, conversation_id: str) -> list[PublicPost]:
        """Only the owner's: someone else's conversation id yields nothing."""
        async with self._store.read() as s:
            return await s.public_posts.of_conversation(user_id, conversation_id)

    async def orphaned(self, limit: int = SWEEP_BATCH) -> list[PublicPost]:
        """Posts left behind by a forget or a delete made where no bot could act (the CLI, MCP)."""
        async with self._store.read() as s:
            return await s.public_posts.orphaned(limit)

    async def taken_down(self, posts: Iterable[PublicPost]) -> None:
        """Done with these: deleted from Discord, already gone, or beyond the bot's reach."""
        async with self._store.transaction() as s:
            await s.public_posts.delete([p.id for p in posts])
