"""Taking a student's public words out of Discord: the bot deletes its own answer messages through
the channel API (an interaction's webhook expires after 15 minutes), and says plainly what it could
not reach."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import discord

from core.app import App
from core.models.posts import PublicPost

log = logging.getLogger(__name__)

LINKS_SHOWN = 5  # links to messages the bot could not delete, so a moderator can


@dataclass
class Takedown:
    removed: list[PublicPost] = field(default_factory=list)  # deleted now, or already gone
    unreachable: list[PublicPost] = field(default_factory=list)  # the bot may not see the channel
    later: list[PublicPost] = field(default_factory=list)  # Discord failed: tried again later


async def take_down(client: discord.Client, app: App, posts: Sequence[PublicPost]) -> Takedown:
    """Delete each post; forget the record of every one that is settled (deleted, gone, or out
    of reach). Posts Discord failed on stay recorded, nobody's, for the next sweep."""
    outcome = Takedown()
    for post in posts:
        guild = int(post.guild_id) if post.guild_id else None
        channel = client.get_partial_messageable(int(post.channel_id), guild_id=guild)
        try:
            await channel.get_partial_message(int(post.message_id)).delete()
            outcome.removed.append(post)
        except discord.NotFound:  # a moderator deleted it, or the channel is gone
            outcome.removed.append(post)
        except discord.Forbidden:  # retrying would only earn the bot invalid-request strikes
            outcome.unreachable.append(post)
        except discord.HTTPException:
            log.warning("could not delete message %s in channel %s", post.message_id, post.channel_id)
            outcome.later.append(post)
    await app.public_posts.taken_down([*outcome.removed, *outcome.unreachable])
    return outcome


def said(outcome: Takedown) -> str:
    """What the student is told about their public messages; empty when there were none."""
    parts = []
    if outcome.removed:
        n = len(outcome.removed)
        parts.append(f"{n} public answer{'s were' if n != 1 else ' was'} removed from Discord.")
    if outcome.unreachable:
        n = len(outcome.unreachable)
        where = "that channel" if len({p.channel_id for p in outcome.unreachable}) == 1 else "those channels"
        links = " ".join(f"<{p.link}>" for p in outcome.unreachable[:LINKS_SHOWN])
        more = f" and {n - LINKS_SHOWN} more" if n > LINKS_SHOWN else ""
        parts.append(
            f"{_messages(n)} could not be deleted: the bot no longer sees {where}. "
            f"A moderator of the server can delete {'it' if n == 1 else 'them'}: {links}{more}"
        )
    if outcome.later:
        parts.append(
            f"{_messages(len(outcome.later))} could not be deleted yet: Discord did not answer. "
            "The bot will try again on its own."
        )
    return " ".join(parts)


def _messages(n: int) -> str:
    return f"{n} message{'s' if n != 1 else ''}"
