"""Which servers a bot process serves when the shards are split over several processes
(--shards N --shard-ids ...): Discord sends a server's events to shard (server id >> 22) % N."""

from __future__ import annotations

from collections.abc import Collection


def shard_of(guild_id: int, shard_count: int) -> int:
    return (guild_id >> 22) % shard_count


def serves(guild_id: int | str, *, shard_count: int | None, shard_ids: Collection[int] | None) -> bool:
    """Whether this process's shards serve the server (given as stored: a string of digits);
    without --shard-ids it runs every shard. An id that is not a number is not left out."""
    if not shard_count or shard_ids is None or not str(guild_id).isdigit():
        return True
    return shard_of(int(guild_id), shard_count) in shard_ids
