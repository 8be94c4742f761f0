"""Asked in a DM when Studyhall can't tell which of the user's courses is meant."""

from __future__ import annotations

import discord

from bot.context import account, app_of
from bot.limits import LABEL, MAX_CHOICES, clip
from bot.views.base import View


class CoursePicker(View):
    def __init__(self, courses: list[tuple[str, str]]):
        super().__init__(timeout=600)
        self.select = discord.ui.Select(
            placeholder="Choose your course",
            options=[discord.SelectOption(label=clip(name, LABEL), value=cid) for cid, name in courses][
                :MAX_CHOICES
            ],
        )
        self.select.callback = self.chosen
        self.add_item(self.select)

    async def chosen(self, interaction: discord.Interaction) -> None:
        app = app_of(interaction)
        user = await account(interaction)
        course = await app.courses.get_by_id(self.select.values[0])
        await app.accounts.enter_course(user.id, course.id)
        await interaction.response.edit_message(
            content=f"✅ Using **{discord.utils.escape_markdown(course.name)}** from now on in DMs. "
            "Run your command again.",
            view=None,
            allowed_mentions=discord.AllowedMentions.none(),
        )
