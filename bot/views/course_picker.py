"""Asked in a DM when Studyhall can't tell which of the user's courses is meant.

A DynamicItem, not an in-memory view: the choice needs nothing but the course picked, so a pick
made after the view's timeout or a restart still counts (an in-memory one died silently)."""

from __future__ import annotations

import re

import discord

from bot import respond
from bot.context import account, app_of
from bot.limits import LABEL, MAX_CHOICES, clip
from bot.views.base import View, reported
from core.errors import PermissionDenied


def course_picker(courses: list[tuple[str, str]]) -> View:
    view = View(timeout=None)
    view.add_item(PickCourse(courses))
    return view


class PickCourse(discord.ui.DynamicItem[discord.ui.Select], template=r"sh:course:pick"):
    def __init__(self, courses: list[tuple[str, str]] | None = None, item: discord.ui.Select | None = None):
        super().__init__(
            item
            or discord.ui.Select(
                custom_id="sh:course:pick",
                placeholder="Choose your course",
                options=[
                    discord.SelectOption(label=clip(name, LABEL), value=cid) for cid, name in courses or []
                ][:MAX_CHOICES],
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Select, match: re.Match[str]
    ) -> PickCourse:
        return cls(item=item)

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        app = app_of(interaction)
        user = await account(interaction)
        chosen = self.item.values[0] if self.item.values else ""
        # Only one of the user's own courses (the ones listed): a value is never trusted to enrol.
        course = await app.onboarding.pick_dm_course(user.id, chosen) if chosen else None
        if course is None:
            raise PermissionDenied("You are not in that course: pick one of yours.")
        await respond.edit(
            interaction,
            f"✅ Using **{discord.utils.escape_markdown(course.name)}** from now on in DMs. "
            "Run your command again.",
            view=None,
        )
