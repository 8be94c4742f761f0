"""Buttons under an answer that only its asker may press (Follow up, Search the whole book, Ask a
TA): one rule for who may press and for an answer that is gone."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import discord

from bot import respond
from bot.context import app_of, existing_account
from core.errors import NotFound, PermissionDenied
from core.models.accounts import User

T = TypeVar("T")

GONE = (
    "📭 That answer is no longer stored: whoever asked deleted it (or their account), "
    "and its sources went with it. Ask your own question with /ask."
)


async def for_the_asker(
    interaction: discord.Interaction,
    answer_id: str,
    look_up: Callable[[User], Awaitable[T]],
    not_yours: str,
) -> T | None:
    """`look_up(user)` for the answer's asker (it raises NotFound for anyone else's answer); None
    once the answer is gone, after telling the presser so; PermissionDenied(`not_yours`) for anyone
    but the asker. A passer-by gets no account for pressing."""
    user = await existing_account(interaction)
    try:
        if user is None:
            raise NotFound("answer", answer_id)
        return await look_up(user)
    except NotFound as missing:
        if not await app_of(interaction).conversations.is_stored(answer_id):
            await respond.reply(interaction, GONE, ephemeral=True)
            return None
        raise PermissionDenied(not_yours) from missing
