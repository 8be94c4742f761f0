"""Drive the real bot: raw INTERACTION_CREATE payloads in, recorded Discord HTTP calls out.

`BotHarness.send(payload)` hands the payload to discord.py's gateway handler
(`parse_interaction_create`), waits for every task it started (command, view or modal callbacks)
and returns the HTTP calls they made, in order."""

from __future__ import annotations

import asyncio
import itertools
import types
from dataclasses import dataclass
from typing import Any

import discord
import discord.http
import discord.webhook.async_

from bot.client import StudyhallBot
from tests.bot.discord_fake import APP_ID, BOT_USER, Call, FakeDiscord, public

GUILD_ID = "700000000000000001"
CHANNEL_ID = "710000000000000001"
DM_CHANNEL_ID = "720000000000000001"

STUDENT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    read_message_history=True,
    use_application_commands=True,
    embed_links=True,
    attach_files=True,
).value
STAFF_PERMISSIONS = STUDENT_PERMISSIONS | discord.Permissions(manage_guild=True).value

_OPTION_TYPES = {str: 3, int: 4, bool: 5, float: 10}
# Tasks that carry an interaction's work: the command tree's, views', modals', event dispatch, ours.
_WORK_TASKS = ("CommandTree-invoker", "discord-ui-", "discord.py: ", "studyhall-")


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    staff: bool = False
    nick: str | None = None  # the server nickname, when the member set one
    roles: tuple[str, ...] = ()  # ids of the Discord roles the member carries in the server

    def user(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.name,
            "discriminator": "0",
            "global_name": self.name,
            "avatar": None,
        }


STUDENT = Person("800000000000000001", "Ada")
OTHER_STUDENT = Person("800000000000000002", "Grace")
INSTRUCTOR = Person("800000000000000009", "Prof. Lin", staff=True)


@dataclass(frozen=True)
class Channel:
    """A channel option's value."""

    id: str
    name: str = "announcements"


@dataclass(frozen=True)
class Attachment:
    """An attachment option's value: the file Discord's CDN will serve. `size` is what Discord
    declares (it may be made to differ from the bytes actually served)."""

    filename: str
    data: bytes
    size: int | None = None
    content_type: str = "application/zip"


@dataclass(frozen=True)
class Role:
    """A role option's value: a Discord role (of the test server unless the fake says otherwise)."""

    id: str
    name: str = "TA"


class BotHarness:
    def __init__(self, bot: StudyhallBot, discord_http: FakeDiscord):
        self.bot = bot
        self.http = discord_http
        self._ids = itertools.count(1_100_000_000_000_000_000)
        self._increments = itertools.count()
        self.views: list[discord.ui.View] = []  # every view discord.py was handed to listen on

    async def restarted(self) -> BotHarness:
        """A fresh bot over the same core, as after a restart; Discord still holds what was sent."""
        return await start_bot(self.bot.app, self.http, greet=self.bot.greets_newcomers)

    async def restart(self) -> BotHarness:
        """Restart mid-flow, in one call: the old bot is closed (its in-memory views and modals die
        with it) and this harness now drives a fresh bot over the same core and the same Discord,
        which still holds every message. Returns the harness, for `harness = await harness.restart()`."""
        await self.bot.close()
        fresh = await start_bot(self.bot.app, self.http, greet=self.bot.greets_newcomers)
        self.bot, self.views = fresh.bot, fresh.views
        return self

    async def advance(self, seconds: float) -> None:
        """Let `seconds` pass: interaction tokens age (15 minutes after its interaction, every
        webhook call with a token gets Discord's 401 "Invalid Webhook Token") and views time out."""
        self.http.now += seconds
        await self.advance_views(seconds)

    async def send(self, payload: dict[str, Any]) -> list[Call]:
        """Deliver one interaction as the gateway would; the calls it made, once all its work is done."""
        start = len(self.http.calls)
        before = asyncio.all_tasks()
        self.bot._connection.parse_interaction_create(payload)
        await self.settle(before)
        return self.http.calls[start:]

    async def settle(self, before: set[asyncio.Task] | None = None) -> None:
        """Wait for the interaction's tasks (and the tasks they start), not for views' timeouts."""
        known = before or set()
        me = asyncio.current_task()
        while True:
            pending = {
                t
                for t in asyncio.all_tasks()
                if t is not me
                and t not in known
                and not t.done()
                and t.get_name().startswith(_WORK_TASKS)
                and not t.get_name().startswith("discord-ui-view-timeout")
            }
            if not pending:
                return
            await asyncio.wait(pending)

    async def advance_views(self, seconds: float) -> None:
        """Let `seconds` pass for the views discord.py holds: every view whose timeout is that short
        or shorter times out, as its timeout task would (discord.py gives an ephemeral reply's view
        900 s even when the bot asked for none), and its `on_timeout` runs to the end."""
        before = asyncio.all_tasks()
        for view in self.views:
            if view.timeout is not None and view.timeout <= seconds and not view.is_finished():
                view._dispatch_timeout()
        timeouts = {
            t for t in asyncio.all_tasks() - before if t.get_name().startswith("discord-ui-view-timeout")
        }
        if timeouts:
            await asyncio.wait(timeouts)
        await self.settle(before)

    def interaction_id(self) -> int:
        """A snowflake of the fake's time now, as Discord's ids are: the bot reads a token's age
        from it (Interaction.created_at)."""
        return discord.utils.time_snowflake(self.http.wall()) + next(self._increments) % (1 << 22)

    def cache_guild(
        self, channels: list[str], *, bot_denied: dict[str, discord.Permissions] | None = None
    ) -> discord.Guild:
        """The test server as the gateway's GUILD_CREATE gives it (the guilds intent): these text
        channels, @everyone's role, the bot's own role and member, and for each channel in
        `bot_denied` an overwrite denying the bot those permissions there."""
        bot_role = str(next(self._ids))
        denied = bot_denied or {}
        data: dict[str, Any] = {
            "id": GUILD_ID,
            "name": "Robotics 101",
            "owner_id": INSTRUCTOR.id,
            "member_count": 3,
            "roles": [
                {"id": GUILD_ID, "name": "@everyone", "permissions": str(STUDENT_PERMISSIONS), "position": 0},
                {
                    "id": bot_role,
                    "name": "Studyhall",
                    "permissions": str(STUDENT_PERMISSIONS),
                    "position": 1,
                    "managed": True,
                    "tags": {"bot_id": str(APP_ID)},
                },
            ],
            "members": [
                {
                    "user": BOT_USER,
                    "roles": [bot_role],
                    "joined_at": "2026-09-01T00:00:00+00:00",
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                }
            ],
            "channels": [
                {
                    "id": channel,
                    "type": 0,
                    "guild_id": GUILD_ID,
                    "name": f"channel-{i}",
                    "position": i,
                    "permission_overwrites": (
                        [{"id": str(APP_ID), "type": 1, "allow": "0", "deny": str(denied[channel].value)}]
                        if channel in denied
                        else []
                    ),
                }
                for i, channel in enumerate(channels)
            ],
            "emojis": [],
            "stickers": [],
            "features": [],
        }
        self.bot._connection._add_guild_from_data(data)
        guild = self.bot.get_guild(int(GUILD_ID))
        assert guild is not None and guild.me is not None
        return guild

    # payloads -----------------------------------------------------------------------------------

    def _base(
        self,
        kind: int,
        person: Person,
        *,
        dm: bool = False,
        message_id: str | None = None,
        guild: str = GUILD_ID,
    ) -> dict:
        token = f"token-{next(self._ids)}"
        channel = DM_CHANNEL_ID if dm else CHANNEL_ID
        self.http.expect(token, channel, message_id)
        payload: dict[str, Any] = {
            "id": str(self.interaction_id()),
            "application_id": str(APP_ID),
            "type": kind,
            "token": token,
            "version": 1,
            "channel_id": channel,
            "locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild} if not dm else {"1": person.id},
            "attachment_size_limit": 8 * 1024 * 1024,
            "app_permissions": str(STAFF_PERMISSIONS),
        }
        if dm:
            payload["user"] = person.user()
            payload["channel"] = {"id": channel, "type": 1, "recipients": [person.user()]}
            payload["context"] = 1
        else:
            payload["guild_id"] = guild
            payload["guild_locale"] = "en-US"
            payload["context"] = 0
            payload["channel"] = {
                "id": channel,
                "type": 0,
                "guild_id": guild,
                "name": "general",
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
            }
            payload["member"] = {
                "user": person.user(),
                "roles": list(person.roles),
                "joined_at": "2026-09-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "flags": 0,
                "permissions": str(STAFF_PERMISSIONS if person.staff else STUDENT_PERMISSIONS),
            }
            if person.nick is not None:
                payload["member"]["nick"] = person.nick
        return payload

    def slash(
        self,
        name: str,
        *,
        sub: str | None = None,
        group: str | None = None,
        person: Person = STUDENT,
        dm: bool = False,
        focused: str | None = None,
        guild: str = GUILD_ID,
        **options: Any,
    ) -> dict[str, Any]:
        """`/name [group] [sub] option:value …` (an autocomplete request when `focused` names an option)."""
        payload = self._base(4 if focused else 2, person, dm=dm, guild=guild)
        resolved: dict[str, Any] = {}
        values = []
        for key, value in options.items():
            if value is None:
                continue
            if isinstance(value, Attachment):
                attachment_id = str(next(self._ids))
                url = f"https://cdn.discordapp.com/attachments/{CHANNEL_ID}/{attachment_id}/{value.filename}"
                self.http.cdn[url] = value.data
                resolved.setdefault("attachments", {})[attachment_id] = {
                    "id": attachment_id,
                    "filename": value.filename,
                    "size": len(value.data) if value.size is None else value.size,
                    "url": url,
                    "proxy_url": url.replace("cdn.discordapp.com", "media.discordapp.net"),
                    "content_type": value.content_type,
                }
                values.append({"name": key, "type": 11, "value": attachment_id})
                continue
            if isinstance(value, Channel):
                resolved.setdefault("channels", {})[value.id] = {
                    "id": value.id,
                    "type": 0,
                    "name": value.name,
                    "permissions": str(STAFF_PERMISSIONS),
                }
                values.append({"name": key, "type": 7, "value": value.id})
                continue
            if isinstance(value, Person):  # a user option: Discord resolves the member, with nickname
                member = {"roles": list(value.roles), "joined_at": "2026-09-01T00:00:00+00:00", "flags": 0}
                if value.nick is not None:
                    member["nick"] = value.nick
                resolved.setdefault("users", {})[value.id] = value.user()
                resolved.setdefault("members", {})[value.id] = member
                values.append({"name": key, "type": 6, "value": value.id})
                continue
            if isinstance(value, Role):
                role = {"id": value.id, "name": value.name, "color": 0, "hoist": False, "position": 1}
                role |= {"permissions": "0", "managed": False, "mentionable": True}
                resolved.setdefault("roles", {})[value.id] = role
                values.append({"name": key, "type": 8, "value": value.id})
                continue
            option = {"name": key, "type": _OPTION_TYPES[type(value)], "value": value}
            if key == focused:
                option["focused"] = True
            values.append(option)
        if sub is not None:
            values = [{"name": sub, "type": 1, "options": values}]
        if group is not None:
            values = [{"name": group, "type": 2, "options": values}]
        data: dict[str, Any] = {"id": str(next(self._ids)), "name": name, "type": 1, "options": values}
        if resolved:
            data["resolved"] = resolved
        payload["data"] = data
        return payload

    def message_command(
        self, name: str, text: str, *, author: Person = OTHER_STUDENT, person: Person = STUDENT
    ) -> dict[str, Any]:
        """A message context-menu command on a message whose text is `text`."""
        payload = self._base(2, person)
        target = str(next(self._ids))
        payload["data"] = {
            "id": str(next(self._ids)),
            "name": name,
            "type": 3,
            "target_id": target,
            "resolved": {
                "messages": {
                    target: {
                        "id": target,
                        "channel_id": CHANNEL_ID,
                        "author": author.user(),
                        "content": text,
                        "timestamp": "2026-11-02T08:00:00+00:00",
                        "edited_timestamp": None,
                        "tts": False,
                        "mention_everyone": False,
                        "mentions": [],
                        "mention_roles": [],
                        "attachments": [],
                        "embeds": [],
                        "pinned": False,
                        "type": 0,
                    }
                }
            },
        }
        return payload

    def click(
        self,
        message: dict[str, Any],
        custom_id: str,
        *,
        values: list[str] | None = None,
        person: Person = STUDENT,
        dm: bool = False,
    ) -> dict[str, Any]:
        """Press a button (or choose `values` in a select menu) on a message the bot sent."""
        payload = self._base(3, person, dm=dm, message_id=message["id"])
        payload["message"] = message
        component = _find_component(message.get("components") or [], custom_id)
        assert component is not None, f"no component {custom_id!r} on the message"
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component["type"]}
        if values is not None:
            data["values"] = values
        payload["data"] = data
        return payload

    def submit(
        self, custom_id: str, fields: dict[str, str], *, person: Person = STUDENT, dm: bool = False
    ) -> dict[str, Any]:
        """Submit a modal: text inputs by their custom ids."""
        payload = self._base(5, person, dm=dm)
        payload["data"] = {
            "custom_id": custom_id,
            "components": [
                {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
                for key, value in fields.items()
            ],
        }
        return payload

    def message(self, call: Call) -> dict[str, Any]:
        """The message a recorded call created or edited, as Discord holds it now."""
        reply = call.response or {}
        if "resource" in reply:
            reply = reply["resource"].get("message") or {}
        return public(self.http.messages[reply["id"]]) | {"author": BOT_USER}


def _find_component(items: list[dict[str, Any]], custom_id: str) -> dict[str, Any] | None:
    for item in items:
        if item.get("custom_id") == custom_id:
            return item
        found = _find_component(item.get("components") or [], custom_id)
        if found is not None:
            return found
    return None


class _RetryWaits(types.ModuleType):
    """`asyncio` as discord.py's HTTP modules see it, except `sleep`: the waits of its retry logic
    (a 429's retry_after, the back-off after a 5xx, a bucket's reset) pass on the fake's clock at
    once. Everything else, and every other module's asyncio.sleep, is the real one."""

    def __init__(self) -> None:
        super().__init__("asyncio")
        self.fake: FakeDiscord | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    async def sleep(self, delay: float, result: Any = None) -> Any:
        if self.fake is not None:
            await self.fake.sleep(delay)
        await asyncio.sleep(0)
        return result


_RETRY_WAITS = _RetryWaits()
discord.http.asyncio = _RETRY_WAITS  # type: ignore[attr-defined]
discord.webhook.async_.asyncio = _RETRY_WAITS  # type: ignore[attr-defined]


async def start_bot(app: Any, discord_http: FakeDiscord | None = None, *, greet: bool = False) -> BotHarness:
    """A StudyhallBot over `app` with its HTTP session replaced by the fake, ready for payloads.

    `greet`: welcome each newcomer on their first command in a course, as the real bot does. Off by
    default: elsewhere it would add a message after every test's first command (test_onboarding
    tests it)."""
    fake = discord_http or FakeDiscord()
    bot = StudyhallBot(app, clock=fake.wall, greet=greet)  # its "now" is Discord's, as the fake keeps it
    _RETRY_WAITS.fake = fake
    fake.home_guild = fake.home_guild or GUILD_ID  # channels the tests name are the test server's
    bot.http._HTTPClient__session = fake  # the real HTTPClient, talking to the fake
    await bot._async_setup_hook()
    bot.http._global_over = asyncio.Event()
    bot.http._global_over.set()
    bot._connection.user = discord.ClientUser(state=bot._connection, data=BOT_USER)
    bot._connection.application_id = APP_ID
    await bot.setup_hook()
    harness = BotHarness(bot, fake)
    store = bot._connection.store_view

    def recording(view: Any, message_id: int | None = None) -> None:  # what advance_views times out
        harness.views.append(view)
        store(view, message_id)

    bot._connection.store_view = recording
    return harness
