"""API tokens for the MCP server: shown once, stored as SHA-256, checked in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import timedelta

from core import validation
from core.auth_failures import AuthFailures
from core.clock import Clock, utcnow
from core.errors import AuthenticationFailed, InvalidInput, NotFound, PermissionDenied
from core.models.accounts import ALL_SCOPES, ApiToken, NewToken, User
from core.store.session import Store

PREFIX = "sth_"
SECRET_BYTES = 32
MAX_ACTIVE_TOKENS = 25
MAX_EXPIRY_DAYS = 3650
# last_used_at is written at most this often per token: verification stays a read.
USE_RECORDED_EVERY = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Tokens:
    def __init__(self, store: Store, clock: Clock = utcnow, failures: AuthFailures | None = None):
        self._store = store
        self._clock = clock
        self.failures = failures or AuthFailures(store, clock)

    async def create(
        self,
        user_id: str,
        name: str,
        *,
        scopes: Iterable[str] = ALL_SCOPES,
        expires_days: int | None = None,
        surface: str = "cli",
        course_id: str | None = None,
    ) -> NewToken:
        """A new token; with `course_id` it works on that course's MCP server only."""
        name = validation.text("token name", name, max_chars=100)
        picked = validation.choices("scope", scopes, ALL_SCOPES)
        if not picked:
            raise InvalidInput("scope", f"Give at least one scope: {', '.join(ALL_SCOPES)}.")
        if expires_days is not None:
            validation.whole_number("expiry in days", expires_days, 1, MAX_EXPIRY_DAYS)
        now = self._clock()
        expires_at = now + timedelta(days=expires_days) if expires_days else None
        token = PREFIX + secrets.token_urlsafe(SECRET_BYTES)
        async with self._store.transaction() as s:
            if await s.users.get(user_id) is None:
                raise NotFound("user", user_id)
            if course_id is not None and await s.courses.get(course_id) is None:
                raise NotFound("course", course_id)
            active = [t for t in await s.tokens.for_user(user_id) if t.state(now) == "active"]
            if len(active) >= MAX_ACTIVE_TOKENS:
                raise InvalidInput(
                    "token", f"You already have {MAX_ACTIVE_TOKENS} active tokens; revoke one first."
                )
            record = await s.tokens.insert(
                user_id, name, hash_token(token), token[-4:], picked, expires_at, now, course_id
            )
            await s.audit.record(
                "token_created",
                surface,
                now,
                user_id=user_id,
                details={
                    "token_id": record.id,
                    "name": name,
                    "scopes": picked,
                    "expires_at": expires_at.isoformat() if expires_at else None,
                    "course_id": course_id,
                },
            )
        return NewToken(token=token, record=record)

    async def verify(
        self,
        token: str,
        *,
        surface: str = "http",
        required_scopes: Iterable[str] = (),
        client: str | None = None,
    ) -> tuple[User, ApiToken]:
        """The token's owner and record; AuthenticationFailed or PermissionDenied otherwise."""
        now = self._clock()
        presented = (token or "").strip()
        found, user = None, None
        if presented.startswith(PREFIX) and len(presented) < 200:
            async with self._store.read() as s:
                found = await s.tokens.get_by_hash(hash_token(presented))
                user = await s.users.get(found[0].user_id) if found else None
        # compare_digest keeps the final comparison constant-time even though lookup was by hash.
        if found is None or not hmac.compare_digest(found[1], hash_token(presented)) or user is None:
            await self._failed(None, "unknown token", surface, client)
            raise AuthenticationFailed("unknown token")
        record = found[0]
        state = record.state(now)
        if state != "active":
            await self._failed(record, f"{state} token", surface, client)
            raise AuthenticationFailed(f"this token is {state}")
        missing = [scope for scope in required_scopes if scope not in record.scopes]
        if missing:
            raise PermissionDenied(f"This token lacks the scope(s): {', '.join(missing)}.")
        if record.last_used_at is None or now - record.last_used_at >= USE_RECORDED_EVERY:
            async with self._store.transaction() as s:
                await s.tokens.touch(record.id, now, now - USE_RECORDED_EVERY)
            record = record.model_copy(update={"last_used_at": now})
        return user, record

    async def list(self, user_id: str) -> list[ApiToken]:
        async with self._store.read() as s:
            return await s.tokens.for_user(user_id)

    async def revoke(self, user_id: str, token_id: str, *, surface: str = "cli") -> ApiToken:
        """Revoke one of the user's own tokens, named by its id (or an unambiguous prefix)."""
        wanted = token_id.strip()
        if len(wanted) < 4:
            raise InvalidInput("token id", "Give at least the first 4 characters of the token id.")
        now = self._clock()
        async with self._store.transaction() as s:
            matches = [t for t in await s.tokens.for_user(user_id) if t.id.startswith(wanted)]
            if not matches:
                raise NotFound("token", wanted, "List your tokens to see their ids.")
            if len(matches) > 1:
                raise InvalidInput(
                    "token id", f"{wanted!r} matches {len(matches)} tokens; give more of the id."
                )
            record = matches[0]
            if await s.tokens.revoke(record.id, now):
                await s.audit.record(
                    "token_revoked",
                    surface,
                    now,
                    user_id=user_id,
                    details={"token_id": record.id, "name": record.name},
                )
            revoked = await s.tokens.get(record.id)
        assert revoked is not None
        return revoked

    async def _failed(
        self, record: ApiToken | None, reason: str, surface: str, client: str | None = None
    ) -> None:
        """Count the failure for its client (one row per client and minute); audit it only when the
        token is known (expired or revoked), for its owner, with the address it came from."""
        await self.failures.count(client, reason)
        if record is None:
            return
        async with self._store.transaction() as s:
            await s.audit.record(
                "token_verify_failed",
                surface,
                self._clock(),
                user_id=record.user_id,
                details={"reason": reason, "token_id": record.id, "client": client},
            )
