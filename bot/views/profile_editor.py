"""The profile editor: select menus that save each choice at once, on two pages (Discord allows five
rows a message), and a button opening a form for free text. Every item carries its whole state in
its custom_id, so an editor left open keeps working after the bot restarts."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import discord

from bot import respond
from bot.context import account, app_of
from bot.limits import LABEL, MAX_CHOICES, clip, fit_embed
from bot.views.base import Modal, View, reported
from core import languages, validation
from core.models.accounts import Profile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Question:
    label: str
    options: tuple[str, ...]
    multiple: bool
    page: int


QUESTIONS = {
    "experience_level": Question("Experience level", validation.EXPERIENCE_LEVELS, False, 0),
    "programming_languages": Question("Programming languages", validation.PROGRAMMING_LANGUAGES, True, 0),
    "frameworks": Question("Frameworks", validation.FRAMEWORKS, True, 0),
    "available_hardware": Question("Available hardware", validation.AVAILABLE_HARDWARE, True, 1),
    "robotics_hardware": Question("Robotics hardware", validation.ROBOTICS_HARDWARE, True, 1),
}
PAGES = ("Level & software", "Hardware")
_FIELD = "|".join(QUESTIONS)
NONE = "—"


def profile_embed(profile: Profile) -> discord.Embed:
    def listed(values: list[str]) -> str:
        return ", ".join(discord.utils.escape_markdown(v) for v in values) or NONE

    embed = discord.Embed(title="Your Studyhall profile", colour=discord.Colour.blurple())
    embed.add_field(name="Experience level", value=profile.experience_level or "not set yet", inline=True)
    language = profile.preferred_language
    embed.add_field(name="Preferred language", value=f"{languages.name_of(language)} ({language})")
    embed.add_field(name="On leaderboards", value="shown" if profile.leaderboard_visible else "hidden")
    for field in ("programming_languages", "frameworks", "available_hardware", "robotics_hardware"):
        embed.add_field(name=QUESTIONS[field].label, value=listed(getattr(profile, field)), inline=False)
    embed.add_field(name="Interests", value=listed(profile.interests), inline=False)
    if profile.completed_at is None:
        embed.set_footer(text="Fill it in with /profile set: explanations and recommendations use it.")
    return fit_embed(embed)


def editor(profile: Profile, page: int = 0) -> View:
    """The menus of one page, showing what is chosen now, and the buttons under them."""
    view = View(timeout=None)
    for field, question in QUESTIONS.items():
        if question.page == page:
            view.add_item(PickAnswer(field, _chosen(profile, field)))
    view.add_item(TurnPage(1 - page))
    view.add_item(EditAbout())
    return view


def _chosen(profile: Profile, field: str) -> list[str]:
    value = getattr(profile, field)
    return [value] if isinstance(value, str) else list(value or [])


def _readable(values: list[str]) -> str:
    return ", ".join(values) if values else "nothing"


class PickAnswer(discord.ui.DynamicItem[discord.ui.Select], template=rf"sh:profile:pick:(?P<field>{_FIELD})"):
    def __init__(self, field: str, chosen: list[str] | None = None):
        question = QUESTIONS[field]
        chosen = chosen or []
        options = [
            discord.SelectOption(label=clip(option, LABEL), value=option, default=option in chosen)
            for option in question.options
        ][:MAX_CHOICES]
        super().__init__(
            discord.ui.Select(
                custom_id=f"sh:profile:pick:{field}",
                placeholder=question.label + (" (choose any)" if question.multiple else ""),
                min_values=0,  # deselecting everything clears the answer, as the editor says
                max_values=len(options) if question.multiple else 1,
                options=options,
            )
        )
        self.field = field

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item, match: re.Match[str]
    ) -> PickAnswer:
        return cls(match["field"])

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        question = QUESTIONS[self.field]
        values = list(self.item.values)
        value: str | list[str] | None = values if question.multiple else (values[0] if values else None)
        user = await account(interaction)
        profile = await app_of(interaction).accounts.update_profile(
            user.id, surface="discord", **{self.field: value}
        )
        log.debug("profile field %s saved for %s", self.field, user.id)
        saved = f"✅ Saved — {question.label.lower()}: {_readable(_chosen(profile, self.field))}."
        await respond.edit(
            interaction, saved, embed=profile_embed(profile), view=editor(profile, question.page)
        )


class TurnPage(discord.ui.DynamicItem[discord.ui.Button], template=r"sh:profile:page:(?P<page>[01])"):
    def __init__(self, page: int):
        super().__init__(
            discord.ui.Button(
                label=f"{PAGES[page]} ›" if page else f"‹ {PAGES[page]}",
                style=discord.ButtonStyle.secondary,
                custom_id=f"sh:profile:page:{page}",
            )
        )
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item, match: re.Match[str]
    ) -> TurnPage:
        return cls(int(match["page"]))

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        user = await account(interaction)
        profile = await app_of(interaction).accounts.profile(user.id)
        await respond.edit(
            interaction, intro(self.page), embed=profile_embed(profile), view=editor(profile, self.page)
        )


class EditAbout(discord.ui.DynamicItem[discord.ui.Button], template=r"sh:profile:about"):
    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label="Interests & language…", style=discord.ButtonStyle.primary, custom_id="sh:profile:about"
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item, match: re.Match[str]
    ) -> EditAbout:
        return cls()

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        user = await account(interaction)
        profile = await app_of(interaction).accounts.profile(user.id)
        await interaction.response.send_modal(AboutForm(profile))


class AboutForm(Modal, title="Interests and language"):
    interests = discord.ui.TextInput(
        label="Interests (separated by commas)",
        custom_id="interests",
        style=discord.TextStyle.paragraph,
        required=False,
        max_length=1000,
        placeholder="e.g. humanoids, reinforcement learning, computer vision",
    )
    language = discord.ui.TextInput(
        label="Preferred language (e.g. Spanish or es)",
        custom_id="language",
        required=False,
        min_length=2,
        max_length=2,
        placeholder="en, es, ur, hi, zh…",
    )

    def __init__(self, profile: Profile):
        super().__init__(custom_id="sh:profile:about-form", timeout=900)
        self.interests.default = ", ".join(profile.interests)
        self.language.default = profile.preferred_language

    async def on_submit(self, interaction: discord.Interaction) -> None:
        changes: dict[str, object] = {"interests": split_interests(self.interests.value)}
        if self.language.value.strip():
            changes["preferred_language"] = self.language.value
        user = await account(interaction)
        profile = await app_of(interaction).accounts.update_profile(user.id, surface="discord", **changes)
        await respond.reply(
            interaction,
            "✅ Saved your interests and preferred language.",
            embed=profile_embed(profile),
            ephemeral=True,
        )


def split_interests(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n;]", text or "") if part.strip()]


def intro(page: int = 0) -> str:
    return (
        f"**Your profile — {PAGES[page]}.** Each choice is saved as soon as you make it "
        "(deselect everything in a menu to clear it)."
    )


ITEMS = (PickAnswer, TurnPage, EditAbout)
