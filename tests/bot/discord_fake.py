"""Discord's HTTP side, played locally: the real discord.py HTTPClient talks to this session, which
records every request and answers the way Discord does (see PLATFORM_NOTES.md)."""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

APP_ID = 900000000000000001
BOT_USER = {
    "id": str(APP_ID),
    "username": "Studyhall",
    "discriminator": "0",
    "global_name": "Studyhall",
    "avatar": None,
    "bot": True,
}
API_PREFIX = "/api/v10"
EPOCH = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # Discord's wall time when the fake's clock reads 0
TOKEN_LIFETIME = 15 * 60  # an interaction's token works for 15 minutes after it was created
CALLBACK_DEADLINE = 3.0  # and its first response must come within 3 seconds
INVALID_TOKEN = {"message": "Invalid Webhook Token", "code": 50027}
UNKNOWN_INTERACTION = {"message": "Unknown interaction", "code": 10062}
# Discord's 5xx bodies: its own JSON for 500 and 503, Cloudflare's HTML page for 502.
SERVER_ERRORS = {
    500: {"message": "500: Internal Server Error", "code": 0},
    502: "<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>",
    503: {"message": "503: Service Unavailable", "code": 0},
    504: {"message": "504: Gateway Timeout", "code": 0},
}


@dataclass
class Failure:
    """An injected failure: the next `times` requests whose "METHOD /path" matches `pattern`."""

    pattern: re.Pattern[str]
    status: int
    retry_after: float
    global_: bool
    times: int

    def answer(self) -> tuple[int, Any, dict[str, str]]:
        if self.status != 429:
            return self.status, SERVER_ERRORS.get(self.status, SERVER_ERRORS[500]), {}
        # Discord's 429 as discord.py reads it: the JSON body's retry_after (and global), the
        # X-RateLimit-* headers, and Via (without Via discord.py takes it for a Cloudflare ban).
        body = {
            "message": "You are being rate limited.",
            "retry_after": self.retry_after,
            "global": self.global_,
        }
        if not self.global_:
            body["code"] = 0
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, round(self.retry_after))),
            "X-RateLimit-Scope": "global" if self.global_ else "user",
        }
        if not self.global_:
            headers |= {
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": f"{self.retry_after:.3f}",
                "X-RateLimit-Bucket": "fake-bucket",
            }
        if self.global_:
            headers["X-RateLimit-Global"] = "true"
        return 429, body, headers
APPLICATION = {  # GET /oauth2/applications/@me, which discord.py reads when it logs in
    "id": str(APP_ID),
    "name": "Studyhall",
    "description": "",
    "icon": None,
    "bot_public": False,
    "bot_require_code_grant": False,
    "owner": {k: v for k, v in BOT_USER.items() if k != "bot"} | {"id": "800000000000000099"},
    "verify_key": "0" * 64,
    "flags": 0,
}


@dataclass
class Call:
    """One request the bot made: method, path (no API prefix), JSON body, uploaded files, our reply."""

    method: str
    path: str
    json: Any
    files: list[tuple[str, bytes]] = field(default_factory=list)
    response: Any = None
    status: int = 200  # what Discord answered: 2xx, or an error the bot had to handle

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def body(self) -> dict[str, Any]:
        """The message part of the body: the callback's `data`, else the body itself."""
        if isinstance(self.json, dict) and "type" in self.json and "data" in self.json:
            return self.json["data"] or {}
        return self.json if isinstance(self.json, dict) else {}

    @property
    def kind(self) -> int | None:
        """The interaction callback type (4 message, 5 deferred, 6/7 update, 8 autocomplete, 9 modal)."""
        return self.json.get("type") if self.path.endswith("/callback") and self.json else None

    @property
    def content(self) -> str:
        return self.body.get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.body.get("embeds") or []

    @property
    def ephemeral(self) -> bool:
        return bool((self.body.get("flags") or 0) & 64)

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.body.get("components") or []

    def custom_ids(self) -> list[str]:
        found: list[str] = []

        def walk(items: list[dict[str, Any]]) -> None:
            for item in items:
                if "custom_id" in item:
                    found.append(item["custom_id"])
                walk(item.get("components") or [])

        walk(self.components)
        return found

    def text(self) -> str:
        """Everything a person would read: content, embed titles, descriptions, fields, footers."""
        parts = [self.content]
        for e in self.embeds:
            parts += [e.get("title") or "", e.get("description") or ""]
            for f in e.get("fields") or []:
                parts += [f.get("name") or "", f.get("value") or ""]
            parts.append((e.get("footer") or {}).get("text") or "")
        return "\n".join(p for p in parts if p)


class _Response:
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None):
        self.status = status
        self.reason = "OK" if status < 400 else "Error"
        self._body = body
        if isinstance(body, str):
            self.headers = {"content-type": "text/html"}
        else:
            self.headers = {"content-type": "application/json"} if body is not None else {}
        self.headers |= headers or {}

    async def text(self, encoding: str | None = None) -> str:
        if isinstance(self._body, str):
            return self._body
        return json.dumps(self._body) if self._body is not None else ""

    async def __aenter__(self) -> _Response:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


class _Body:
    """aiohttp's StreamReader surface used for downloads: chunks of the served bytes."""

    def __init__(self, data: bytes, served: list[int]):
        self._data = data
        self._served = served  # bytes handed out so far, for tests to check what was read

    async def iter_chunked(self, size: int):
        for start in range(0, len(self._data), size):
            chunk = self._data[start : start + size]
            self._served[0] += len(chunk)
            yield chunk

    async def read(self, size: int = -1) -> bytes:
        data = self._data if size < 0 else self._data[:size]
        self._served[0] += len(data)
        return data


class _Download(_Response):
    def __init__(self, status: int, data: bytes, served: list[int]):
        super().__init__(status, None)
        self.content = _Body(data, served)
        self.headers = {"content-type": "application/octet-stream", "content-length": str(len(data))}

    async def read(self) -> bytes:
        return await self.content.read()


class FakeDiscord:
    """An aiohttp-session stand-in: `request(method, url, **kwargs)` like aiohttp, recorded."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.closed = False
        self.messages: dict[str, dict[str, Any]] = {}  # every message "sent", by id
        self.originals: dict[str, str] = {}  # interaction token → its original response's message id
        self.channels: dict[str, str] = {}  # interaction token → channel id
        self.commands: dict[str, list[dict[str, Any]]] = {}  # "global" or guild id → registered
        self.hidden_channels: set[str] = set()  # channels the bot can no longer see: 403 there
        self.foreign_guilds: set[str] = set()  # servers the bot is not in: their commands are 403
        self.deleted: list[str] = []  # ids of messages deleted through the channel API
        self.cdn: dict[str, bytes] = {}  # attachment URL → the bytes Discord's CDN serves
        self.cdn_served = [0]  # bytes of attachments actually handed to the bot
        # channel id → its server, for GET /channels/{id}; unlisted channels are the test server's
        self.channel_guilds: dict[str, str] = {}
        self.home_guild: str | None = None
        self.dms: dict[str, str] = {}  # user id → the DM channel the bot opened with them
        self.now = 0.0  # the fake's clock, in seconds: tests move it (harness.advance)
        self.token_born: dict[str, float] = {}  # interaction token → when its interaction was created
        self.failures: list[Failure] = []
        # thread id → {"parent": channel, "message": starter message, "name": …}; threads opened
        # from messages; channels in `no_threads` refuse to open any (the bot lacks the permission)
        self.threads: dict[str, dict[str, Any]] = {}
        self.no_threads: set[str] = set()
        # role id → its server, for GET /guilds/{id}/roles/{id}; unlisted roles are the test server's
        self.role_guilds: dict[str, str] = {}
        self.gateway_url: str | None = None  # GET /gateway/bot: set by a stand-in that has a gateway
        self._ids = itertools.count(1_300_000_000_000_000_000)

    def fail_next(
        self,
        route_pattern: str,
        *,
        status: int = 429,
        retry_after: float = 1.0,
        global_: bool = False,
        times: int = 1,
    ) -> None:
        """Answer the next `times` requests matching `route_pattern` (a regex searched in
        "METHOD /path", e.g. r"PATCH /webhooks/.*/@original") with a 429 or a 5xx."""
        self.failures.append(Failure(re.compile(route_pattern), status, retry_after, global_, times))

    def wall(self) -> datetime:
        """Discord's time now (interaction ids are snowflakes of it)."""
        return EPOCH + timedelta(seconds=self.now)

    async def sleep(self, seconds: float) -> None:
        """discord.py's waits between retries: time passes on the fake's clock, not the test's."""
        self.now += max(0.0, seconds)

    def _injected(self, call: Call) -> tuple[int, Any, dict[str, str]] | None:
        route = f"{call.method} {call.path}"
        for failure in self.failures:
            if failure.times > 0 and failure.pattern.search(route):
                failure.times -= 1
                return failure.answer()
        return None

    def _expired(self, parts: list[str]) -> tuple[int, Any] | None:
        """An interaction token past its life: Discord's answers to its callback and webhook calls."""
        if parts[0] == "interactions" and parts[-1] == "callback":
            born = self.token_born.get(parts[2])
            if born is not None and self.now - born > CALLBACK_DEADLINE:
                return 404, UNKNOWN_INTERACTION
        if parts[0] == "webhooks" and len(parts) >= 3 and parts[1] == str(APP_ID):
            born = self.token_born.get(parts[2])
            if born is not None and self.now - born >= TOKEN_LIFETIME:
                return 401, INVALID_TOKEN
        return None

    def snowflake(self) -> str:
        return str(next(self._ids))

    # aiohttp.ClientSession's surface that discord.py uses
    def request(self, method: str, url: str, **kwargs: Any) -> _Response:
        body, files = _decode(kwargs.get("data"))
        return _Response(*self.handle(method, urlsplit(url).path, body, files))

    def handle(
        self, method: str, path: str, body: Any, files: list[tuple[str, bytes]] | None = None
    ) -> tuple[int, Any, dict[str, str]]:
        """One REST request, recorded and answered as Discord would: (status, JSON body, headers).
        Shared by the in-process session above and the HTTP stand-in (tests/bot/discord_server.py)."""
        call = Call(method, path.removeprefix(API_PREFIX), body, files or [])
        headers: dict[str, str] = {}
        injected = self._injected(call)
        if injected is not None:
            status, reply, headers = injected
        else:
            status, reply = self._expired(call.path.strip("/").split("/")) or self._answer(call)
        call.response, call.status = reply, status
        self.calls.append(call)
        return status, reply, headers

    def get(self, url: str, **kwargs: Any) -> _Response:
        """A download from Discord's CDN (attachments), as aiohttp's session.get; recorded too."""
        call = Call("GET", url, None)
        self.calls.append(call)
        if url not in self.cdn:
            return _Response(404, {"message": "404: Not Found", "code": 0})
        return _Download(200, self.cdn[url], self.cdn_served)

    async def close(self) -> None:
        self.closed = True

    # what Discord answers
    def _answer(self, call: Call) -> tuple[int, Any]:
        parts = call.path.strip("/").split("/")
        method = call.method
        if parts[0] == "interactions" and parts[-1] == "callback":
            return 200, self._callback(parts[1], parts[2], call)
        if parts[0] == "webhooks" and len(parts) >= 3:
            token = parts[2]
            if len(parts) == 3 and method == "POST":  # a follow-up
                original = self.messages.get(self.originals.get(token, ""))
                if original is not None and original.get("_loading"):
                    # The first follow-up after a deferral fills in the "thinking…" message, with the
                    # deferral's visibility whatever flags it asks for; once the original is deleted,
                    # follow-ups are messages of their own.
                    return 200, self._edit(self.originals[token], call)
                return 200, self._message(self.channels.get(token, "0"), call)
            message_id = parts[4] if len(parts) >= 5 else ""
            if message_id == "@original":
                message_id = self.originals.get(token, "")
            if message_id not in self.messages:
                return 404, {"message": "Unknown Message", "code": 10008}
            if method == "PATCH":
                return 200, self._edit(message_id, call)
            if method == "DELETE":
                self.messages.pop(message_id, None)
                return 204, None
            return 200, self.messages[message_id]
        if parts[0] == "channels" and parts[-1] == "messages" and method == "POST":
            if parts[1] in self.hidden_channels:
                return 403, {"message": "Missing Access", "code": 50001}
            return 200, self._message(parts[1], call)
        if parts[0] == "channels" and len(parts) == 5 and parts[4] == "threads" and method == "POST":
            return self._thread(parts[1], parts[3], call)
        if parts[0] == "channels" and len(parts) == 4 and parts[2] == "messages":
            return self._channel_message(parts[1], parts[3], call)
        if parts[0] == "channels" and len(parts) == 2 and method == "GET":
            guild = self.channel_guilds.get(parts[1], self.home_guild)
            if guild is None:
                return 404, {"message": "Unknown Channel", "code": 10003}
            return 200, {"id": parts[1], "type": 0, "guild_id": guild, "name": "a-channel", "position": 0}
        if parts[0] == "guilds" and len(parts) == 4 and parts[2] == "roles" and method == "GET":
            if self.role_guilds.get(parts[3], self.home_guild) != parts[1]:
                return 404, {"message": "Unknown Role", "code": 10011}
            return 200, {
                "id": parts[3],
                "name": "a-role",
                "color": 0,
                "hoist": False,
                "position": 1,
                "permissions": "0",
                "managed": False,
                "mentionable": True,
            }
        if parts[0] == "applications" and len(parts) > 4 and parts[3] in self.foreign_guilds:
            return 403, {"message": "Missing Access", "code": 50001}
        if parts[0] == "applications" and parts[-1] == "commands" and method == "PUT":
            where = parts[3] if len(parts) > 4 else "global"
            # Discord gives context-menu commands (which send no description) an empty one.
            registered = [
                {"description": "", **c, "id": self.snowflake(), "application_id": str(APP_ID)}
                | {"version": self.snowflake()}
                for c in call.json
            ]
            self.commands[where] = registered
            return 200, registered
        if parts[0] == "applications" and parts[-1] == "commands" and method == "GET":
            return 200, self.commands.get(parts[3] if len(parts) > 4 else "global", [])
        if parts == ["users", "@me"]:
            return 200, BOT_USER
        if parts == ["users", "@me", "channels"] and method == "POST":  # open a DM
            recipient = str(call.json["recipient_id"])
            channel = self.dms.setdefault(recipient, self.snowflake())
            self.channel_guilds.pop(channel, None)
            return 200, {
                "id": channel,
                "type": 1,
                "last_message_id": None,
                "recipients": [
                    {"id": recipient, "username": "someone", "discriminator": "0", "avatar": None}
                ],
            }
        if parts == ["oauth2", "applications", "@me"]:
            return 200, APPLICATION
        if parts == ["gateway", "bot"] and self.gateway_url:
            limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
            return 200, {"url": self.gateway_url, "shards": 1, "session_start_limit": limit}
        return 404, {"message": "404: Not Found", "code": 0}

    def _channel_message(self, channel_id: str, message_id: str, call: Call) -> tuple[int, Any]:
        """GET, PATCH or DELETE one message through the channel API, as the bot user."""
        if channel_id in self.hidden_channels:
            return 403, {"message": "Missing Access", "code": 50001}
        message = self.messages.get(message_id)
        if message is None or message["channel_id"] != channel_id:
            return 404, {"message": "Unknown Message", "code": 10008}
        if call.method == "DELETE":
            del self.messages[message_id]
            self.deleted.append(message_id)
            return 204, None
        if call.method == "PATCH":
            return 200, self._edit(message_id, call)
        return 200, public(message)

    def _thread(self, channel_id: str, message_id: str, call: Call) -> tuple[int, Any]:
        """POST /channels/{id}/messages/{id}/threads: a public thread started from a message."""
        if channel_id in self.hidden_channels:
            return 403, {"message": "Missing Access", "code": 50001}
        if channel_id in self.no_threads:
            return 403, {"message": "Missing Permissions", "code": 50013}
        message = self.messages.get(message_id)
        if message is None or message["channel_id"] != channel_id:
            return 404, {"message": "Unknown Message", "code": 10008}
        if any(t["message"] == message_id for t in self.threads.values()):
            return 400, {"message": "A thread has already been created for this message", "code": 160004}
        thread_id = self.snowflake()
        name = call.json["name"]
        self.threads[thread_id] = {"parent": channel_id, "message": message_id, "name": name}
        guild = self.channel_guilds.get(channel_id, self.home_guild)
        thread = {
            "id": thread_id,
            "type": 11,
            "guild_id": guild,
            "parent_id": channel_id,
            "owner_id": str(APP_ID),
            "name": name,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": call.json.get("auto_archive_duration") or 1440,
                "archive_timestamp": "2026-11-02T09:00:00+00:00",
                "locked": False,
            },
            "message_count": 0,
            "member_count": 1,
            "rate_limit_per_user": 0,
        }
        return 200, thread

    def in_channel(self, channel_id: str) -> list[dict[str, Any]]:
        """What everyone in a channel can read now: the bot's messages there that are not ephemeral."""
        return [
            public(m)
            for m in self.messages.values()
            if m["channel_id"] == channel_id and not (m.get("flags") or 0) & 64
        ]

    def _callback(self, interaction_id: str, token: str, call: Call) -> dict[str, Any]:
        kind = call.json["type"]
        entry: dict[str, Any] = {"id": interaction_id, "type": 2}
        resource: dict[str, Any] = {"type": kind}
        channel = self.channels.get(token, "0")
        if kind in (4, 5):  # a message, or "thinking…" to be filled in later
            message = self._message(channel, call, loading=kind == 5)
            self.originals[token] = message["id"]
            entry |= {
                "response_message_id": message["id"],
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool((call.body.get("flags") or 0) & 64),
            }
            resource["message"] = message
        elif kind == 7 and token in self.originals:  # a component's message, replaced
            resource["message"] = self._edit(self.originals[token], call)
        return {"interaction": entry, "resource": resource}

    def _message(self, channel_id: str, call: Call, *, loading: bool = False) -> dict[str, Any]:
        body = call.body
        message = {
            "id": self.snowflake(),
            "channel_id": channel_id,
            "type": 0,
            "content": body.get("content") or "",
            "author": BOT_USER,
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "attachments": self._attachments(call),
            "timestamp": "2026-11-02T09:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "pinned": False,
            "flags": (body.get("flags") or 0) | (128 if loading else 0),
            "application_id": str(APP_ID),
            "webhook_id": str(APP_ID),
            "_loading": loading,
        }
        self.messages[message["id"]] = message
        return public(message)

    def _edit(self, message_id: str, call: Call) -> dict[str, Any]:
        message = self.messages[message_id]
        body = call.body
        for key in ("content", "embeds", "components"):
            if key in body:
                message[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        if call.files or "attachments" in body:
            message["attachments"] = self._attachments(call)
        message["_loading"] = False
        message["flags"] = (message.get("flags") or 0) & ~128
        message["edited_timestamp"] = "2026-11-02T09:00:01+00:00"
        return public(message)

    def _attachments(self, call: Call) -> list[dict[str, Any]]:
        return [
            {
                "id": self.snowflake(),
                "filename": name,
                "size": len(data),
                "url": f"https://cdn.example/{name}",
                "proxy_url": f"https://cdn.example/{name}",
            }
            for name, data in call.files
        ]

    def expect(self, token: str, channel_id: str, message_id: str | None = None) -> None:
        """An interaction is coming: its channel, and for a component the message it sits on."""
        self.channels[token] = channel_id
        self.token_born[token] = self.now
        if message_id is not None:
            self.originals[token] = message_id


def public(message: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in message.items() if not k.startswith("_")}


def _decode(data: Any) -> tuple[Any, list[tuple[str, bytes]]]:
    """A JSON string, or aiohttp FormData holding payload_json and files."""
    if data is None:
        return None, []
    if isinstance(data, str | bytes):
        return json.loads(data), []
    body: Any = None
    files: list[tuple[str, bytes]] = []
    for options, _headers, value in data._fields:  # aiohttp keeps (options, headers, value)
        name = options.get("name")
        if name == "payload_json":
            body = json.loads(value)
        else:
            raw = value.read() if hasattr(value, "read") else value
            files.append((options.get("filename") or name, raw if isinstance(raw, bytes) else raw.encode()))
    return body, files
