"""Discord's size limits, kept: long text split without breaking code fences, embeds trimmed."""

from __future__ import annotations

import re

import discord

MESSAGE_CHARS = 2000
EMBED_DESCRIPTION = 4096
EMBED_TOTAL = 6000
EMBED_TITLE = 256
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
MAX_FIELDS = 25
MAX_CHOICES = 25  # choices, autocomplete results, select options
LABEL = 80  # button and select-option labels
SELECT_DESCRIPTION = 100

_FENCE = re.compile(r"^\s*(```+|~~~+)(.*)$")


def clip(text: str, limit: int) -> str:
    """`text` within `limit` characters, ending in … when it was cut."""
    text = text or ""
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def questions_within(blocks: list[str], limit: int = EMBED_DESCRIPTION - 60) -> str:
    """Whole question blocks, blank-line separated, as many as fit in `limit` characters; a last
    line says how many did not (a quiz's questions are never cut in the middle)."""
    description, shown = "", 0
    for block in blocks:
        if len(description) + len(block) + 2 > limit:
            break
        description += block + "\n\n"
        shown += 1
    if shown < len(blocks):
        description += f"…and {len(blocks) - shown} more question(s)."
    return description.strip()


def split_message(text: str, limit: int = MESSAGE_CHARS) -> list[str]:
    """Pieces of at most `limit` chars, cut at line (else word) boundaries; a code block cut in two
    is closed at the end of one piece and reopened, with its language, at the start of the next."""
    pieces: list[str] = []
    lines: list[str] = []
    fence: str | None = None  # the opening line of the code block we are inside

    def emit() -> None:
        body = "\n".join(lines)
        if fence is not None:
            body += "\n" + _closing(fence)
        if body.strip() and body.strip() != (fence or "").strip():
            pieces.append(body)

    for raw in (text or "").split("\n"):
        opens = fence is None and _FENCE.match(raw) is not None
        block = fence if fence is not None else (raw.strip() if opens else None)
        overhead = len(_closing(block)) + 1 if block is not None else 0
        room = limit - overhead - (len(block) + 1 if block is not None else 0)
        for part in _wrap(raw, room):
            joined = sum(len(line) + 1 for line in lines)  # the piece's length plus one
            if lines and joined + len(part) + overhead > limit:
                emit()
                lines = [fence] if fence is not None else []
            lines.append(part)
        if _FENCE.match(raw):
            fence = None if fence is not None else raw.strip()
    emit()
    return pieces or [""]


def _closing(opening: str) -> str:
    marker = _FENCE.match(opening)
    return marker.group(1) if marker else "```"


def _wrap(line: str, width: int) -> list[str]:
    """A line too long for one message, cut at spaces when it can be."""
    width = max(width, 20)
    out: list[str] = []
    while len(line) > width:
        cut = line.rfind(" ", 0, width)
        cut = cut if cut > width // 2 else width
        out.append(line[:cut])
        line = line[cut:].lstrip(" ")
    out.append(line)
    return out


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Trim an embed to Discord's limits: title, description, fields, footer, 6000 in all."""
    if embed.title:
        embed.title = clip(embed.title, EMBED_TITLE)
    if embed.description:
        embed.description = clip(embed.description, EMBED_DESCRIPTION)
    fields = embed.fields[:MAX_FIELDS]
    embed.clear_fields()
    for f in fields:
        embed.add_field(
            name=clip(f.name or "\u200b", FIELD_NAME),
            value=clip(f.value or "\u200b", FIELD_VALUE),
            inline=f.inline,
        )
    if embed.footer.text:
        embed.set_footer(text=clip(embed.footer.text, FOOTER), icon_url=embed.footer.icon_url)
    while len(embed) > EMBED_TOTAL and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    if len(embed) > EMBED_TOTAL and embed.description:
        embed.description = clip(
            embed.description, max(len(embed.description) - (len(embed) - EMBED_TOTAL), 1)
        )
    return embed
