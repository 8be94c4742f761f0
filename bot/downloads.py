"""Downloading an attachment with a cap: its declared size is checked first, and the bytes are
counted while they arrive, so an attachment that lies about its size costs at most cap + a chunk."""

from __future__ import annotations

from typing import Any

import discord

from core.errors import InvalidInput

CHUNK = 1 << 16


class DownloadFailed(InvalidInput):
    def __init__(self) -> None:
        super().__init__("file", "Discord did not hand over the file: upload it again in a moment.")


def _session(client: discord.Client) -> Any:
    # The bot's own HTTP session (discord.py keeps it private): its connector and proxy settings,
    # and in tests the local stand-in for Discord. discord.py's Attachment.read() has no cap.
    return client.http._HTTPClient__session  # noqa: SLF001


async def read_capped(client: discord.Client, attachment: discord.Attachment, cap: int, too_large) -> bytes:
    """The attachment's bytes; `too_large()` (an exception) once more than `cap` arrive."""
    if attachment.size > cap:
        raise too_large()
    http = client.http
    options: dict[str, Any] = {}
    if http.proxy is not None:
        options["proxy"] = http.proxy
    if http.proxy_auth is not None:
        options["proxy_auth"] = http.proxy_auth
    chunks: list[bytes] = []
    received = 0
    async with _session(client).get(attachment.url, **options) as response:
        if response.status != 200:
            raise DownloadFailed()
        async for chunk in response.content.iter_chunked(CHUNK):
            received += len(chunk)
            if received > cap:
                raise too_large()
            chunks.append(chunk)
    return b"".join(chunks)
