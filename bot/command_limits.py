"""Discord's limits on application commands, checked over whatever the command tree holds.

Discord refuses a whole `--sync` when one command breaks a limit, so `studyhall-bot --print-commands
--check` (and a test) finds the command and the limit first."""

from __future__ import annotations

import re
from typing import Any

# Chat-input names and option names: lowercase letters (any script), digits, - _ and '.
NAME = re.compile(r"^[-_'\w]{1,32}$")
MAX_DESCRIPTION = 100
MAX_OPTIONS = 25
MAX_CHOICES = 25
MAX_CHOICE = 100
MAX_GLOBAL_CHAT_INPUT = 100
MAX_CONTEXT_MENU = 15  # of each kind: user, message
# Names, descriptions and choices of a command and all its options. Discord documents 8,000 now and
# 4,000 before; staying under the older figure keeps room for localisations.
MAX_TOTAL_CHARS = 4000
SUBCOMMAND, GROUP = 1, 2


def _name_problem(name: Any) -> str | None:
    if not isinstance(name, str) or not NAME.match(name):
        return "a name must be 1-32 letters, digits, - _ or '"
    if name != name.lower():
        return "a name must be lowercase"
    return None


def _size(item: dict[str, Any]) -> int:
    total = len(item.get("name") or "") + len(item.get("description") or "")
    for choice in item.get("choices") or []:
        total += len(str(choice.get("name", ""))) + len(str(choice.get("value", "")))
    return total + sum(_size(option) for option in item.get("options") or [])


def _check_description(item: dict[str, Any], where: str, found: list[str]) -> None:
    description = item.get("description") or ""
    if not 1 <= len(description) <= MAX_DESCRIPTION:
        found.append(f"{where}: a description must be 1-{MAX_DESCRIPTION} characters ({len(description)})")


def _check_options(options: list[dict[str, Any]], where: str, found: list[str]) -> None:
    if len(options) > MAX_OPTIONS:
        found.append(f"{where}: at most {MAX_OPTIONS} options (has {len(options)})")
    names = [o.get("name") for o in options]
    for twice in sorted({n for n in names if names.count(n) > 1}):
        found.append(f"{where}: two options are named {twice!r}")
    optional_seen = None
    for option in options:
        at = f"{where} {option.get('name')}"
        problem = _name_problem(option.get("name"))
        if problem:
            found.append(f"{at}: {problem}")
        _check_description(option, at, found)
        if option.get("type") in (SUBCOMMAND, GROUP):
            _check_options(option.get("options") or [], at, found)
            continue
        if option.get("required"):
            if optional_seen is not None:
                found.append(f"{at}: a required option must come before optional ones ({optional_seen})")
        else:
            optional_seen = optional_seen or option.get("name")
        choices = option.get("choices") or []
        if len(choices) > MAX_CHOICES:
            found.append(f"{at}: at most {MAX_CHOICES} choices (has {len(choices)})")
        if choices and option.get("autocomplete"):
            found.append(f"{at}: an option has choices or autocomplete, not both")
        for choice in choices:
            name, value = str(choice.get("name", "")), choice.get("value")
            if not 1 <= len(name) <= MAX_CHOICE:
                found.append(f"{at}: choice name {name[:40]!r} must be 1-{MAX_CHOICE} characters")
            if isinstance(value, str) and not 1 <= len(value) <= MAX_CHOICE:
                found.append(f"{at}: choice value {value[:40]!r} must be 1-{MAX_CHOICE} characters")


def problems(commands: list[dict[str, Any]]) -> list[str]:
    """Every way `commands` (as registered) break Discord's limits, one sentence each."""
    found: list[str] = []
    by_kind: dict[int, list[str]] = {}
    for command in commands:
        kind = command.get("type", 1)
        name = command.get("name") or ""
        by_kind.setdefault(kind, []).append(name)
        if kind != 1:  # a context-menu command: any 1-32 characters, no description, no options
            where = f"“{name}”"
            if not 1 <= len(name) <= 32:
                found.append(f"{where}: a context-menu name must be 1-32 characters")
            if command.get("description") or command.get("options"):
                found.append(f"{where}: a context-menu command has no description or options")
            continue
        where = f"/{name}"
        problem = _name_problem(name)
        if problem:
            found.append(f"{where}: {problem}")
        _check_description(command, where, found)
        _check_options(command.get("options") or [], where, found)
        size = _size(command)
        if size > MAX_TOTAL_CHARS:
            found.append(
                f"{where}: {size} characters in names, descriptions, choices (max {MAX_TOTAL_CHARS})"
            )
    for kind, names in by_kind.items():
        for twice in sorted({n for n in names if names.count(n) > 1}):
            found.append(f"two commands are named {twice!r}")
        limit = MAX_GLOBAL_CHAT_INPUT if kind == 1 else MAX_CONTEXT_MENU
        if len(names) > limit:
            found.append(f"at most {limit} commands of type {kind} (has {len(names)})")
    return found
