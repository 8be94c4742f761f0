"""Ask a TA: under a "not in the book" answer, the asker hands the question to the course's staff
channel, which gets the question, the student's name in this server and a link back, and a thread
for staff to answer in. Only on the student's press, only the asker's, once."""

from __future__ import annotations

import logging
import re

import discord

from bot import respond
from bot.context import app_of, server_name
from bot.limits import EMBED_DESCRIPTION, clip
from bot.views.askers_only import for_the_asker
from bot.views.base import reported
from core.models.accounts import GuildBinding, User
from core.models.conversations import Asked
from core.models.handoffs import Handoff

log = logging.getLogger(__name__)

ANSWER_ID = r"(?P<answer>[0-9a-f-]{36})"
THREAD_NAME_CHARS = 100  # Discord's limit on a thread's name
NOT_YOURS = "Only the person who asked can hand this question to staff; ask your own with /ask."
IN_A_SERVER = "Ask a TA works in your class's server: ask the question there with /ask, then press it."
NO_STAFF_CHANNEL = (
    "🙋 This course has no staff channel yet, so I can't hand your question over. "
    "Ask your instructor to set one with `/course config staff_channel:`, or ask them directly."
)
CANT_POST = (
    "⚠️ I couldn't post in the staff channel (it may be gone, or I'm not allowed to post there), "
    "so nothing was handed over. Tell your instructor, or press again later."
)
SENT = "🙋 Sent to the course staff in <#{channel}>. They will answer in a thread there."
ALREADY = "🙋 You already handed this question to staff (<t:{when}:R>): they have it in <#{channel}>."


def answer_link(guild_id: int | str, channel_id: int | str, message_id: int | str) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


class AskStaff(discord.ui.DynamicItem[discord.ui.Button], template=r"sh:ask:ta:" + ANSWER_ID):
    def __init__(self, answer_id: str):
        super().__init__(
            discord.ui.Button(
                label="Ask a TA",
                emoji="🙋",
                style=discord.ButtonStyle.success,
                custom_id=f"sh:ask:ta:{answer_id}",
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]) -> AskStaff:
        return cls(match["answer"])

    @reported
    async def callback(self, interaction: discord.Interaction) -> None:
        app = app_of(interaction)
        if interaction.guild_id is None:
            await respond.reply(interaction, IN_A_SERVER, ephemeral=True)
            return
        binding = await app.courses.binding(str(interaction.guild_id))
        if not binding.staff_channel_id:  # said before anything is claimed: pressing later works
            asked = await for_the_asker(  # still only the asker hears it
                interaction,
                self.answer_id,
                lambda user: app.conversations.asked(user.id, self.answer_id),
                NOT_YOURS,
            )
            if asked is not None:
                await respond.reply(interaction, NO_STAFF_CHANNEL, ephemeral=True)
            return

        async def claim(user: User) -> tuple[User, Asked, Handoff | None]:
            asked, earlier = await app.handoffs.claim(user.id, self.answer_id)
            return user, asked, earlier

        claimed = await for_the_asker(interaction, self.answer_id, claim, NOT_YOURS)
        if claimed is None:
            return
        user, asked, earlier = claimed
        if earlier is not None:
            channel = earlier.channel_id or binding.staff_channel_id
            when = int(earlier.created_at.timestamp())
            await respond.reply(interaction, ALREADY.format(when=when, channel=channel), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)  # two posts to Discord follow
        posted = await _post(interaction, binding, asked.question)
        if posted is None:
            await app.handoffs.release(self.answer_id)
            await respond.reply(interaction, CANT_POST, ephemeral=True)
            return
        await app.handoffs.posted(self.answer_id, binding.staff_channel_id, str(posted.id))
        # The post carries the student's question: forget and delete take it down with the rest.
        await app.public_posts.remember(
            user.id,
            asked.conversation_id,
            guild_id=str(interaction.guild_id),
            channel_id=binding.staff_channel_id,
            message_id=str(posted.id),
        )
        log.info("answer %s handed to staff in %s", self.answer_id, binding.staff_channel_id)
        await respond.reply(interaction, SENT.format(channel=binding.staff_channel_id), ephemeral=True)


async def _post(
    interaction: discord.Interaction, binding: GuildBinding, question: str
) -> discord.Message | None:
    """The question in the staff channel, with a thread opened on it; None if Discord refused the post.
    A thread refused (no permission to open threads there) still leaves the post for staff."""
    client = interaction.client
    channel_id = int(binding.staff_channel_id or 0)
    message = interaction.message
    link = answer_link(interaction.guild_id or 0, interaction.channel_id or 0, message.id if message else 0)
    who = server_name(interaction) or interaction.user.display_name
    embed = discord.Embed(
        title="🙋 A student asks staff: the book did not answer this",
        description=clip(question, EMBED_DESCRIPTION),
        colour=discord.Colour.green(),
    )
    embed.add_field(name="Student", value=clip(discord.utils.escape_markdown(who), 256), inline=True)
    if message is not None and message.flags.ephemeral:  # only the student can open a private answer
        asked_in = f"<#{interaction.channel_id}>, privately (only the student sees the answer)"
    else:
        asked_in = f"[the answer]({link}) in <#{interaction.channel_id}>"
    embed.add_field(name="Asked in", value=asked_in, inline=True)
    embed.set_footer(text="Answer in the thread below; the student can follow it from the link.")
    try:
        posted = await client.get_partial_messageable(channel_id, guild_id=interaction.guild_id).send(
            embed=embed, allowed_mentions=respond.NO_MENTIONS
        )
    except (discord.Forbidden, discord.NotFound):
        log.warning("could not post a hand-over in channel %s", channel_id, exc_info=True)
        return None
    name = clip(" ".join(question.split()), THREAD_NAME_CHARS)
    try:
        await client.http.start_thread_with_message(
            channel_id, posted.id, name=name, auto_archive_duration=10080
        )
    except discord.HTTPException:
        log.warning("could not open a thread on the hand-over in %s", channel_id, exc_info=True)
    return posted
