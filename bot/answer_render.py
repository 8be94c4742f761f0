"""An answer from the book as Discord embeds: the text (continued over as many embeds and messages as
it takes, never cutting a code fence), where it comes from as "Chapter › Section" (linked when the
book is published), and how it was made."""

from __future__ import annotations

import discord

from bot.limits import EMBED_TITLE, EMBED_TOTAL, FIELD_VALUE, clip, fit_embed, split_message
from core.books.links import section_url
from core.models.conversations import Answer, Citation, SectionRef

ANSWERED = discord.Colour.blurple()
DECLINED = discord.Colour.orange()
# A little under Discord's 4096 per description: two answer embeds never share a message anyway
# (6000 in all), and the margin keeps a fence-closing line inside the limit.
DESCRIPTION_CHARS = 4000
EMBEDS_PER_MESSAGE = 10
PROGRESS_CHARS = 1800  # the tail of a streaming answer shown while it is written
WRITING = "✍️ Writing the answer…"


def place(where: Citation | SectionRef) -> str:
    """ "Chapter › Section" (just the chapter for its opening text)."""
    chapter = where.headings[0] if where.headings else where.heading
    label = chapter if where.heading in ("", chapter) else f"{chapter} › {where.heading}"
    return label or where.path


def linked(where: Citation | SectionRef, book_url: str | None, *, preview: bool = True) -> str:
    """The place, linked to the published book; without `preview`, as <url>, which Discord does
    not unfold into a card (message text unfolds its links; embeds don't)."""
    label = place(where).replace("[", "(").replace("]", ")")
    url = section_url(book_url, where.path, where.anchor)
    if not url:
        return label
    return f"[{label}]({url})" if preview else f"[{label}](<{url}>)"


def safe_title(text: str, limit: int = EMBED_TITLE) -> str:
    """User text for a title: one line, mentions defused (titles never ping, but they read as pings)."""
    return clip(discord.utils.escape_mentions(" ".join(text.split())), limit)


def searched(scope: str | None) -> str:
    """What a decline was about: "the book", or the module ("Module 2 (ROS 2 Essentials)")."""
    if not scope:
        return "the book"
    number, colon, name = scope.partition(": ")
    return f"{number} ({name})" if colon and name else scope


def footer(answer: Answer) -> str:
    if answer.mode == "llm":
        how = f"Written by {answer.model or 'an AI model'} from the book"
    else:
        how = "Extractive — quoted from the book"
    text = f"{how} · {answer.latency_ms} ms"
    return f"{text}\n{answer.notice}" if answer.notice else text


def source_lines(answer: Answer, book_url: str | None) -> list[str]:
    return citation_lines(answer.citations, answer.mode, book_url)


def citation_lines(
    citations: list[Citation], mode: str | None, book_url: str | None, *, preview: bool = True
) -> list[str]:
    """One line per citation, numbered like the answer's [n] markers (extractive answers carry them);
    an LLM's citations are listed once per section."""
    if mode == "extractive":
        return [f"[{n}] {linked(c, book_url, preview=preview)}" for n, c in enumerate(citations, 1)]
    seen = dict.fromkeys(linked(c, book_url, preview=preview) for c in citations)
    return [f"• {line}" for line in seen]


def lines_within(lines: list[str], limit: int) -> str:
    """Whole lines up to `limit` characters, with a count of the ones left out."""
    whole = "\n".join(lines)
    if len(whole) <= limit:
        return whole
    kept: list[str] = []
    for i, line in enumerate(lines):
        more = f"…and {len(lines) - i} more"
        if sum(len(k) + 1 for k in kept) + len(line) + 1 + len(more) > limit:
            return "\n".join([*kept, more])
        kept.append(line)
    return "\n".join(kept)  # not reached: the whole text was too long


def answer_embeds(question: str, answer: Answer, book_url: str | None) -> list[discord.Embed]:
    """The answer's embeds in reading order: each description within the limit, fences kept whole."""
    covered = answer.covered
    colour = ANSWERED if covered else DECLINED
    pieces = split_message(answer.text or "…", DESCRIPTION_CHARS)
    embeds = [discord.Embed(description=piece, colour=colour) for piece in pieces]
    title = question if covered else f"Not in {searched(answer.scope)}: {question}"
    embeds[0].title = safe_title(title)
    for n, embed in enumerate(embeds[1:], 2):
        embed.set_author(name=f"(continued, {n}/{len(embeds)})")
    last = embeds[-1]
    if covered and answer.citations:
        last.add_field(
            name="Sources", value=lines_within(source_lines(answer, book_url), FIELD_VALUE), inline=False
        )
    if not covered and answer.closest:
        closest = [f"• {linked(ref, book_url)}" for ref in answer.closest]
        last.add_field(name="Closest sections", value=lines_within(closest, FIELD_VALUE), inline=False)
    last.set_footer(text=footer(answer))
    return [fit_embed(e) for e in embeds]


def in_messages(embeds: list[discord.Embed]) -> list[list[discord.Embed]]:
    """Embeds grouped into messages: at most 6000 characters and 10 embeds in each."""
    groups: list[list[discord.Embed]] = []
    size = 0
    for embed in embeds:
        if groups and size + len(embed) <= EMBED_TOTAL and len(groups[-1]) < EMBEDS_PER_MESSAGE:
            groups[-1].append(embed)
            size += len(embed)
        else:
            groups.append([embed])
            size = len(embed)
    return groups


def progress(so_far: str) -> str:
    """What the pending reply shows while an AI answer streams in: the latest part of it."""
    tail = so_far[-PROGRESS_CHARS:]
    if len(so_far) > PROGRESS_CHARS:
        tail = "…" + tail.split(" ", 1)[-1]
    return f"{WRITING}\n\n{tail}"


def sources_embed(citations: list[Citation], book_url: str | None) -> discord.Embed:
    """The passages an answer rests on, quoted, each under its place in the book."""
    embed = discord.Embed(title="Sources", colour=ANSWERED)
    if not citations:
        embed.description = "This answer quotes no passages of the book."
        return embed
    for n, citation in enumerate(citations[:10], 1):
        embed.add_field(
            name=clip(f"[{n}] {place(citation)}", 256),
            value=_quoted(excerpt(citation.quote, 400), citation, book_url),
        )
    if len(citations) > 10:
        embed.set_footer(text=f"…and {len(citations) - 10} more")
    return embed


def excerpt(passage: str, limit: int) -> str:
    """A passage as a result shows it: prose on one quoted line; a code block (the highlight keeps
    one whole, fences and all) left as a block, line by line, so it still reads as code."""
    text = passage.strip()
    if text.startswith(("```", "~~~")) and text.count("\n") >= 2 and len(text) <= limit:
        return text
    return "> " + clip(" ".join(text.split()), limit)


def _quoted(quote: str, citation: Citation, book_url: str | None) -> str:
    url = section_url(book_url, citation.path, citation.anchor)
    where = f"[Read it in the book]({url})" if url else f"`{citation.path}`"
    return clip(f"{quote}\n{where}", FIELD_VALUE)
