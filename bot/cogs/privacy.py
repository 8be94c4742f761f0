"""/privacy export|forget and /privacy leaderboard show|hide: a student's data, theirs to take or erase."""

from __future__ import annotations

import gzip
import io
import json
import logging
import re

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import respond
from bot.cogs.base import FeatureCog
from bot.context import account, app_of, course_of, existing_account
from bot.takedown import said, take_down
from bot.views.base import View, reported
from bot.views.keep import KeepIt

log = logging.getLogger(__name__)

CONFIRM_FOR = 600  # seconds a "forget me" confirmation stays valid
SWEEP_EVERY_MINUTES = 10  # how often public messages left by a CLI or MCP forget are taken down
NOTHING_STORED = "Studyhall has nothing stored about you."


def export_file(data: dict, limit: int) -> discord.File:
    """The export as JSON, gzipped when it would not fit in one attachment."""
    raw = json.dumps(data, indent=2, ensure_ascii=False, default=str).encode("utf-8")
    if len(raw) <= limit:
        return discord.File(io.BytesIO(raw), filename="studyhall-export.json")
    return discord.File(io.BytesIO(gzip.compress(raw)), filename="studyhall-export.json.gz")


class ConfirmForget(
    discord.ui.DynamicItem[discord.ui.Button], template=r"sh:privacy:forget:(?P<asked>\d{1,12})"
):
    """Forget me: carries when it was asked, so an old confirmation cannot be pressed days later."""

    def __init__(self, asked: int):
        super().__init__(
            discord.ui.Button(
                label="Yes, delete everything",
                style=discord.ButtonStyle.danger,
                custom_id=f"sh:privacy:forget:{asked}",
            )
        )
        self.asked = asked

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item, match: re.Match[str]
    ):
        return cls(int(match["asked"]))

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        now = app_of(interaction).clock().timestamp()
        if now - self.asked > CONFIRM_FOR:
            await respond.edit(
                interaction, "⌛ That confirmation expired; run `/privacy forget` again.", view=None
            )
            return
        user = await existing_account(interaction)  # asking about your data creates none
        if user is None:
            await respond.edit(interaction, NOTHING_STORED, view=None)
            return
        app = app_of(interaction)
        posts = await app.public_posts.of_user(user.id)
        if posts:
            await interaction.response.defer()  # deleting messages can outlast Discord's 3 seconds
        removed = await app.privacy.forget(user.id, surface="discord")
        log.info("a Discord user was forgotten (%d rows)", sum(removed.values()))
        public = said(await take_down(interaction.client, app, posts)) if posts else ""
        await respond.edit(
            interaction,
            f"🗑️ Done: your account and everything about it are deleted ({sum(removed.values())} records). "
            + (f"{public} " if public else "")
            + "If you use Studyhall again you start afresh.",
            view=None,
        )


class PrivacyCog(FeatureCog, name="Privacy"):
    privacy = app_commands.Group(name="privacy", description="Your data: take it, erase it, or hide it")
    leaderboard = app_commands.Group(
        name="leaderboard", description="Show or hide yourself on leaderboards", parent=privacy
    )

    dynamic_items = (ConfirmForget,)

    async def cog_load(self) -> None:
        await super().cog_load()
        if getattr(self.bot, "app", None) is not None:
            self.sweep.start()

    async def cog_unload(self) -> None:
        await super().cog_unload()
        self.sweep.cancel()

    @tasks.loop(minutes=SWEEP_EVERY_MINUTES)
    async def sweep(self) -> None:
        await self.take_down_waiting()

    @sweep.before_loop
    async def _connected(self) -> None:
        await self.bot.wait_until_ready()

    async def take_down_waiting(self) -> int:
        """Delete public messages whose student was forgotten (or whose conversation was deleted)
        where the bot could not act at once, as from the CLI. Returns how many were removed."""
        app = self.bot.app  # type: ignore[attr-defined]
        posts = await app.public_posts.orphaned()
        if not posts:
            return 0
        outcome = await take_down(self.bot, app, posts)
        log.info("took down %d public message(s) left by forgotten students", len(outcome.removed))
        return len(outcome.removed)

    @privacy.command(name="export")
    async def export(self, interaction: discord.Interaction) -> None:
        """Everything Studyhall stores about you, as a JSON file (only you see it)."""
        user = await existing_account(interaction)  # asking about your data creates none
        if user is None:
            await respond.reply(interaction, NOTHING_STORED, ephemeral=True)
            return
        async with respond.working(interaction, ephemeral=True):
            data = await app_of(interaction).privacy.export(user.id, surface="discord")
            file = export_file(data, interaction.filesize_limit)
            await respond.reply(
                interaction, "📦 Here is everything Studyhall stores about you.", files=[file], ephemeral=True
            )

    @privacy.command(name="forget")
    async def forget(self, interaction: discord.Interaction) -> None:
        """Delete your account and all your data (asks you to confirm)."""
        if await existing_account(interaction) is None:  # asking about your data creates none
            await respond.reply(interaction, NOTHING_STORED, ephemeral=True)
            return
        asked = int(app_of(interaction).clock().timestamp())
        view = View(timeout=None)
        view.add_item(ConfirmForget(asked))
        view.add_item(KeepIt("privacy"))
        await respond.reply(
            interaction,
            "⚠️ This deletes your Studyhall account everywhere: profile, conversations, reading progress, "
            "quiz results, tokens and leaderboard standing. It cannot be undone. "
            "(Take a copy first with `/privacy export`.)",
            view=view,
            ephemeral=True,
        )

    @leaderboard.command(name="show")
    @app_commands.describe(only_this_course="Only in this server's course (default: all your courses)")
    async def show(self, interaction: discord.Interaction, only_this_course: bool = False) -> None:
        """Appear on leaderboards again."""
        await self._visibility(interaction, True, only_this_course)

    @leaderboard.command(name="hide")
    @app_commands.describe(only_this_course="Only in this server's course (default: all your courses)")
    async def hide(self, interaction: discord.Interaction, only_this_course: bool = False) -> None:
        """Stop appearing on leaderboards."""
        await self._visibility(interaction, False, only_this_course)

    async def _visibility(
        self, interaction: discord.Interaction, visible: bool, only_this_course: bool
    ) -> None:
        # All courses by default (and future ones, through the profile): hiding should mean hidden.
        app = app_of(interaction)
        user = await account(interaction)
        course = await course_of(interaction, user) if only_this_course else None
        if course is not None:
            await app.accounts.enter_course(user.id, course.id)
        await app.accounts.set_leaderboard_visibility(
            user.id, visible, surface="discord", course_id=course.id if course else None
        )
        where = f"in **{discord.utils.escape_markdown(course.name)}**" if course else "in all your courses"
        state = "👀 You are shown on leaderboards" if visible else "🙈 You are hidden from leaderboards"
        await respond.reply(interaction, f"{state} {where}.", ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(PrivacyCog(bot))
