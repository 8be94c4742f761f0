"""The "no, keep it" half of a delete confirmation: nothing changes, the question goes away."""

from __future__ import annotations

import re

import discord

from bot import respond
from bot.views.base import reported

# feature → (button label, what the message says after)
KEPT = {
    "privacy": ("Cancel", "Nothing was deleted."),
    "hist": ("Keep it", "Kept — nothing was deleted."),
}


class KeepIt(discord.ui.DynamicItem[discord.ui.Button], template=r"sh:(?P<feature>privacy|hist):keep"):
    def __init__(self, feature: str):
        label, self.said = KEPT[feature]
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.secondary, custom_id=f"sh:{feature}:keep"
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item, match: re.Match[str]
    ):
        return cls(match["feature"])

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        await respond.edit(interaction, self.said, view=None)
