"""PNG charts of course progress: the leaderboard, a class's units, one student's units.

Drawn headless with matplotlib's object API: every call builds its own ``Figure`` on its own
``FigureCanvasAgg``. Nothing here imports ``pyplot``, selects a backend or changes ``rcParams``, so
the functions can run in any thread of a server and leave the host's matplotlib settings alone.

Every chart is a PNG of exactly ``width`` × ``height`` pixels (default 1000 × 600, each 200–4000),
drawn at 100 dpi on a white card with dark text, which reads the same on Discord's dark and light
themes. Fonts and spacing scale with the image size (by ``min(width / 1000, height / 600)``, with a
floor on font size). Text is laid out by measuring it, never guessed: long names and titles are cut
with "…", rows that cannot be drawn legibly are left out and the title line says how many are shown,
and characters the bundled DejaVu Sans cannot draw (emoji, CJK, control characters) are dropped, so
"Zoë 🤖" is drawn as "Zoë" and matplotlib never warns about missing glyphs. Text is never parsed as
mathtext or TeX: a name like "$cash$" is drawn as typed.

Matplotlib keeps a font cache in its config/cache directories. If they are not writable (a server
user without a home) and ``MPLCONFIGDIR`` is unset, this module points ``MPLCONFIGDIR`` at a private
directory under the system temp dir before importing matplotlib, instead of letting matplotlib warn
and rebuild its cache in a fresh temporary directory in every process. Set ``MPLCONFIGDIR`` in the
entry point to choose the place yourself.
"""

from __future__ import annotations

import io
import logging
import math
import os
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from numbers import Real
from pathlib import Path

log = logging.getLogger(__name__)

__all__ = [
    "BoardRow",
    "StudentUnit",
    "UnitCompletion",
    "class_completion_chart",
    "displayable",
    "leaderboard_chart",
    "student_progress_chart",
]


def _dir_is_writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return path.is_dir() and os.access(path, os.W_OK)


def _matplotlib_default_dirs() -> list[Path]:
    """Where matplotlib would keep its config and font cache, as its own lookup does on this OS."""
    home = Path.home()
    if sys.platform.startswith(("linux", "freebsd")):
        config = os.environ.get("XDG_CONFIG_HOME") or str(home / ".config")
        cache_ = os.environ.get("XDG_CACHE_HOME") or str(home / ".cache")
        return [Path(config, "matplotlib"), Path(cache_, "matplotlib")]
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        return [Path(local, "matplotlib")] if local else [home / ".matplotlib"]
    return [home / ".matplotlib"]


def _private_temp_dir() -> Path:
    """``<tmp>/studyhall-matplotlib-<uid>``, reused across processes when it is safely ours."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    stable = Path(tempfile.gettempdir(), f"studyhall-matplotlib-{uid if uid is not None else 'user'}")
    try:
        stable.mkdir(mode=0o700, exist_ok=True)
        info = stable.lstat()
        if stable.is_dir() and not stable.is_symlink() and (uid is None or info.st_uid == uid):
            return stable
    except OSError:
        pass
    return Path(tempfile.mkdtemp(prefix="studyhall-matplotlib-"))


def _prepare_matplotlib_dirs() -> None:
    if "matplotlib" in sys.modules or os.environ.get("MPLCONFIGDIR"):
        return
    try:
        writable = all(_dir_is_writable(path) for path in _matplotlib_default_dirs())
    except RuntimeError:  # Path.home() cannot be resolved
        writable = False
    if writable:
        return
    path = _private_temp_dir()
    os.environ["MPLCONFIGDIR"] = str(path)
    log.debug("matplotlib's default directories are not writable; using MPLCONFIGDIR=%s", path)


_prepare_matplotlib_dirs()

import matplotlib  # noqa: E402  (after MPLCONFIGDIR is settled)
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.ft2font import FT2Font, LoadFlags  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.transforms import blended_transform_factory  # noqa: E402

MIN_SIZE = 200
MAX_SIZE = 4000
DPI = 100

# Colours: a white card, near-black text; bars and markers from the Okabe–Ito palette.
BACKGROUND = "#ffffff"
BORDER = "#d0d7de"
TEXT = "#1f2328"
MUTED = "#59636e"
GRID = "#d8dee4"
TRACK = "#edf0f3"
BAR = "#0072b2"
DONE = "#009e73"
MARKER = "#d55e00"

ELLIPSIS = "…"
NO_BOARD = "No one on the board yet"
NO_UNITS = "No units yet"


# --- inputs -------------------------------------------------------------------------------------


def _check_percent(owner: str, field: str, value: object, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ValueError(f"{owner}: {field} must be a number from 0 to 100, got {value!r}")
    if not 0 <= value <= 100:
        raise ValueError(f"{owner}: {field} must be between 0 and 100, got {value!r}")


def _check_text(owner: str, field: str, value: object) -> None:
    if not isinstance(value, str):
        raise ValueError(f"{owner}: {field} must be a string, got {value!r}")


@dataclass(frozen=True)
class BoardRow:
    """One student on the leaderboard. Tied students carry the same ``rank``."""

    rank: int
    name: str
    completion: float  # 0–100
    quiz_average: float | None  # 0–100, None when no quiz was taken

    def __post_init__(self) -> None:
        owner = f"BoardRow {self.name!r}"
        if isinstance(self.rank, bool) or not isinstance(self.rank, int) or self.rank < 1:
            raise ValueError(f"{owner}: rank must be a whole number of at least 1, got {self.rank!r}")
        _check_text(owner, "name", self.name)
        _check_percent(owner, "completion", self.completion)
        _check_percent(owner, "quiz_average", self.quiz_average, optional=True)


@dataclass(frozen=True)
class UnitCompletion:
    """How a class stands on one unit."""

    unit_id: str
    title: str
    completed_share: float  # 0–100: % of the class who completed the unit
    mean_completion: float  # 0–100: the class's mean completion of the unit

    def __post_init__(self) -> None:
        owner = f"UnitCompletion {self.unit_id!r}"
        _check_text(owner, "unit_id", self.unit_id)
        _check_text(owner, "title", self.title)
        _check_percent(owner, "completed_share", self.completed_share)
        _check_percent(owner, "mean_completion", self.mean_completion)


@dataclass(frozen=True)
class StudentUnit:
    """One student's standing on one unit."""

    unit_id: str
    title: str
    completion: float  # 0–100
    completed: bool
    best_quiz: float | None  # 0–100, None when no quiz was taken

    def __post_init__(self) -> None:
        owner = f"StudentUnit {self.unit_id!r}"
        _check_text(owner, "unit_id", self.unit_id)
        _check_text(owner, "title", self.title)
        _check_percent(owner, "completion", self.completion)
        if not isinstance(self.completed, bool):
            raise ValueError(f"{owner}: completed must be True or False, got {self.completed!r}")
        _check_percent(owner, "best_quiz", self.best_quiz, optional=True)


def _check_size(width: object, height: object) -> None:
    for field, value in (("width", width), ("height", height)):
        if isinstance(value, bool) or not isinstance(value, int) or not MIN_SIZE <= value <= MAX_SIZE:
            raise ValueError(
                f"{field} must be a whole number of pixels from {MIN_SIZE} to {MAX_SIZE}, got {value!r}"
            )


def _check_items(items: object, kind: type, argument: str) -> list:
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        raise ValueError(f"{argument} must be a list of {kind.__name__}, got {type(items).__name__}")
    for item in items:
        if not isinstance(item, kind):
            raise ValueError(f"{argument} must hold {kind.__name__} items, got {item!r}")
    return list(items)


# --- text ---------------------------------------------------------------------------------------


class _Face:
    """One font file: the characters it can draw and their advance widths, for measuring text.

    Measuring through matplotlib's renderer shapes and hints every glyph each time (tens of µs
    a glyph); summing cached unhinted advances costs next to nothing. Kerning only narrows text
    and hinting widens a glyph by under half a pixel, so ``_Card.measure`` adds half a pixel a
    character and errs towards too wide (checked against the renderer in the tests).
    """

    _REFERENCE = 100.0  # pixels per em at which advances are read

    def __init__(self, path: str):
        self.path = path
        self._font = FT2Font(path)
        self._font.set_size(self._REFERENCE, 72)  # 72 dpi: points are pixels
        self.charmap = {code for code, glyph in self._font.get_charmap().items() if glyph}
        self._advances: dict[str, float] = {}
        self._lock = threading.Lock()  # an FT2Font is not safe to share between threads

    def advance(self, char: str) -> float:
        """Advance width of ``char`` in ems."""
        width = self._advances.get(char)
        if width is None:
            with self._lock:
                glyph = self._font.load_char(ord(char), flags=LoadFlags.NO_HINTING)
                width = self._advances[char] = glyph.linearHoriAdvance / 65536 / self._REFERENCE
        return width


@dataclass(frozen=True)
class _Fonts:
    regular: _Face
    bold: _Face
    drawable: frozenset[int]  # code points both faces can draw


@cache
def _fonts() -> _Fonts:
    """matplotlib's bundled DejaVu Sans, by file, so the host's fonts and rcParams play no part."""
    folder = Path(matplotlib.get_data_path(), "fonts", "ttf")
    regular, bold = _Face(str(folder / "DejaVuSans.ttf")), _Face(str(folder / "DejaVuSans-Bold.ttf"))
    return _Fonts(regular, bold, frozenset(regular.charmap & bold.charmap))


_MAX_MARKS = 2  # combining marks kept on one letter: enough for real text, not for "Zalgo"


def displayable(text: str) -> str:
    """``text`` reduced to what the chart font can draw, on one line: "Zoë 🤖" → "Zoë"."""
    drawable = _fonts().drawable
    out: list[str] = []
    marks = 0
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if char.isspace() or category in ("Cc", "Zl", "Zp"):
            out.append(" ")
            marks = 0
        elif category.startswith("M"):
            if out and out[-1] != " " and marks < _MAX_MARKS and ord(char) in drawable:
                out.append(char)
                marks += 1
        elif ord(char) in drawable and category not in ("Cf", "Co", "Cs", "Cn"):
            out.append(char)
            marks = 0
    return " ".join("".join(out).split())


def _percent(value: float, *, progress: bool = False) -> str:
    """Whole percent; a progress value under 100 never shows as "100%"."""
    shown = math.floor(value + 0.5)
    if progress and value < 100:
        shown = min(shown, 99)
    return f"{shown}%"


# --- drawing ------------------------------------------------------------------------------------


class _Card:
    """A fixed-size figure laid out in pixels from the top-left corner, with text measurement."""

    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.scale = min(width / 1000, height / 600)
        self.figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, facecolor=BACKGROUND)
        self.canvas = FigureCanvasAgg(self.figure)
        self.pad = max(6.0, 24 * self.scale)
        self.title_px = self.size(26)
        self.text_px = self.size(16)
        self.small_px = self.size(14)
        self.figure.add_artist(
            Rectangle(
                (0.5 / width, 0.5 / height),
                1 - 1 / width,
                1 - 1 / height,
                transform=self.figure.transFigure,
                facecolor="none",
                edgecolor=BORDER,
                linewidth=72 / DPI,
                snap=False,  # keeps the 1 px line on the edge pixels, all four sides
            )
        )

    def size(self, px_at_1000: float, floor: float = 9.0) -> float:
        return max(floor, px_at_1000 * self.scale)

    def font(self, px: float, bold: bool = False) -> FontProperties:
        fonts = _fonts()
        return FontProperties(fname=(fonts.bold if bold else fonts.regular).path, size=px * 72 / DPI)

    def measure(self, text: str, px: float, bold: bool = False) -> float:
        """Width of ``text`` in pixels, never less than drawn (see ``_Face``)."""
        if not text:
            return 0.0
        face = _fonts().bold if bold else _fonts().regular
        return sum(face.advance(char) for char in text) * px + 0.5 * len(text) + 1

    def fit(self, text: str, px: float, max_px: float, bold: bool = False) -> str:
        """``text`` as is if it fits in ``max_px``, else its longest prefix that fits with "…"."""
        if self.measure(text, px, bold) <= max_px:
            return text
        low, high = 0, len(text)  # the longest fitting prefix length lies in [low, high)
        while low < high - 1:
            middle = (low + high) // 2
            if self.measure(text[:middle].rstrip() + ELLIPSIS, px, bold) <= max_px:
                low = middle
            else:
                high = middle
        cut = text[:low].rstrip()
        if cut:
            return cut + ELLIPSIS
        return ELLIPSIS if self.measure(ELLIPSIS, px, bold) <= max_px else ""

    def text(self, x: float, y: float, text: str, px: float, *, transform=None, **kwargs) -> None:
        """Draw plain text; ``x``/``y`` are pixels from the top-left unless a transform is given."""
        if transform is None:
            x, y, transform = x / self.width, 1 - y / self.height, self.figure.transFigure
        bold = kwargs.pop("bold", False)
        kwargs.setdefault("color", TEXT)
        self.figure.text(
            x,
            y,
            text,
            fontproperties=self.font(px, bold),
            transform=transform,
            usetex=False,
            parse_math=False,
            **kwargs,
        )

    def title(self, title: str, note: str = "") -> float:
        """Draw the title (and a muted note on its right); return the y below them."""
        right = self.width - self.pad
        note_px = self.small_px
        note = self.fit(note, note_px, (self.width - 2 * self.pad) / 2)
        note_width = self.measure(note, note_px)
        if note:
            self.text(
                right, self.pad + self.title_px * 0.5, note, note_px, ha="right", va="center", color=MUTED
            )
        room = self.width - 2 * self.pad - (note_width + self.pad if note else 0)
        title = self.fit(displayable(title), self.title_px, room, bold=True)
        self.text(
            self.pad, self.pad + self.title_px * 0.5, title, self.title_px, ha="left", va="center", bold=True
        )
        return self.pad + self.title_px * 1.5

    def png(self) -> bytes:
        buffer = io.BytesIO()
        # zlib level 3: as small as the default 6 for flat charts, and quicker to write.
        self.canvas.print_png(buffer, pil_kwargs={"compress_level": 3})
        return buffer.getvalue()


def _empty_chart(title: str, message: str, width: int, height: int) -> bytes:
    card = _Card(width, height)
    top = card.title(title)
    message_px = card.size(22)
    message = card.fit(message, message_px, width - 2 * card.pad)
    middle = top + (height - top - card.pad) / 2
    card.text(width / 2, middle, message, message_px, ha="center", va="center", color=MUTED)
    return card.png()


@dataclass(frozen=True)
class _Row:
    label: str  # name or unit title, drawn after the prefix and cut to fit
    value: float  # bar length, 0–100
    color: str
    values: tuple[str, ...]  # the right-hand columns
    prefix: str = ""  # the rank, right-aligned before the label
    marker: float | None = None  # a diamond on the bar's scale
    value_color: str = TEXT
    fallback: str = "?"  # the label when nothing of it can be drawn


@dataclass(frozen=True)
class _Key:
    kind: str  # "bar" or "marker"
    color: str
    text: str


_ROW_FILL = 0.72  # text size as a share of the row pitch (DejaVu's line is ~1.17 × its size)
_BAR_FILL = 0.68  # bar thickness as a share of the row pitch
_MAX_PITCH = 3.0  # the tallest row, in units of the text size: few rows stay slim
_MIN_TEXT = 10.0  # the smallest row text, in pixels


@dataclass(frozen=True)
class _LegendLine:
    entries: tuple[tuple[_Key, str], ...]  # each key with its text, cut to fit
    width: float


@dataclass(frozen=True)
class _Layout:
    """Where everything of a row chart goes, in pixels from the top-left corner."""

    shown: list[_Row]
    labels: list[str]  # cut to fit
    text_px: float
    pitch: float
    legend: list[_LegendLine]
    legend_x: float
    legend_y: float  # the first legend line's centre
    header_y: float
    plot_top: float
    plot_bottom: float
    prefix_right: float
    label_left: float
    axes_left: float
    axes_right: float
    column_right: list[float]

    @property
    def legend_right(self) -> float:
        return max((self.legend_x + line.width for line in self.legend), default=0.0)


def _row_chart(
    card: _Card,
    title: str,
    rows: list[_Row],
    headers: tuple[str, ...],
    keys: list[_Key],
    note: str,
) -> bytes:
    """Horizontal bars on a 0–100% scale, one per row, with labels left and value columns right.

    The legend shares the line of the column headers when it fits beside them, else it gets
    lines of its own above them. Rows beyond what fits at the smallest legible text size are
    left out; ``note`` (formatted with ``shown`` and ``total``) then says so on the title line.
    """
    layout = _lay_out(card, rows, headers, keys, legend_apart=False)
    first_header = min(
        (
            right - card.measure(header, card.small_px)
            for right, header in zip(layout.column_right, headers, strict=True)
        ),
        default=card.width - card.pad,
    )
    if keys and layout.legend_right > first_header - card.pad:
        layout = _lay_out(card, rows, headers, keys, legend_apart=True)
    shown = layout.shown
    card.title(title, note.format(shown=len(shown), total=len(rows)) if len(shown) < len(rows) else "")
    axes = _draw_bars(card, layout)
    _draw_row_text(card, layout, axes, headers)
    _draw_legend(card, layout)
    return card.png()


def _lay_out(
    card: _Card, rows: list[_Row], headers: tuple[str, ...], keys: list[_Key], *, legend_apart: bool
) -> _Layout:
    pad, small = card.pad, card.small_px
    gap = pad * 0.6
    line = small * 1.6
    top = pad + card.title_px * 1.5

    # The legend, flowed into lines across the card when it stands apart; one line otherwise.
    legend = _flow_legend(card, keys, card.width - 2 * pad if legend_apart else math.inf)
    legend_lines = len(legend) if legend_apart else 0
    header_y = top + line * (legend_lines + 0.5)
    plot_top = header_y + line / 2 + small * 0.3
    plot_bottom = card.height - pad - small * 1.6

    room = max(plot_bottom - plot_top, 1.0)
    shown = rows[: max(1, int(room // (_MIN_TEXT / _ROW_FILL)))]
    pitch = min(room / len(shown), card.text_px * _MAX_PITCH)
    text_px = max(_MIN_TEXT, min(card.text_px, pitch * _ROW_FILL))
    # A few rows: centre the block (legend, headers, bars, scale) in the space under the title.
    shift = (room - pitch * len(shown)) / 2
    legend_y = top + line / 2 + shift
    header_y, plot_top = header_y + shift, plot_top + shift

    # Columns, right to left: the value columns, the bars, the labels, the prefixes.
    column_right = []
    right = card.width - pad
    for index, header in reversed(list(enumerate(headers))):
        column_right.append(right)
        cells = [card.measure(row.values[index], text_px) for row in shown]
        right -= max([card.measure(header, small), *cells]) + gap * 1.5
    column_right.reverse()
    values_left = right + gap * 1.5

    prefix_width = max(card.measure(row.prefix, text_px) for row in shown)
    prefix_right = pad + prefix_width
    label_left = prefix_right + gap * 0.8 if prefix_width else pad
    labels = [displayable(row.label) or displayable(row.fallback) or "?" for row in shown]
    widest = max(card.measure(label, text_px) for label in labels)
    label_room = max(0.0, min(card.width * 0.34, values_left - gap * 2 - card.width * 0.3 - label_left))
    label_width = min(widest, label_room)
    labels = [card.fit(label, text_px, label_width) for label in labels]
    axes_left = label_left + label_width + gap * 1.5
    axes_right = max(values_left - gap * 1.5 - pitch * _BAR_FILL / 2, axes_left + 1)

    return _Layout(
        shown=shown,
        labels=labels,
        text_px=text_px,
        pitch=pitch,
        legend=legend,
        legend_x=pad if legend_apart else axes_left,
        legend_y=legend_y if legend_apart else header_y,
        header_y=header_y,
        plot_top=plot_top,
        plot_bottom=plot_top + pitch * len(shown),
        prefix_right=prefix_right,
        label_left=label_left,
        axes_left=axes_left,
        axes_right=axes_right,
        column_right=column_right,
    )


def _draw_bars(card: _Card, layout: _Layout) -> Axes:
    """The axes: tracks, gridlines, bars, markers, and the 0–100% scale under them."""
    figure, width, height = card.figure, card.width, card.height
    shown = layout.shown
    axes = figure.add_axes(
        (
            layout.axes_left / width,
            1 - layout.plot_bottom / height,
            (layout.axes_right - layout.axes_left) / width,
            (layout.plot_bottom - layout.plot_top) / height,
        )
    )
    axes.set_axis_off()
    axes.set_xlim(0, 100)
    axes.set_ylim(len(shown) - 0.5, -0.5)

    half = _BAR_FILL / 2

    def boxes(values: list[float]) -> list[list[tuple[float, float]]]:
        return [[(0, y - half), (v, y - half), (v, y + half), (0, y + half)] for y, v in enumerate(values)]

    tracks = PolyCollection(boxes([100] * len(shown)), facecolors=TRACK, edgecolors="none", zorder=1)
    axes.add_collection(tracks, autolim=False)
    for x in (25, 50, 75):
        axes.axvline(x, color=GRID, linewidth=1, zorder=1.5)
    bars = PolyCollection(
        boxes([row.value for row in shown]),
        facecolors=[row.color for row in shown],
        edgecolors="none",
        zorder=2,
    )
    axes.add_collection(bars, autolim=False)
    marked = [(row.marker, y) for y, row in enumerate(shown) if row.marker is not None]
    if marked:
        axes.plot(
            [x for x, _ in marked],
            [y for _, y in marked],
            linestyle="none",
            marker="D",
            markersize=min(layout.pitch * 0.52, layout.text_px * 0.9) * 72 / DPI,
            markerfacecolor=MARKER,
            markeredgecolor=BACKGROUND,
            markeredgewidth=max(0.6, 1.2 * card.scale),
            clip_on=False,
            zorder=3,
        )

    tick_px = card.small_px
    below = blended_transform_factory(axes.transData, figure.transFigure)
    tick_y = 1 - (layout.plot_bottom + tick_px * 0.4) / height
    step = (layout.axes_right - layout.axes_left) / 4  # pixels between 25% ticks
    needed = card.measure("100%", tick_px) + card.pad * 0.6
    ticks = (0, 25, 50, 75, 100) if step >= needed else (0, 50, 100) if 2 * step >= needed else (0, 100)
    for x in ticks:
        card.text(x, tick_y, f"{x}%", tick_px, transform=below, ha="center", va="top", color=MUTED)
    return axes


def _draw_row_text(card: _Card, layout: _Layout, axes: Axes, headers: tuple[str, ...]) -> None:
    """Prefixes, labels and value cells, each centred on its bar; the column headers."""
    width = card.width
    across = blended_transform_factory(card.figure.transFigure, axes.transData)
    px = layout.text_px
    for y, (row, label) in enumerate(zip(layout.shown, layout.labels, strict=True)):
        if row.prefix:
            card.text(
                layout.prefix_right / width,
                y,
                row.prefix,
                px,
                transform=across,
                ha="right",
                va="center",
                color=MUTED,
            )
        card.text(layout.label_left / width, y, label, px, transform=across, ha="left", va="center")
        for cell, right in zip(row.values, layout.column_right, strict=True):
            card.text(
                right / width, y, cell, px, transform=across, ha="right", va="center", color=row.value_color
            )
    for header, right in zip(headers, layout.column_right, strict=True):
        card.text(right, layout.header_y, header, card.small_px, ha="right", va="center", color=MUTED)


# Legend geometry, in units of the legend's text size.
_SWATCH = 0.9
_SWATCH_GAP = 0.4
_KEY_GAP = 1.4


def _flow_legend(card: _Card, keys: list[_Key], room: float) -> list[_LegendLine]:
    """Legend entries in lines no wider than ``room``; a text too long for any line is cut."""
    px = card.small_px
    lead = px * (_SWATCH + _SWATCH_GAP)
    lines: list[_LegendLine] = []
    for key in keys:
        text = card.fit(key.text, px, room - lead) if math.isfinite(room) else key.text
        width = lead + card.measure(text, px)
        if lines and lines[-1].width + px * _KEY_GAP + width <= room:
            last = lines.pop()
            lines.append(_LegendLine((*last.entries, (key, text)), last.width + px * _KEY_GAP + width))
        else:
            lines.append(_LegendLine(((key, text),), width))
    return lines


def _draw_legend(card: _Card, layout: _Layout) -> None:
    px = card.small_px
    swatch = px * _SWATCH
    figure = card.figure
    for number, line in enumerate(layout.legend):
        x = layout.legend_x
        y = layout.legend_y + number * px * 1.6
        for key, text in line.entries:
            if key.kind == "bar":
                patch = Rectangle(
                    (x / card.width, 1 - (y + swatch / 2) / card.height),
                    swatch / card.width,
                    swatch / card.height,
                    transform=figure.transFigure,
                    facecolor=key.color,
                    edgecolor="none",
                )
                figure.add_artist(patch)
            else:
                marker = Line2D(
                    [(x + swatch / 2) / card.width],
                    [1 - y / card.height],
                    transform=figure.transFigure,
                    linestyle="none",
                    marker="D",
                    markersize=swatch * 0.8 * 72 / DPI,
                    markerfacecolor=key.color,
                    markeredgecolor=key.color,
                )
                figure.add_artist(marker)
            x += px * (_SWATCH + _SWATCH_GAP)
            card.text(x, y, text, px, ha="left", va="center", color=MUTED)
            x += card.measure(text, px) + px * _KEY_GAP


# --- charts -------------------------------------------------------------------------------------


def leaderboard_chart(rows: list[BoardRow], *, title: str, width: int = 1000, height: int = 600) -> bytes:
    """The leaderboard as a ``width`` × ``height`` PNG: one completion bar per student, best first.

    Each row shows the rank and name on the left, and completion and quiz average ("—" when
    none) on the right. Rows are drawn in rank order; tied students share a rank, which is
    printed on each of their rows. When more rows are given than fit legibly, the top ones are
    drawn and the title line says "top N of M". No rows draws "No one on the board yet".
    """
    _check_size(width, height)
    rows = sorted(_check_items(rows, BoardRow, "rows"), key=lambda row: row.rank)
    if not rows:
        return _empty_chart(title, NO_BOARD, width, height)
    card = _Card(width, height)
    chart_rows = [
        _Row(
            label=row.name,
            value=row.completion,
            color=BAR,
            values=(
                _percent(row.completion, progress=True),
                "—" if row.quiz_average is None else _percent(row.quiz_average),
            ),
            prefix=f"#{row.rank}",
        )
        for row in rows
    ]
    return _row_chart(card, title, chart_rows, ("Done", "Quiz avg"), [], "top {shown} of {total}")


def class_completion_chart(
    units: list[UnitCompletion], *, title: str, width: int = 1000, height: int = 600
) -> bytes:
    """A class's progress per unit as a ``width`` × ``height`` PNG, units in the order given.

    The bar is the share of the class who completed the unit; the diamond is the class's mean
    completion of it; both are also printed on the right. 30 units fit legibly at the default
    size; past what fits, the first units are drawn and the title line says how many.
    """
    _check_size(width, height)
    units = _check_items(units, UnitCompletion, "units")
    if not units:
        return _empty_chart(title, NO_UNITS, width, height)
    card = _Card(width, height)
    chart_rows = [
        _Row(
            label=unit.title,
            fallback=unit.unit_id,
            value=unit.completed_share,
            color=BAR,
            values=(_percent(unit.completed_share), _percent(unit.mean_completion, progress=True)),
            marker=unit.mean_completion,
        )
        for unit in units
    ]
    keys = [_Key("bar", BAR, "completed the unit (% of class)"), _Key("marker", MARKER, "mean completion")]
    return _row_chart(card, title, chart_rows, ("Completed", "Mean"), keys, "first {shown} of {total} units")


def student_progress_chart(
    units: list[StudentUnit], *, title: str, width: int = 1000, height: int = 600
) -> bytes:
    """One student's progress per unit as a ``width`` × ``height`` PNG, units in the order given.

    Bars show completion, green with a check mark for completed units; the diamond is the best
    quiz score. Both numbers are printed on the right ("—" without a quiz). Past what fits, the
    first units are drawn and the title line says how many.
    """
    _check_size(width, height)
    units = _check_items(units, StudentUnit, "units")
    if not units:
        return _empty_chart(title, NO_UNITS, width, height)
    card = _Card(width, height)
    chart_rows = [
        _Row(
            label=unit.title,
            fallback=unit.unit_id,
            value=unit.completion,
            color=DONE if unit.completed else BAR,
            values=(
                ("✓ " if unit.completed else "") + _percent(unit.completion, progress=not unit.completed),
                "—" if unit.best_quiz is None else _percent(unit.best_quiz),
            ),
            marker=unit.best_quiz,
            value_color=DONE if unit.completed else TEXT,
        )
        for unit in units
    ]
    keys = [
        _Key("bar", DONE, "completed"),
        _Key("bar", BAR, "in progress"),
        _Key("marker", MARKER, "best quiz"),
    ]
    return _row_chart(card, title, chart_rows, ("Done", "Best quiz"), keys, "first {shown} of {total} units")
