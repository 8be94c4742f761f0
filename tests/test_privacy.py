"""Export everything about a user; forget leaves nothing but anonymous audit events."""

from __future__ import annotations

import json

from core.app import App
from core.store.user_data import USER_TABLES


async def _busy_user(app: App):
    course = await app.courses.create("priv", "Privacy 101")
    user = await app.accounts.resolve("discord", "135791357913579135", "Pat")
    await app.accounts.update_profile(user.id, experience_level="Advanced", interests=["slam"])
    await app.accounts.enroll(user.id, course.id)
    await app.accounts.set_role(user.id, course.id, "ta", surface="cli")
    token = await app.tokens.create(user.id, "laptop")
    return user, course, token


async def test_export_holds_every_row_and_no_secret(app: App) -> None:
    user, course, token = await _busy_user(app)
    bystander = await app.accounts.resolve("discord", "246802468024680246", "Sam")
    await app.accounts.enroll(bystander.id, course.id)
    data = await app.privacy.export(user.id)
    text = json.dumps(data)
    assert data["user"]["id"] == user.id and data["user"]["is_active"] is True
    assert data["identities"][0]["subject"] == "135791357913579135"
    assert data["user_profiles"][0]["interests"] == ["slam"]
    assert data["enrollments"][0]["role"] == "ta"
    assert data["api_tokens"][0]["scopes"] == ["read", "progress:write"]
    assert "token_hash" not in data["api_tokens"][0] and token.token not in text
    assert {e["event"] for e in data["audit_log"]} >= {"token_created", "role_changed", "profile_changed"}
    assert bystander.id not in text
    assert set(USER_TABLES) <= set(data)


async def test_forget_leaves_nothing_behind(app: App) -> None:
    user, course, token = await _busy_user(app)
    bystander = await app.accounts.resolve("discord", "246802468024680246", "Sam")
    await app.accounts.enroll(bystander.id, course.id)
    audit_before = await _count(app, "SELECT COUNT(*) FROM audit_log")
    removed = await app.privacy.forget(user.id)
    assert removed["identities"] == 1 and removed["api_tokens"] == 1
    for table in USER_TABLES:
        assert await _count(app, f"SELECT COUNT(*) FROM {table} WHERE user_id = $1", user.id) == 0
    assert await _count(app, "SELECT COUNT(*) FROM users WHERE id = $1", user.id) == 0
    # the events stay, nameless, plus the forget itself
    assert await _count(app, "SELECT COUNT(*) FROM audit_log") == audit_before + 1
    async with app.store.read() as s:
        everything = json.dumps([dict(r) for r in await s.conn.fetch("SELECT * FROM audit_log")], default=str)
    assert user.id not in everything and "Pat" not in everything
    # the bystander and the course are untouched
    assert (await app.accounts.enrollment(bystander.id, course.id)) is not None
    assert await app.accounts.find("discord", "246802468024680246")
    # and the same Discord user starts afresh next time
    again = await app.accounts.resolve("discord", "135791357913579135", "Pat")
    assert again.id != user.id


async def _count(app: App, sql: str, *args) -> int:
    async with app.store.read() as s:
        return await s.conn.fetchval(sql, *args)
