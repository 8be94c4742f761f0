"""Where Discord is: its REST API base (STUDYHALL_DISCORD_API_URL) and, from it, the gateway.

discord.py keeps both as class attributes (`Route.BASE`, `DiscordWebSocket.DEFAULT_GATEWAY`), so
pointing the process elsewhere — an HTTP proxy in front of Discord, or a local stand-in — is a
process-wide setting made once by the entry point."""

from __future__ import annotations

import logging

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from core.settings import DISCORD_API_URL

log = logging.getLogger("studyhall.bot")


def use_api(api_url: str) -> None:
    """Send every REST request (webhooks and interaction callbacks included) to `api_url`."""
    Route.BASE = api_url.rstrip("/")


async def follow_gateway(client: discord.Client) -> None:
    """Elsewhere than Discord, connect to the gateway that API names (GET /gateway/bot), also when
    discord.py would fall back to Discord's own (fixed --shards, an invalidated session)."""
    if Route.BASE == DISCORD_API_URL:
        return
    _, url, _ = await client.http.get_bot_gateway()
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
    log.info("Discord API %s, gateway %s", Route.BASE, url)
