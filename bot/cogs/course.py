"""/course setup and /course config: an instructor binds the server to a course and configures it."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import respond
from bot.autocomplete import book_folders
from bot.channel_option import ChannelOption, require_bot_can_post, require_this_servers
from bot.cogs.base import FeatureCog
from bot.command_contexts import SERVER_ONLY
from bot.context import account, app_of, who
from bot.limits import MAX_CHOICES, clip, fit_embed
from bot.role_option import require_this_servers_role
from bot.staff_list import ROLE_WORDS, staff_embed
from bot.views.binding import CancelMove, ConfirmMove, bound_words, confirmation
from core.books.folders import shown
from core.courses import ANSWER_MODES, ANSWER_STYLES
from core.errors import InvalidInput
from core.models.accounts import Course, GuildBinding, User

log = logging.getLogger(__name__)

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
STAFF_ONLY = discord.Permissions(manage_guild=True)
# What `clear:` can unset: the option's name → the course setting it stores (None: the server's
# leaderboard channel). Discord never sends an empty text, and a channel option cannot be emptied.
CLEARABLE = {
    "book_url": "book_url",
    "book_folder": "book_path",
    "leaderboard_channel": None,
    "staff_channel": None,
    "welcome": "welcome_text",
    "model": "llm_model",
    "staff_only": "staff_only",
}
STAFF_CHOICES = [
    app_commands.Choice(name="TA", value="ta"),
    app_commands.Choice(name="instructor", value="instructor"),
]


def config_embed(
    course: Course, binding: GuildBinding | None, books_root: Path | None = None
) -> discord.Embed:
    channel = binding.leaderboard_channel_id if binding else None
    staff = binding.staff_channel_id if binding else None
    folder = shown(course.book_path, books_root) if books_root else course.book_path
    embed = discord.Embed(
        title=f"⚙️ {clip(course.name, 200)} (`{course.slug}`)", colour=discord.Colour.blurple()
    )
    rows = {
        "Hourly question quota": str(course.hourly_question_quota)
        + (" (students cannot ask)" if course.hourly_question_quota == 0 else ""),
        "Model": course.llm_model or "the server's default",
        "Answer style": course.answer_style,
        "Answer mode": course.answer_mode,
        "Book URL": course.book_url or "not set (citations are not links)",
        "Book folder": f"`{folder}`" if folder else "not set",
        "Leaderboard channel": f"<#{channel}>" if channel else "none (no weekly post)",
        "Leaderboard day": DAYS[course.leaderboard_day],
        "Staff channel": f"<#{staff}>" if staff else "none (Ask a TA says so)",
        "Answers in threads": "yes (each /ask gets a thread)" if course.answer_threads else "no",
        "Self-marked units count": "yes"
        if course.self_marked_counts
        else "no (reading or a quiz must back them)",
        "Welcome text": course.welcome_text or "none",
        "Staff-only pages": clip(", ".join(f"`{p}`" for p in course.staff_only), 1000)
        or "only those the book marks",
    }
    for name, value in rows.items():
        wide = name in ("Book folder", "Welcome text", "Staff-only pages")
        embed.add_field(name=name, value=value, inline=not wide)
    return fit_embed(embed)


STAFF_GREETING = (
    "🙋 Students' questions the book can't answer come here when they press **Ask a TA**, each with a "
    "thread to answer in."
)
CANT_POST_STAFF = (
    "I can't post in <#{channel}>: let me View Channel, Send Messages, Embed Links and Create Public "
    "Threads there, or pick another channel."
)


async def _greet_staff(interaction: discord.Interaction, channel_id: int) -> None:
    """The staff channel must take the bot's posts: a first one, saying what will come, proves it."""
    messageable = interaction.client.get_partial_messageable(channel_id, guild_id=interaction.guild_id)
    try:
        await messageable.send(STAFF_GREETING, allowed_mentions=respond.NO_MENTIONS)
    except (discord.Forbidden, discord.NotFound) as refused:
        raise InvalidInput("staff channel", CANT_POST_STAFF.format(channel=channel_id)) from refused


class CourseCog(FeatureCog, name="Course"):
    course = app_commands.Group(
        name="course",
        description="Bind this server to a course and configure it (instructors)",
        default_permissions=STAFF_ONLY,
        guild_only=True,
        allowed_contexts=SERVER_ONLY,
    )

    staff = app_commands.Group(name="staff", description="The course's instructors and TAs", parent=course)

    dynamic_items = (ConfirmMove, CancelMove)

    @course.command(name="setup")
    @app_commands.describe(
        slug="The course's short id, e.g. robotics-101 (created if new)",
        name="The course's full name, when creating it",
        code="A one-time code from the operator, to bind a course you don't teach yet",
    )
    async def setup(
        self, interaction: discord.Interaction, slug: str, name: str | None = None, code: str | None = None
    ) -> None:
        """Bind this server to a new course, or to one you teach (or have a code for)."""
        # Not who(): the server may not be bound to any course yet.
        user = await account(interaction)
        binding = await app_of(interaction).staff.setup_guild(
            user,
            str(interaction.guild_id),
            slug,
            name,
            manages_guild=bool(interaction.permissions.manage_guild),
            code=code,
        )
        if not binding.done:
            # The code rides on the confirm button only when it is what lets this person bind.
            kept = (code or "").strip() if binding.via == "code" else None
            text, view = confirmation(binding, str(interaction.user.id), kept)
            await respond.reply(interaction, text, view=view, ephemeral=True)
            return
        log.info("guild %s bound to course %s by %s", interaction.guild_id, binding.course.slug, user.id)
        await respond.reply(interaction, bound_words(binding), ephemeral=True)

    @course.command(name="config")
    @app_commands.describe(
        quota="Questions each student may ask per hour (0 = no questions; staff are exempt)",
        model="The LLM model for answers, from the operator's list (clear:model returns to the default)",
        answer_style="How long answers should be",
        answer_mode="auto: LLM when available; llm: always; extractive: quotes from the book only",
        book_url="Where the book is published (https://…): citations link there",
        book_folder="The book's folder, under the bot's books folder (pick one), for /book ingest",
        welcome="A welcome text for new students",
        leaderboard_channel="Where the weekly leaderboard is posted",
        leaderboard_day="The day a week's leaderboard is frozen and posted",
        staff_only="Pages only staff see, as patterns: educator-resources/**, *solutions* (- clears)",
        self_marked_counts="Count units students only marked complete on the leaderboard (default: no)",
        staff_channel="Where Ask a TA hands students' questions the book can't answer",
        threads="Answer each /ask in a thread of its own (default: no)",
        clear="Unset one setting: back to its default (a cleared leaderboard channel stops the weekly post)",
    )
    @app_commands.choices(
        answer_style=[app_commands.Choice(name=s, value=s) for s in ANSWER_STYLES],
        answer_mode=[app_commands.Choice(name=m, value=m) for m in ANSWER_MODES],
        leaderboard_day=[app_commands.Choice(name=d, value=i) for i, d in enumerate(DAYS)],
        clear=[app_commands.Choice(name=option, value=option) for option in CLEARABLE],
    )
    @app_commands.autocomplete(book_folder=book_folders)
    async def config(
        self,
        interaction: discord.Interaction,
        quota: app_commands.Range[int, 0, 100_000] | None = None,
        model: str | None = None,
        answer_style: str | None = None,
        answer_mode: str | None = None,
        book_url: str | None = None,
        book_folder: str | None = None,
        welcome: str | None = None,
        leaderboard_channel: ChannelOption | None = None,
        leaderboard_day: int | None = None,
        staff_only: str | None = None,
        self_marked_counts: bool | None = None,
        staff_channel: ChannelOption | None = None,
        threads: bool | None = None,
        clear: str | None = None,
    ) -> None:
        """Change the course's settings (clear: unsets one); with no options, show them."""
        found = await who(interaction)
        app = app_of(interaction)
        await app.staff.require(found.user, found.course)
        typed = {
            "book_url": book_url,
            "book_folder": book_folder,
            "leaderboard_channel": leaderboard_channel,
            "welcome": welcome,
            "model": model,
            "staff_only": staff_only,
            "staff_channel": staff_channel,
        }
        if clear is not None and typed.get(clear) is not None:
            raise InvalidInput("clear", f"Give `{clear}:` or `clear:{clear}`, not both.")
        if leaderboard_channel is not None:  # checked before anything is saved
            await require_this_servers(interaction, leaderboard_channel.id)
            require_bot_can_post(interaction, leaderboard_channel.id)
        if staff_channel is not None:
            await require_this_servers(interaction, staff_channel.id)
            require_bot_can_post(interaction, staff_channel.id)
            await _greet_staff(interaction, staff_channel.id)
        options: dict[str, Any] = {
            "hourly_question_quota": quota,
            "llm_model": model,
            "answer_style": answer_style,
            "answer_mode": answer_mode,
            "book_url": book_url,
            "book_path": book_folder,
            "welcome_text": welcome,
            "leaderboard_day": leaderboard_day,
            "staff_only": None if staff_only is None else ("" if staff_only.strip() == "-" else staff_only),
            "self_marked_counts": self_marked_counts,
            "answer_threads": threads,
        }
        changes = {key: value for key, value in options.items() if value is not None}
        if clear is not None and CLEARABLE[clear] is not None:
            setting = CLEARABLE[clear]
            changes[setting] = "" if setting in ("welcome_text", "staff_only") else None  # their "unset"
        clears_channel = clear == "leaderboard_channel"
        clears_staff_channel = clear == "staff_channel"
        guild_id = str(interaction.guild_id)
        course = found.course
        if changes:
            course = await app.courses.configure(course.slug, **changes)
        if leaderboard_channel is not None:
            await app.courses.set_leaderboard_channel(guild_id, str(leaderboard_channel.id))
        if staff_channel is not None:
            await app.courses.set_staff_channel(guild_id, str(staff_channel.id))
        if clears_channel:  # no weekly post any more
            await app.courses.set_leaderboard_channel(guild_id, None)
        if clears_staff_channel:  # Ask a TA says no staff channel is set
            await app.courses.set_staff_channel(guild_id, None)
        binding = await app.courses.binding(guild_id)
        changed = (
            len(changes)
            + (leaderboard_channel is not None)
            + (staff_channel is not None)
            + clears_channel
            + clears_staff_channel
        )
        if changed:
            log.info("course %s configured: %s", course.slug, sorted(changes))
        note = f"✅ Saved {changed} setting(s)." if changed else "The course's settings:"
        embed = config_embed(course, binding, app.courses.books_root())
        await respond.reply(interaction, note, embed=embed, ephemeral=True)

    @staff.command(name="add")
    @app_commands.describe(user="The server member to make staff", role="Their role in the course")
    @app_commands.choices(role=STAFF_CHOICES)
    async def staff_add(
        self, interaction: discord.Interaction, user: discord.Member | discord.User, role: str
    ) -> None:
        """Make a member of this server a TA or an instructor of the course (instructors)."""
        found = await who(interaction)
        app = app_of(interaction)
        if not isinstance(user, discord.Member):  # Discord resolves anyone's id, member or not
            name = _named(user.global_name or user.name)
            raise InvalidInput(
                "member", f"{name} is not a member of this server: only its members can be staff."
            )
        person = await _account_of(interaction, user)
        name = user.display_name[:255]
        await app.course_staff.add(found.user, found.course, person, role, name=name)
        log.info("course %s: %s made %s by %s", found.course.slug, person.id, role, found.user.id)
        await respond.reply(
            interaction,
            f"✅ {_named(name)} is now {ROLE_WORDS[role]} of {found.course.name}.",
            ephemeral=True,
        )

    @staff.command(name="remove")
    @app_commands.describe(user="The staff member who becomes a student again")
    async def staff_remove(
        self, interaction: discord.Interaction, user: discord.Member | discord.User
    ) -> None:
        """Make a TA or an instructor a student again (instructors; never the last instructor)."""
        found = await who(interaction)
        app = app_of(interaction)
        person = await _account_of(interaction, user)
        await app.course_staff.remove(found.user, found.course, person)
        log.info("course %s: %s made student by %s", found.course.slug, person.id, found.user.id)
        name = _named(user.display_name)
        await respond.reply(
            interaction, f"✅ {name} is now a student of {found.course.name}.", ephemeral=True
        )

    @staff.command(name="list")
    async def staff_list(self, interaction: discord.Interaction) -> None:
        """The course's instructors and TAs, and the Discord roles that make people staff."""
        found = await who(interaction)
        app = app_of(interaction)
        members = await app.course_staff.members(found.user, found.course)
        mappings = await app.course_staff.mappings(found.user, found.course, str(interaction.guild_id))
        embed = staff_embed(found.course, members, mappings)
        await respond.reply(interaction, embed=embed, ephemeral=True)

    @staff.command(name="role")
    @app_commands.describe(
        discord_role="A role of this server, e.g. @TA",
        role="The course role whoever has it gets (none: the Discord role gives nothing any more)",
    )
    @app_commands.choices(role=[*STAFF_CHOICES, app_commands.Choice(name="none", value="none")])
    async def staff_role(
        self, interaction: discord.Interaction, discord_role: discord.Role, role: str
    ) -> None:
        """Give everyone with a Discord role of this server a course role (instructors)."""
        found = await who(interaction)
        app = app_of(interaction)
        await app.staff.require(found.user, found.course, instructor=True)  # before asking Discord
        await require_this_servers_role(interaction, discord_role.id)
        guild_id = str(interaction.guild_id)
        await app.course_staff.map_role(found.user, found.course, guild_id, str(discord_role.id), role)
        log.info("course %s: role %s maps to %s", found.course.slug, discord_role.id, role)
        mention = f"<@&{discord_role.id}>"
        text = (
            f"✅ {mention} no longer gives a course role; who had one through it is a student again "
            "the next time they use Studyhall."
            if role == "none"
            else f"✅ Everyone with {mention} is {ROLE_WORDS[role]} of {found.course.name} from their next "
            "command; losing the role takes it back (roles given by hand stay)."
        )
        await respond.reply(interaction, text, ephemeral=True)

    @config.autocomplete("model")
    async def _models(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """Only the operator's models (STUDYHALL_LLM_MODELS); anything else is refused when saved."""
        typed = current.strip().lower()
        offered = [m for m in app_of(interaction).courses.allowed_models() if typed in m.lower()]
        return [app_commands.Choice(name=m, value=m) for m in offered[:MAX_CHOICES]]


async def _account_of(interaction: discord.Interaction, member: discord.Member | discord.User) -> User:
    """The person's account, made now if they never used Studyhall (named on their first use)."""
    if member.bot:
        raise InvalidInput("member", "A bot cannot be on a course's staff: pick a person.")
    name = (member.global_name or member.name or str(member.id))[:255]
    return await app_of(interaction).accounts.resolve("discord", str(member.id), name)


def _named(name: str) -> str:
    return f"**{discord.utils.escape_markdown(name)}**"


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(CourseCog(bot))
