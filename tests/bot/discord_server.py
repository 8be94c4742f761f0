"""A local stand-in for Discord that a real `studyhall-bot` process talks to over the network.

REST (`/api/v10/…`) is answered by the same message-keeping fake the in-process harness uses
(`FakeDiscord.handle`); the gateway (`/gateway`, and `/resume` named as READY's resume_gateway_url)
speaks Discord's gateway protocol v10 in JSON text frames, uncompressed: HELLO with a heartbeat
interval, heartbeat ACKs, IDENTIFY → READY (session id, resume URL, the guild as unavailable) and
GUILD_CREATE, RESUME → RESUMED; the test sends dispatches (INTERACTION_CREATE) and drops connections.
Everything the bot sends on the gateway is kept in `frames`; tests wait on `until(predicate)`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

from tests.bot.discord_fake import API_PREFIX, APP_ID, BOT_USER, FakeDiscord
from tests.bot.harness import CHANNEL_ID, GUILD_ID, INSTRUCTOR, STUDENT_PERMISSIONS

HELLO, HEARTBEAT, IDENTIFY, RESUME, INVALID_SESSION, HEARTBEAT_ACK = 10, 1, 2, 6, 9, 11
HEARTBEAT_MS = 41_250  # what Discord sends


def guild_payload() -> dict[str, Any]:
    """GUILD_CREATE's guild: the test server with one text channel."""
    everyone = {
        "id": GUILD_ID,
        "name": "@everyone",
        "permissions": str(STUDENT_PERMISSIONS),
        "position": 0,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }
    channel = {"id": CHANNEL_ID, "type": 0, "name": "general", "position": 0, "permission_overwrites": []}
    return {
        "id": GUILD_ID,
        "name": "Robotics 101",
        "icon": None,
        "owner_id": INSTRUCTOR.id,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "system_channel_flags": 0,
        "preferred_locale": "en-US",
        "features": [],
        "roles": [everyone],
        "emojis": [],
        "stickers": [],
        "member_count": 3,
        "large": False,
        "unavailable": False,
        "joined_at": "2026-09-01T00:00:00+00:00",
        "channels": [channel],
        "threads": [],
        "members": [],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
    }


class DiscordStandIn:
    """`async with DiscordStandIn(token) as discord:` serves on 127.0.0.1 at a free port."""

    def __init__(self, token: str):
        self.token = token
        self.http = FakeDiscord()
        self.http.home_guild = GUILD_ID
        self.frames: list[dict[str, Any]] = []  # what the bot sent on the gateway, in order
        self.connections = 0
        self.session_id = "stand-in-session-1"
        self.unauthorised = 0  # REST requests with a wrong token
        self._seq = 0
        self._socket: web.WebSocketResponse | None = None
        self._request: web.Request | None = None
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""

    @property
    def connected(self) -> bool:
        """A gateway connection is open (events can be dispatched)."""
        return self._socket is not None and not self._socket.closed

    @property
    def api_url(self) -> str:
        return self.url + API_PREFIX

    async def __aenter__(self) -> DiscordStandIn:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/resume", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # the port the OS picked
        self.url = f"http://127.0.0.1:{port}"
        self.http.gateway_url = f"ws://127.0.0.1:{port}/gateway"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # waiting -------------------------------------------------------------------------------------

    async def until(self, predicate: Callable[[], Any], within: float = 60.0) -> Any:
        """Wait (at most `within` s) until `predicate()` is truthy, checked after every request and
        gateway frame and every `notify()`; its value."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), within)
        return predicate()

    async def notify(self) -> None:
        """Something a waiter may be waiting for happened (e.g. the bot logged a line)."""
        await self._notify()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def ops(self, op: int) -> list[dict[str, Any]]:
        return [f for f in self.frames if f.get("op") == op]

    # REST --------------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        # Interaction callbacks and follow-ups are authorised by the interaction token in the URL.
        by_token = request.path.startswith((API_PREFIX + "/interactions/", API_PREFIX + "/webhooks/"))
        if not by_token and request.headers.get("Authorization") != f"Bot {self.token}":
            self.unauthorised += 1
            await self._notify()
            body = json.dumps({"message": "401: Unauthorized", "code": 0}).encode()
            return web.Response(body=body, status=401, headers={"Content-Type": "application/json"})
        body, files = await _body(request)
        status, reply, headers = self.http.handle(request.method, request.path, body, files)
        await self._notify()
        if reply is None:
            return web.Response(status=status, headers=headers)
        # discord.py parses a body as JSON only under exactly this content type (no charset).
        return web.Response(
            body=json.dumps(reply).encode(),
            status=status,
            headers=headers | {"Content-Type": "application/json"},
        )

    # gateway -----------------------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send one DISPATCH (op 0) on the current connection."""
        self._seq += 1
        assert self._socket is not None, "the bot is not connected"
        await self._socket.send_json({"op": 0, "t": event, "s": self._seq, "d": data})

    async def interaction(self, payload: dict[str, Any]) -> None:
        await self.dispatch("INTERACTION_CREATE", payload)

    async def drop(self, code: int | None = 4000) -> None:
        """End the current connection: a close frame with `code`, or (None) a plain TCP drop."""
        socket, request = self._socket, self._request
        self._socket = None
        if code is None and request is not None and request.transport is not None:
            request.transport.abort()
        elif socket is not None:
            await socket.close(code=code)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._socket, self._request = socket, request
        self.connections += 1
        await socket.send_json({"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_MS}, "s": None, "t": None})
        async for message in socket:
            if message.type is not WSMsgType.TEXT:
                continue
            frame = json.loads(message.data)
            self.frames.append(frame)
            await self._answer(socket, frame, request)
            await self._notify()
        await self._notify()
        return socket

    async def _answer(
        self, socket: web.WebSocketResponse, frame: dict[str, Any], request: web.Request
    ) -> None:
        op, data = frame.get("op"), frame.get("d") or {}
        if op == HEARTBEAT:
            await socket.send_json({"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
        elif op == IDENTIFY:
            if data.get("token") != self.token:
                await socket.close(code=4004)  # Authentication failed
                return
            host = request.host
            await self.dispatch(
                "READY",
                {
                    "v": 10,
                    "user": BOT_USER,
                    "guilds": [{"id": GUILD_ID, "unavailable": True}],
                    "session_id": self.session_id,
                    "resume_gateway_url": f"ws://{host}/resume",
                    "shard": data.get("shard") or [0, 1],
                    "application": {"id": str(APP_ID), "flags": 0},
                    "private_channels": [],
                    "relationships": [],
                },
            )
            await self.dispatch("GUILD_CREATE", guild_payload())
        elif op == RESUME:
            if data.get("session_id") != self.session_id or data.get("token") != self.token:
                await socket.send_json({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
                return
            await self.dispatch("RESUMED", {})


async def _body(request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
    """The JSON body, or a multipart body's payload_json and files, as FakeDiscord takes them."""
    if request.content_type.startswith("multipart/"):
        body: Any = None
        files: list[tuple[str, bytes]] = []
        reader = await request.multipart()
        async for part in reader:
            data = await part.read()
            if part.name == "payload_json":
                body = json.loads(data)
            else:
                files.append((part.filename or part.name or "file", bytes(data)))
        return body, files
    raw = await request.read()
    return (json.loads(raw) if raw else None), []
