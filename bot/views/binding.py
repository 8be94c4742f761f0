"""What /course setup says, and its "move this server?" confirmation. The buttons carry their state
in the custom id (who asked, the course the server would leave, the course it would join, the
one-time code if one was given), so they work after a restart; only the person who asked may press
them, and the core checks everything again on the press."""

from __future__ import annotations

import logging
import re

import discord

from bot import respond
from bot.context import account, app_of
from bot.views.base import View, reported
from core.staff import LEAVING_PREFIX, Binding

log = logging.getLogger(__name__)

NEXT_STEPS = "Next: `/course config` (book folder, book URL, leaderboard channel), then `/book ingest`."
ROLE_WORDS = {
    "instructor": "and you are its instructor.",
    "ta": "and you stay one of its TAs.",
}
NOT_STAFF = "and your role in it is unchanged: its instructors can make you staff."
ONLY_THE_ASKER = "🔒 Only the person who ran `/course setup` can answer this."


def _course(course) -> str:
    return f"**{discord.utils.escape_markdown(course.name)}** (`{course.slug}`)"


def bound_words(binding: Binding) -> str:
    """The reply once the server is bound (or was already)."""
    if binding.already:
        return f"✅ This server is already the home of {_course(binding.course)}; nothing changed."
    text = f"✅ This server is now the home of {_course(binding.course)}, "
    text += ROLE_WORDS.get(binding.role or "", NOT_STAFF)
    if binding.left is not None:
        text += f"\nIt has left {_course(binding.left)}."
    if binding.role in ROLE_WORDS:
        text += "\n" + NEXT_STEPS
    return text


def confirmation(binding: Binding, user_id: str, code: str | None) -> tuple[str, View]:
    """The question asked before a server moves from one course to another, with its buttons."""
    assert binding.left is not None
    text = (
        f"⚠️ This server is the home of {_course(binding.left)}. Move it to {_course(binding.course)}? "
        f"It then leaves {_course(binding.left)}: members here will use {_course(binding.course)} instead."
    )
    if binding.created:
        text += f"\n(The course {_course(binding.course)} was created, and you are its instructor.)"
    view = View(timeout=None)
    view.add_item(ConfirmMove(user_id, binding.left.id[:LEAVING_PREFIX], binding.course.id, code))
    view.add_item(CancelMove(user_id))
    return text, view


class ConfirmMove(
    discord.ui.DynamicItem[discord.ui.Button],
    template=(
        r"sh:bind:ok:(?P<user>\d{15,21}):(?P<leave>[0-9a-f-]{8}):(?P<course>[0-9a-f-]{36})"
        r"(?::(?P<code>[A-Za-z0-9_-]{20}))?"
    ),
):
    def __init__(self, user_id: str, leave: str, course_id: str, code: str | None = None):
        custom_id = f"sh:bind:ok:{user_id}:{leave}:{course_id}" + (f":{code}" if code else "")
        super().__init__(
            discord.ui.Button(label="Move this server", style=discord.ButtonStyle.danger, custom_id=custom_id)
        )
        self.user_id, self.leave, self.course_id, self.code = user_id, leave, course_id, code

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item, match: re.Match[str]
    ):
        return cls(match["user"], match["leave"], match["course"], match["code"])

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        if str(interaction.user.id) != self.user_id or interaction.guild_id is None:
            await respond.reply(interaction, ONLY_THE_ASKER, ephemeral=True)
            return
        app = app_of(interaction)
        user = await account(interaction)
        course = await app.courses.get_by_id(self.course_id)
        binding = await app.staff.setup_guild(
            user,
            str(interaction.guild_id),
            course.slug,
            None,
            manages_guild=bool(interaction.permissions.manage_guild),
            code=self.code,
            leaving=self.leave,
        )
        if not binding.done:  # the server's course changed since the question: ask about the new one
            text, view = confirmation(binding, self.user_id, self.code)
            await respond.edit(interaction, text, view=view)
            return
        log.info("guild %s moved to course %s by %s", interaction.guild_id, course.slug, user.id)
        await respond.edit(interaction, bound_words(binding), view=None)


class CancelMove(discord.ui.DynamicItem[discord.ui.Button], template=r"sh:bind:no:(?P<user>\d{15,21})"):
    def __init__(self, user_id: str):
        super().__init__(
            discord.ui.Button(
                label="Cancel", style=discord.ButtonStyle.secondary, custom_id=f"sh:bind:no:{user_id}"
            )
        )
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item, match: re.Match[str]
    ):
        return cls(match["user"])

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        if str(interaction.user.id) != self.user_id or interaction.guild_id is None:
            await respond.reply(interaction, ONLY_THE_ASKER, ephemeral=True)
            return
        current = await app_of(interaction).courses.for_guild(str(interaction.guild_id))
        await respond.edit(
            interaction, f"Nothing changed: this server stays the home of {_course(current)}.", view=None
        )
