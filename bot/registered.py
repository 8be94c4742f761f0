"""What Discord has registered, compared with the bot's own command tree.

Discord keeps the commands from the last `studyhall-bot --sync`; after an upgrade without one, it
shows members commands (or options) this bot no longer has. At start-up the bot compares and logs
one WARNING with the fix, instead of apologising to each student who meets a stale command."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.client import command_payloads
from bot.errors import SYNC_HINT

log = logging.getLogger("studyhall.bot")
LISTED = 8  # command names named in the warning; the rest are counted


def _option(option: dict[str, Any]) -> tuple:
    choices = tuple((c["name"], c["value"]) for c in option.get("choices") or [])
    return (
        option.get("type"),
        option.get("name"),
        option.get("description") or "",
        bool(option.get("required")),
        choices,
        tuple(sorted(option.get("channel_types") or [])),
        option.get("min_value"),
        option.get("max_value"),
        option.get("min_length"),
        option.get("max_length"),
        bool(option.get("autocomplete")),
        tuple(_option(o) for o in option.get("options") or []),
    )


def _shape(command: dict[str, Any], *, contexts: bool) -> tuple:
    """What a member sees of a command, with Discord's defaults filled in (it omits false flags)."""
    permissions = command.get("default_member_permissions")
    return (
        command.get("description") or "",
        None if permissions is None else str(permissions),
        bool(command.get("nsfw")),
        tuple(sorted(command.get("contexts") or [])) if contexts else None,
        tuple(_option(o) for o in command.get("options") or []),
    )


def _label(key: tuple[int, str]) -> str:
    kind, name = key
    return f"/{name}" if kind == 1 else f"“{name}”"


def _named(keys: list[tuple[int, str]]) -> str:
    shown = ", ".join(_label(k) for k in keys[:LISTED])
    return shown + (f" and {len(keys) - LISTED} more" if len(keys) > LISTED else "")


def differences(local: list[dict[str, Any]], remote: list[dict[str, Any]]) -> list[str]:
    """How Discord's registration differs from the tree, in words; empty when they agree."""
    ours = {(c.get("type", 1), c["name"]): c for c in local}
    theirs = {(c.get("type", 1), c["name"]): c for c in remote}
    missing = [k for k in ours if k not in theirs]
    gone = [k for k in theirs if k not in ours]
    changed = [
        k
        for k in ours
        if k in theirs
        # Contexts are compared only where the bot states them (Discord fills in its own default).
        and _shape(ours[k], contexts=ours[k].get("contexts") is not None)
        != _shape(theirs[k], contexts=ours[k].get("contexts") is not None)
    ]
    found = []
    if missing:
        found.append(f"not registered: {_named(missing)}")
    if changed:
        found.append(f"out of date: {_named(changed)}")
    if gone:
        found.append(f"no longer in the bot: {_named(gone)}")
    return found


async def warn_if_stale(client: discord.Client, tree: app_commands.CommandTree) -> bool:
    """Log one WARNING when Discord's global commands differ from the tree; True if they do."""
    try:
        remote = await client.http.get_global_commands(client.application_id)
    except discord.HTTPException as err:  # not worth stopping the bot for
        log.warning("could not compare the registered commands with the bot's: %s", err)
        return False
    found = differences(command_payloads(tree), remote)
    if found:
        log.warning("Discord's commands differ from the bot's (%s): %s", "; ".join(found), SYNC_HINT)
    return bool(found)
