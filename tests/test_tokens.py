"""API tokens over both databases."""

from __future__ import annotations

import asyncio
import hashlib

import pytest

from core.app import App
from core.errors import AuthenticationFailed, InvalidInput, NotFound, PermissionDenied
from core.tokens import MAX_ACTIVE_TOKENS


@pytest.fixture
async def owner(app: App):
    return await app.accounts.resolve("discord", "123123123123123123", "Owner")


async def test_secret_is_shown_once_and_only_its_hash_is_stored(app: App, owner) -> None:
    new = await app.tokens.create(owner.id, "laptop")
    assert new.token.startswith("sth_") and len(new.token) > 40
    assert new.record.scopes == ["read", "progress:write"]
    async with app.store.read() as s:
        row = await s.conn.fetchrow("SELECT * FROM api_tokens WHERE id = $1", new.record.id)
    assert row["token_hash"] == hashlib.sha256(new.token.encode()).hexdigest()
    assert new.token not in str(row)


async def test_verify_records_use_and_checks_scopes(app: App, owner, clock) -> None:
    new = await app.tokens.create(owner.id, "reader", scopes=["read"])
    user, record = await app.tokens.verify(new.token, required_scopes=["read"])
    assert user.id == owner.id and record.last_used_at == clock.now
    with pytest.raises(PermissionDenied, match="progress:write"):
        await app.tokens.verify(new.token, required_scopes=["progress:write"])
    clock.advance(seconds=10)
    await app.tokens.verify(new.token)
    (listed,) = await app.tokens.list(owner.id)
    assert listed.last_used_at < clock.now  # written at most once a minute
    clock.advance(minutes=2)
    await app.tokens.verify(new.token)
    (listed,) = await app.tokens.list(owner.id)
    assert listed.last_used_at == clock.now


@pytest.mark.parametrize("presented", ["", "sth_", "nonsense", "sth_" + "A" * 43, "x" * 5000])
async def test_unknown_tokens_fail_and_are_counted_not_audited(app: App, presented: str, clock) -> None:
    for _ in range(3):
        with pytest.raises(AuthenticationFailed):
            await app.tokens.verify(presented, surface="http", client="192.0.2.7")
    async with app.store.read() as s:
        assert await s.audit.recent(event="token_verify_failed") == []
        minutes = await s.auth_failures.since("192.0.2.7", clock.now.replace(second=0, microsecond=0))
    assert [count for _, count in minutes] == [3]  # one row for the client and minute


async def test_expired_and_revoked_tokens_fail(app: App, owner, clock) -> None:
    short = await app.tokens.create(owner.id, "short", expires_days=1)
    keep = await app.tokens.create(owner.id, "keep")
    clock.advance(days=1, seconds=1)
    with pytest.raises(AuthenticationFailed, match="expired"):
        await app.tokens.verify(short.token)
    revoked = await app.tokens.revoke(owner.id, keep.record.id[:8])
    assert revoked.revoked_at == clock.now
    with pytest.raises(AuthenticationFailed, match="revoked"):
        await app.tokens.verify(keep.token)
    async with app.store.read() as s:
        events = [e.event for e in await s.audit.for_user(owner.id)]
    assert events.count("token_created") == 2
    assert events.count("token_revoked") == 1
    assert events.count("token_verify_failed") == 2


async def test_a_user_revokes_only_their_own(app: App, owner) -> None:
    other = await app.accounts.resolve("discord", "321321321321321321", "Other")
    theirs = await app.tokens.create(other.id, "theirs")
    with pytest.raises(NotFound):
        await app.tokens.revoke(owner.id, theirs.record.id)
    with pytest.raises(InvalidInput):
        await app.tokens.revoke(owner.id, "ab")
    await app.tokens.verify(theirs.token)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": ""}, "token name"),
        ({"name": "n" * 101}, "token name"),
        ({"name": "ok", "scopes": ["admin"]}, "scope"),
        ({"name": "ok", "scopes": []}, "scope"),
        ({"name": "ok", "expires_days": 0}, "expiry in days"),
        ({"name": "ok", "expires_days": 99999}, "expiry in days"),
    ],
)
async def test_bad_token_requests(app: App, owner, kwargs, field) -> None:
    kwargs = dict(kwargs)
    name = kwargs.pop("name")
    with pytest.raises(InvalidInput) as err:
        await app.tokens.create(owner.id, name, **kwargs)
    assert err.value.field == field


async def test_active_token_cap(app: App, owner) -> None:
    await asyncio.gather(*(app.tokens.create(owner.id, f"t{i}") for i in range(MAX_ACTIVE_TOKENS)))
    with pytest.raises(InvalidInput, match="revoke one"):
        await app.tokens.create(owner.id, "one too many")


async def test_concurrent_verification(app: App, owner) -> None:
    new = await app.tokens.create(owner.id, "busy")
    results = await asyncio.gather(*(app.tokens.verify(new.token) for _ in range(50)))
    assert {user.id for user, _ in results} == {owner.id}
