"""Modals that survive a restart. discord.py keeps a sent modal only in the memory of the process
that sent it, so a student still typing when the bot restarts would submit into the void. A Form
carries what it needs in its custom id (and its own fields); discord.py is given no copy, and the
bot's one handler rebuilds the form from the custom id of every submit, before or after a restart."""

from __future__ import annotations

import re
from typing import Any, ClassVar

import discord

from bot.views.base import Modal

REGISTRY = "studyhall_forms"  # bot attribute: the Form classes answered, by template


class Form(Modal):
    template: ClassVar[str]  # a regex the whole custom id must match

    @classmethod
    def from_custom_id(cls, match: re.Match[str]) -> Form:
        raise NotImplementedError


def register(bot: discord.Client, *forms: type[Form]) -> None:
    registry: dict[str, type[Form]] = bot.__dict__.setdefault(REGISTRY, {})
    for form in forms:
        registry[form.template] = form


def unregister(bot: discord.Client, *forms: type[Form]) -> None:
    registry: dict[str, type[Form]] = bot.__dict__.get(REGISTRY, {})
    for form in forms:
        registry.pop(form.template, None)


async def open_form(interaction: discord.Interaction, form: Form) -> None:
    """Show the form. Stopped first, so discord.py stores no in-memory copy that would answer the
    submit a second time: only dispatch() answers it."""
    form.stop()
    await interaction.response.send_modal(form)


async def dispatch(bot: discord.Client, interaction: discord.Interaction) -> bool:
    """Answer a modal submit whose custom id a registered Form claims; whether one did."""
    if interaction.type is not discord.InteractionType.modal_submit or not interaction.data:
        return False
    data: Any = interaction.data
    custom_id = data.get("custom_id") or ""
    for template, form_class in bot.__dict__.get(REGISTRY, {}).items():
        match = re.fullmatch(template, custom_id)
        if match is None:
            continue
        form = form_class.from_custom_id(match)
        form.stop()
        # discord.py's own submit path: the fields filled from the payload, on_submit, on_error.
        await form._scheduled_task(interaction, data.get("components") or [], data.get("resolved") or {})
        return True
    return False
