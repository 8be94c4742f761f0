"""One Markdown/MDX file body -> sections that keep the heading hierarchy, and their blocks.

The body (front matter already removed) is first cleaned of MDX-only syntax, outside code fences
only: ESM `import`/`export` blocks go, JSX component tags go but the text they wrap stays,
Docusaurus admonitions (`:::tip Title` ... `:::`) become plain text ("Tip: Title" + body), and
HTML/JSX comments go. It is then parsed once with markdown-it (CommonMark + tables, indented code
off as in MDX, whose Docusaurus v3 default also applies to `.md`). Top-level headings split the
document into sections; each section also carries its content as a tree of blocks (paragraphs,
fences, tables, lists and their items, ...) cut from the source lines, which is what the chunker
splits on, so no second parse is needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

from core.books.anchors import AnchorSlugger, split_custom_id
from core.books.model import Section

# Block structure only: inline parsing is most of markdown-it's time and sections don't need it.
_BLOCKS = MarkdownIt("commonmark").enable("table").disable(["code", "inline"])
_INLINE = MarkdownIt("commonmark")

# Blocks that are never split along their children.
_ATOMIC = frozenset({"paragraph", "heading", "table"})
_CONTAINERS = frozenset({"bullet_list", "ordered_list", "list_item", "blockquote"})


@dataclass(frozen=True)
class Block:
    """A run of source lines: a leaf (paragraph, fence, table, html, ...) or a container."""

    kind: str  # markdown-it token type without "_open": paragraph, fence, table, list_item ...
    text: str
    children: tuple[Block, ...] = ()
    has_code: bool = False


@dataclass(frozen=True)
class ParsedSection:
    section: Section
    blocks: tuple[Block, ...]  # the content after the heading line, in order


@dataclass(frozen=True)
class ParsedMarkdown:
    title: str | None  # the H1 that opens the document, if any
    sections: tuple[ParsedSection, ...]


def parse_markdown(body: str, *, fallback_title: str) -> ParsedMarkdown:
    """Clean and parse a document body; `fallback_title` heads paths when there is no H1."""
    lines, skeleton = _cleaned_lines(body)
    nodes, headings = _block_tree(_BLOCKS.parse("\n".join(skeleton)))
    _assign_anchors(headings)
    return _sectioned(nodes, lines, fallback_title)


def parse_blocks(markdown: str) -> tuple[Block, ...]:
    """The block tree of an already-cleaned Markdown fragment (e.g. a stored Section)."""
    lines = markdown.split("\n")
    nodes, _ = _block_tree(_BLOCKS.parse(markdown))
    return _blocks(nodes, 0, len(lines), lines)


# --- MDX cleaning -------------------------------------------------------------------------------

_FENCE_OPEN = re.compile(r"(?:[ \t]*>)*[ \t]*(`{3,}|~{3,})(.*)")
_FENCE_CLOSE = re.compile(r"(?:[ \t]*>)*[ \t]*(`{3,}|~{3,})[ \t]*")
_QUOTE_PREFIX = re.compile(r"(?:[ \t]*>)*")
_ADMONITION_OPEN = re.compile(
    r"([ \t]*):{3,}[ \t]*([A-Za-z][\w-]*)[ \t]*(?:\[(.*)\]|(.*?))[ \t]*(?:\{[^{}]*\})?[ \t]*"
)
_ADMONITION_CLOSE = re.compile(r"[ \t]*:{3,}[ \t]*")
_ESM_START = re.compile(r"(?:import|export)\s")
_ESM_IMPORT = re.compile(r"import\s*['\"]|import\s+[\w*{][\s\S]*?\bfrom\s*['\"]")
_ESM_EXPORT = re.compile(r"export\s+(?:const|let|var|function|default|class|async|type|\{|\*)")
_INLINE_CODE = re.compile(r"(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)")
_COMMENTS = re.compile(r"<!--[\s\S]*?-->|\{/\*[\s\S]*?\*/\}")
_JSX_SELF_CLOSING = re.compile(r"<[A-Z][\w.]*(?:\s[^<>]*)?/>")
_JSX_TAG = re.compile(r"</?[A-Z][\w.]*(?:\s[^<>]*)?>")
# HTML that MDX renders as components: wrappers keep their text, media/void elements go.
_HTML_WRAPPER = re.compile(
    r"</?(?:details|summary|div|span|p|center|figure|figcaption|a|b|i|u|em|strong|kbd|sup|sub"
    r"|small|mark|section|article|aside|header|footer|nav|main)(?:\s[^<>]*)?>"
)
_HTML_VOID = re.compile(
    r"</?(?:br|img|iframe|video|audio|source|picture|input|hr)(?:\s[^<>]*)?/?>", re.IGNORECASE
)


def clean_mdx(body: str) -> str:
    """Remove MDX-only syntax outside code fences; code fence contents are never touched."""
    return "\n".join(_cleaned_lines(body)[0])


def _cleaned_lines(body: str) -> tuple[list[str], list[str]]:
    """The cleaned lines, and the same lines with code fence bodies blanked for the parser.

    The blanked copy has the same line numbers and structure but lets markdown-it skip the code,
    which is most of a technical book; blockquote markers are kept so quoted fences stay quoted.
    """
    out: list[str] = []
    skeleton: list[str] = []
    prose: list[str] = []
    fence: tuple[str, int] | None = None

    def flush_prose() -> None:
        cleaned = _clean_prose(prose)
        out.extend(cleaned)
        skeleton.extend(cleaned)
        prose.clear()

    for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if fence is not None:
            out.append(line)
            close = _FENCE_CLOSE.fullmatch(line) if fence[0] in line else None
            if close and close.group(1)[0] == fence[0] and len(close.group(1)) >= fence[1]:
                fence = None
                skeleton.append(line)
            else:
                skeleton.append(_QUOTE_PREFIX.match(line).group(0) if ">" in line else "")
            continue
        opener = _FENCE_OPEN.fullmatch(line) if ("`" in line or "~" in line) else None
        if opener and not (opener.group(1)[0] == "`" and "`" in opener.group(2)):
            flush_prose()
            out.append(line)
            skeleton.append(line)
            fence = (opener.group(1)[0], len(opener.group(1)))
            continue
        prose.append(line)
    flush_prose()
    return out, skeleton


def _clean_prose(lines: list[str]) -> list[str]:
    if not lines:
        return []
    lines = _admonitions_as_text(_without_esm(lines))
    text = "\n".join(lines)
    if "<" in text or "{/*" in text:
        text = _outside_inline_code(text, _strip_tags)
    # A line that held only a tag is now blank (not spaces, so blocks still end there), and
    # runs of blank lines left by removed syntax shrink to one.
    out: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            out.append(line)
        elif not out or out[-1]:
            out.append("")
    return out


def _without_esm(lines: list[str]) -> list[str]:
    """Drop MDX `import`/`export` blocks: they start at column 0 and run to a blank line."""
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if _ESM_START.match(line) and (index == 0 or not lines[index - 1].strip()):
            end = index
            while end < len(lines) and lines[end].strip():
                end += 1
            block = "\n".join(lines[index:end])
            if _ESM_IMPORT.match(block) or _ESM_EXPORT.match(block):
                index = end
                continue
        kept.append(line)
        index += 1
    return kept


def _admonitions_as_text(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if ":::" not in line:
            out.append(line)
        elif _ADMONITION_CLOSE.fullmatch(line):
            out.append("")
        elif match := _ADMONITION_OPEN.fullmatch(line):
            indent, kind, bracketed, rest = match.groups()
            title = (bracketed if bracketed is not None else rest or "").strip()
            label = kind.replace("-", " ").capitalize()
            out.extend([f"{indent}{label}: {title}".rstrip(), ""])
        else:
            out.append(line)
    return out


def _strip_tags(text: str) -> str:
    text = _COMMENTS.sub("", text)
    text = _JSX_SELF_CLOSING.sub("", text)
    text = _JSX_TAG.sub("", text)
    text = _HTML_VOID.sub(" ", text)
    return _HTML_WRAPPER.sub("", text)


def _outside_inline_code(text: str, clean) -> str:
    parts: list[str] = []
    last = 0
    for match in _INLINE_CODE.finditer(text):
        parts.append(clean(text[last : match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(clean(text[last:]))
    return "".join(parts)


# --- block tree ---------------------------------------------------------------------------------


class _Node:
    __slots__ = ("kind", "start", "end", "children", "level", "raw", "heading", "anchor")

    def __init__(self, kind: str, start: int, end: int, level: int = 0):
        self.kind = kind
        self.start = start
        self.end = end
        self.level = level
        self.children: list[_Node] = []
        self.raw = ""  # heading: inline source
        self.heading = ""  # heading: text as written, without {#id}
        self.anchor = ""


def _block_tree(tokens) -> tuple[list[_Node], list[_Node]]:
    """Nest markdown-it's flat block tokens; also return every heading node in document order."""
    roots: list[_Node] = []
    stack: list[_Node] = []
    headings: list[_Node] = []
    skipping = 0  # depth inside an atomic block, whose inner tokens are not blocks of their own
    atomic: _Node | None = None
    for token in tokens:
        if skipping:
            if token.nesting == 1:
                skipping += 1
            elif token.nesting == -1:
                skipping -= 1
            elif token.type == "inline" and atomic is not None and atomic.kind == "heading":
                atomic.raw = token.content
            continue
        if token.nesting == -1:
            stack.pop()
            continue
        if token.map is None:
            continue
        kind = token.type.removesuffix("_open")
        level = int(token.tag[1]) if kind == "heading" else 0
        node = _Node(kind, token.map[0], token.map[1], level)
        (stack[-1].children if stack else roots).append(node)
        if token.nesting == 1:
            if kind in _ATOMIC:
                skipping, atomic = 1, node
                if kind == "heading":
                    headings.append(node)
            else:
                stack.append(node)
    return roots, headings


def _assign_anchors(headings: list[_Node]) -> None:
    slugger = AnchorSlugger()
    for node in headings:
        text, custom_id = split_custom_id(node.raw)
        node.heading = re.sub(r"\s*\n\s*", " ", text).strip()  # setext headings may wrap
        node.anchor = custom_id if custom_id is not None else slugger.slug(heading_plain_text(text))


def heading_plain_text(inline_markdown: str) -> str:
    """What Docusaurus slugs: the heading's text content, Markdown and HTML removed."""
    if not any(mark in inline_markdown for mark in "`*_[]<>&\\!"):
        return inline_markdown.strip()
    parts: list[str] = []
    for token in _INLINE.parseInline(inline_markdown.strip()):
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
    return "".join(parts)


def _trimmed(lines: list[str], start: int, end: int) -> str:
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end])


def _blocks(nodes: list[_Node], start: int, end: int, lines: list[str]) -> tuple[Block, ...]:
    """Blocks for `nodes`, cut so that together they cover lines[start:end] with nothing lost."""
    blocks: list[Block] = []
    for index, node in enumerate(nodes):
        block_start = start if index == 0 else node.start
        block_end = nodes[index + 1].start if index + 1 < len(nodes) else end
        text = _trimmed(lines, block_start, block_end)
        if not text:
            continue
        children = ()
        if node.kind in _CONTAINERS and node.children:
            children = _blocks(node.children, block_start, block_end, lines)
        has_code = node.kind == "fence" or any(child.has_code for child in children)
        blocks.append(Block(node.kind, text, children, has_code))
    return tuple(blocks)


# --- sections -----------------------------------------------------------------------------------


def _sectioned(nodes: list[_Node], lines: list[str], fallback_title: str) -> ParsedMarkdown:
    boundaries = [i for i, node in enumerate(nodes) if node.kind == "heading" and node.heading]
    first = nodes[boundaries[0]] if boundaries else None
    title_node = first if first is not None and first.level == 1 else None
    doc_title = title_node.heading if title_node is not None else fallback_title

    sections: list[ParsedSection] = []
    preamble_end = boundaries[0] if boundaries else len(nodes)
    preamble_stop = nodes[preamble_end].start if boundaries else len(lines)
    preamble = _blocks(nodes[:preamble_end], 0, preamble_stop, lines)
    if preamble:
        markdown = _trimmed(lines, 0, preamble_stop)
        section = Section(0, 0, doc_title, (doc_title,), "", markdown)
        sections.append(ParsedSection(section, preamble))

    path: list[_Node] = []
    for k, index in enumerate(boundaries):
        node = nodes[index]
        next_index = boundaries[k + 1] if k + 1 < len(boundaries) else len(nodes)
        stop = nodes[next_index].start if next_index < len(nodes) else len(lines)
        while path and path[-1].level >= node.level:
            path.pop()
        path.append(node)
        headings = tuple(open_node.heading for open_node in path)
        if path[0] is not title_node:  # every path starts with the document's title
            headings = (doc_title, *headings)
        heading_line = f"{'#' * node.level} {node.heading}"
        body = _trimmed(lines, node.end, stop)
        markdown = f"{heading_line}\n\n{body}" if body else heading_line
        anchor = "" if node is title_node else node.anchor
        section = Section(len(sections), node.level, node.heading, headings, anchor, markdown)
        blocks = _blocks(nodes[index + 1 : next_index], node.end, stop, lines)
        sections.append(ParsedSection(section, blocks))
    return ParsedMarkdown(title_node.heading if title_node else None, tuple(sections))
