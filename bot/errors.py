"""The one place errors become words. Mistakes get a sentence that says what to do; anything
unexpected gets an apology while the traceback goes to the log."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from core.books.reading import BOOK_CHANGED
from core.errors import (
    AuthenticationFailed,
    InvalidInput,
    LlmRequired,
    NotFound,
    PermissionDenied,
    RateLimited,
    StudyhallError,
)

log = logging.getLogger(__name__)

APOLOGY = "Sorry — something went wrong on our side. It has been logged; please try again in a moment."
OUT_OF_DATE = (
    "🔧 This command is out of date: Discord still shows an old version of it. "
    "The operator has been told; in the meantime, press Ctrl+R (or restart the app) and try again."
)
SYNC_HINT = "run `studyhall-bot --sync` to register the bot's current commands with Discord"
# Discord still lists a command (or its old options) that this bot no longer has: not the user's
# mistake and not a bug in the code, but a registration the operator has to refresh.
STALE = (app_commands.CommandNotFound, app_commands.CommandSignatureMismatch)


class NeedsCourse(StudyhallError):
    """A DM from someone whose course can't be told: they are asked to pick one."""

    def __init__(self, courses: list[tuple[str, str]]):
        super().__init__("Which course is this for? Pick one below, then run the command again.")
        self.courses = courses  # (course id, course name)


# Things the core names by an internal key (a server id, a UUID, a button's short key, the DM
# placeholder "for you"): a student is told what is missing, in words, and never shown the key.
UNNAMED = {
    "course for this server": "This server isn't linked to a course yet.",
    "course": "",  # in a DM, "no course 'for you'": the hint says it all
    # Someone else's is reported exactly as a deleted one, so the words fit both.
    "conversation": "That conversation isn't in your history (it may have been deleted): see /history.",
    "answer": "That answer isn't stored any more (it may have been deleted).",
}
NO_AI_MODEL = (
    "{what} needs an AI model, and there is no AI model set up for Studyhall here. "
    "Ask your instructor; the book's own words are still there with /read and /ask."
)


def _not_found(error: NotFound) -> str:
    if error.kind == "chapter" and error.hint == BOOK_CHANGED:  # an old button's chapter short key
        return f"⚠️ That chapter is no longer in the book. {BOOK_CHANGED}"
    if error.kind in UNNAMED and (error.kind != "course" or error.key == "for you"):
        return "⚠️ " + " ".join(part for part in (UNNAMED[error.kind], error.hint) if part)
    return f"⚠️ {error}"


def unwrap(error: BaseException) -> BaseException:
    while isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        if isinstance(error, app_commands.TransformerError):
            return error
        error = error.original
    return error


def words(error: BaseException) -> str:
    """What to tell the person whose interaction failed."""
    error = unwrap(error)
    if isinstance(error, RateLimited):
        return f"⏳ {error}"
    if isinstance(error, NotFound):
        return _not_found(error)
    if isinstance(error, InvalidInput):
        return f"⚠️ {error}"
    if isinstance(error, PermissionDenied | AuthenticationFailed):
        return f"🔒 {error}"
    if isinstance(error, LlmRequired):  # ANTHROPIC_API_KEY is the operator's business, not a student's
        return "🔌 " + NO_AI_MODEL.format(what=error.what)
    if isinstance(error, StudyhallError):
        return str(error)
    if isinstance(error, app_commands.MissingPermissions):
        needed = ", ".join(p.replace("_", " ").replace("guild", "server") for p in error.missing_permissions)
        return f"🔒 You need the {needed} permission for this."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works in a class server, not in DMs."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"⏳ Slow down a little: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.TransformerError):
        return f"⚠️ {error.value!r} isn't a valid value for that option."
    if isinstance(error, app_commands.CheckFailure):
        return "🔒 You can't use this command here."
    if isinstance(error, STALE):
        return OUT_OF_DATE
    return APOLOGY


def is_expected(error: BaseException) -> bool:
    """A user's mistake or a known refusal, as opposed to a bug."""
    error = unwrap(error)
    if isinstance(error, STALE):
        return False
    return isinstance(error, StudyhallError | app_commands.AppCommandError)


def _command_name(error: BaseException) -> str:
    if isinstance(error, app_commands.CommandNotFound):
        return " ".join([*error.parents, error.name])
    command = getattr(error, "command", None)
    return getattr(command, "qualified_name", "?")


async def report(interaction: discord.Interaction, error: BaseException) -> None:
    """Tell the user, privately; log a bug with its traceback, a mistake at debug."""
    # Imported here: the picker view needs the bot, which needs this module.
    from bot.respond import reply
    from bot.views.course_picker import course_picker

    original = unwrap(error)
    if isinstance(original, STALE):
        log.warning("stale command registration (%s): %s", _command_name(original), SYNC_HINT)
    elif is_expected(original):
        log.debug("interaction refused: %s", original)
    else:
        command = interaction.command.qualified_name if interaction.command else interaction.data
        log.error("interaction failed (%s)", command, exc_info=original)
    view = course_picker(original.courses) if isinstance(original, NeedsCourse) else None
    try:
        await reply(interaction, words(original), view=view, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the user about an error", exc_info=True)
