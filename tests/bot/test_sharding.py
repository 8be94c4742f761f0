"""Which courses a bot process warms: only those bound to servers its shards serve."""

from __future__ import annotations

from bot.__main__ import _warm
from bot.sharding import serves, shard_of

# Discord's rule: a server's shard is (server id >> 22) % shard count.
ON_SHARD_0 = 0 << 22 | 123
ON_SHARD_1 = 1 << 22 | 456
ON_SHARD_3 = 3 << 22 | 789


def test_a_servers_shard_follows_discords_rule() -> None:
    assert [shard_of(g, 4) for g in (ON_SHARD_0, ON_SHARD_1, ON_SHARD_3)] == [0, 1, 3]
    assert shard_of(ON_SHARD_3, 2) == 1
    assert shard_of(1234567890123456789, 16) == (1234567890123456789 >> 22) % 16


def test_a_process_serves_only_its_own_shards() -> None:
    assert serves(ON_SHARD_1, shard_count=4, shard_ids=[1, 3])
    assert serves(ON_SHARD_3, shard_count=4, shard_ids=[1, 3])
    assert not serves(ON_SHARD_0, shard_count=4, shard_ids=[1, 3])
    # Without --shard-ids (or without --shards: auto-sharded) this process runs every shard.
    assert serves(ON_SHARD_0, shard_count=4, shard_ids=None)
    assert serves(ON_SHARD_0, shard_count=None, shard_ids=None)
    assert serves(str(ON_SHARD_3), shard_count=4, shard_ids=[3])  # as the database keeps it
    assert not serves(str(ON_SHARD_3), shard_count=4, shard_ids=[0])


async def test_warming_loads_only_the_books_of_this_processs_servers(book_app, monkeypatch) -> None:
    await book_app.courses.get_or_create("other", "Another class")
    await book_app.courses.get_or_create("unbound", "A class with no server")
    await book_app.courses.bind_guild("sample", str(ON_SHARD_0))
    await book_app.courses.bind_guild("other", str(ON_SHARD_1))
    warmed: list[str] = []

    async def warm(course) -> None:
        warmed.append(course.slug)

    monkeypatch.setattr(book_app.library, "warm", warm)
    # "sample" is also bound to the test server, which is on shard 3 of 4.
    for shard_ids, expected in (([1], ["other"]), ([0], ["sample"]), ([3], ["sample"]), ([2], [])):
        warmed.clear()
        await _warm(book_app, shard_count=4, shard_ids=shard_ids)
        assert warmed == expected, shard_ids
    warmed.clear()
    await _warm(book_app)  # one process for every shard
    assert sorted(warmed) == ["other", "sample"]
