"""/book ingest and /book status: instructors refresh the course's book and see what is stored."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import discord
from discord import app_commands
from discord.ext import commands

from bot import respond, token_life
from bot.command_contexts import SERVER_ONLY
from bot.context import app_of, who
from bot.downloads import read_capped
from bot.ingest_progress import ThrottledProgress
from bot.limits import clip, fit_embed
from bot.respond import NO_MENTIONS
from core.books.folders import shown
from core.books.ingest import IngestReport
from core.books.layout import SAMPLE_BOOK_ROOT
from core.books.library import IngestRunning
from core.books.sample import course_for_sample
from core.books.status import BookStatus
from core.books.upload import BookUpload, UploadResult, too_large
from core.errors import InvalidInput

log = logging.getLogger(__name__)

STAFF_ONLY = discord.Permissions(manage_guild=True)
NO_FOLDER = (
    "This course has no book folder yet: set it with `/course config book_folder:…`, then run this again."
)
LISTED = 10  # file names shown per kind before "and N more"


def _files(paths: list[str]) -> str:
    shown = ", ".join(f"`{p}`" for p in paths[:LISTED])
    return shown + (f" and {len(paths) - LISTED} more" if len(paths) > LISTED else "")


def search_mode(model: str | None, reason: str | None = None) -> str:
    if model:
        return f"semantic + keyword (`{model}`)"
    return "keyword-only" + (f" — {reason}" if reason else "")


def ingest_embed(report: IngestReport) -> discord.Embed:
    failed = bool(report.failed)
    embed = discord.Embed(
        title="📚 Book ingested" + (" with errors" if failed else ""),
        colour=discord.Colour.orange() if failed else discord.Colour.green(),
        description=(
            f"**{len(report.added)}** added · **{len(report.changed)}** changed · "
            f"**{len(report.unchanged)}** unchanged · **{len(report.removed)}** removed · "
            f"**{len(report.failed)}** failed\n"
            f"**{report.chunks}** passages stored, {report.embedded} embedded, "
            f"{report.reused_vectors} reused · {report.seconds:.1f} s"
        ),
    )
    model = None if report.lexical_only_reason else report.embedding_model
    embed.add_field(name="Search", value=search_mode(model, report.lexical_only_reason), inline=False)
    for name, paths in (("Added", report.added), ("Changed", report.changed), ("Removed", report.removed)):
        if paths:
            embed.add_field(name=name, value=_files(paths), inline=False)
    for path, error in report.failed[:LISTED]:
        embed.add_field(name=f"❌ {clip(path, 200)}", value=clip(error, 500), inline=False)
    if report.skipped_links:
        embed.add_field(
            name="🔗 Symbolic links, not followed",
            value=_files(report.skipped_links) + " — copy the files into the book instead.",
            inline=False,
        )
    embed.set_footer(text=f"Book revision {report.revision}")
    return fit_embed(embed)


def upload_embed(result: UploadResult) -> discord.Embed:
    embed = ingest_embed(result.report)
    unpacked = result.unpacked
    value = f"**{len(unpacked.files)}** book files unpacked · **{len(unpacked.skipped)}** skipped"
    if unpacked.skipped:
        value += " (not read by ingestion): " + _files(unpacked.skipped)
    embed.insert_field_at(0, name="📦 Upload", value=value, inline=False)
    return fit_embed(embed)


def status_embed(status: BookStatus, course_name: str, books_root: Path | None = None) -> discord.Embed:
    embed = discord.Embed(title=f"📚 The book of {clip(course_name, 200)}", colour=discord.Colour.blurple())
    if not status.ingested:
        embed.description = "Not ingested yet: set `/course config book_folder:…`, then run `/book ingest`."
        return fit_embed(embed)
    embed.description = (
        f"**{status.ready}** of {status.documents} documents searchable · **{status.sections}** sections · "
        f"**{status.chunks}** passages"
    )
    embed.add_field(name="Search", value=search_mode(status.embedding_model), inline=False)
    embed.add_field(name="Last ingest", value=discord.utils.format_dt(status.ingested_at, "R"))
    embed.add_field(name="Revision", value=str(status.revision))
    folder = shown(status.book_path, books_root) if books_root else status.book_path
    if folder:
        embed.add_field(name="Folder", value=f"`{clip(folder, 900)}`", inline=False)
    if status.processing:
        embed.add_field(
            name="⚠️ Interrupted",
            value=_files(status.processing) + " — run `/book ingest` again.",
            inline=False,
        )
    for failed in status.failed[:LISTED]:
        embed.add_field(name=f"❌ {clip(failed.path, 200)}", value=clip(failed.error, 500), inline=False)
    return fit_embed(embed)


class BookCog(commands.Cog, name="Book"):
    book = app_commands.Group(
        name="book",
        description="Re-ingest the course's book and see its state (instructors)",
        default_permissions=STAFF_ONLY,
        guild_only=True,
        allowed_contexts=SERVER_ONLY,
    )

    def __init__(self, bot: commands.Bot):
        self.bot = bot
        # Injected by tests: how often progress may be shown, and the clock that measures it.
        self.progress_interval = 1.0
        self.progress_clock = time.monotonic

    @book.command(name="ingest")
    @app_commands.describe(
        sample="Load the sample book shipped with Studyhall instead of the course's book folder",
        replace="With sample: replace the course's own book (and clear its book folder)",
    )
    async def ingest(
        self, interaction: discord.Interaction, sample: bool = False, replace: bool = False
    ) -> None:
        """Re-ingest the course's book folder (or load the sample book), showing progress."""
        found = await who(interaction)
        app = app_of(interaction)
        await app.staff.require(found.user, found.course)
        course = found.course
        if not sample and not course.book_path:
            raise InvalidInput("book folder", NO_FOLDER)
        if app.library.ingesting(course.id):  # said at once; the core refuses it anyway
            await respond.reply(interaction, str(IngestRunning()), ephemeral=True)
            return
        if sample:  # refused before anything is deferred or read when it would replace another book
            course = await course_for_sample(app.courses, app.library, course, replace=replace)
        with app.library.exclusive(course):
            await interaction.response.defer(ephemeral=True, thinking=True)

            async def show(text: str) -> None:
                if token_life.usable(interaction):  # progress nobody can see is not worth a call
                    await interaction.edit_original_response(content=text, allowed_mentions=NO_MENTIONS)

            progress = ThrottledProgress(show, interval=self.progress_interval, clock=self.progress_clock)
            try:
                # The sample, or the course's folder: never a host path Discord staff chose.
                folder = SAMPLE_BOOK_ROOT if sample else app.courses.folder_to_ingest(course)
                report = await app.library.ingest_held(course, folder, progress=progress)
            except Exception:
                await progress.finish()
                await show("❌ The ingest stopped.")  # not left saying it is still running; why follows
                raise
            await progress.finish()
        what = "sample book" if sample else "book"
        log.info("%s of %s ingested from Discord by %s", what, course.slug, found.user.id)
        # An ingest can outlive the 15-minute token: then the summary goes to the channel the
        # instructor ran it in (else to their DMs), so the result is never lost.
        await respond.edit(interaction, None, embed=ingest_embed(report), late_in_channel=True)

    @book.command(name="upload")
    @app_commands.describe(
        file="A .zip of the book's folder: Markdown, _category_ files, syllabus.yaml, quizzes/"
    )
    async def upload(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        """Upload the book as a .zip: it becomes the course's book folder and is ingested."""
        found = await who(interaction)
        app = app_of(interaction)
        await app.staff.require(found.user, found.course)
        uploads = BookUpload(app.settings, app.courses, app.library)
        uploads.check_size(file.size)  # before a byte is downloaded
        if app.library.ingesting(found.course.id):
            await respond.reply(interaction, str(IngestRunning()), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)

        async def show(text: str) -> None:
            if token_life.usable(interaction):
                await interaction.edit_original_response(content=text, allowed_mentions=NO_MENTIONS)

        await show("⏳ Downloading the .zip…")
        data = await read_capped(self.bot, file, uploads.max_bytes, lambda: too_large(uploads.max_bytes))
        await show("⏳ Unpacking the .zip…")
        progress = ThrottledProgress(show, interval=self.progress_interval, clock=self.progress_clock)
        try:
            result = await uploads.upload(found.course, data, progress)
        finally:
            await progress.finish()
        log.info("book of %s uploaded from Discord by %s", found.course.slug, found.user.id)
        await respond.edit(interaction, None, embed=upload_embed(result), late_in_channel=True)

    @book.command(name="status")
    async def status(self, interaction: discord.Interaction) -> None:
        """What the book holds: documents, sections, passages, failed files, search mode."""
        found = await who(interaction)
        app = app_of(interaction)
        await app.staff.require(found.user, found.course)
        status = await app.library.status(found.course)
        embed = status_embed(status, found.course.name, app.courses.books_root())
        await respond.reply(interaction, embed=embed, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(BookCog(bot))
