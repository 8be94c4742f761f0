"""The progress charts: real PNGs of the asked size, legible text, validated inputs."""

from __future__ import annotations

import io
import itertools
import math
import os
import struct
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import matplotlib
import matplotlib.image
import numpy as np
import pytest

from core.progress import charts
from core.progress.charts import (
    BoardRow,
    StudentUnit,
    UnitCompletion,
    class_completion_chart,
    displayable,
    leaderboard_chart,
    student_progress_chart,
)

# A missing glyph, a mathtext parse or a font-cache complaint would surface as a warning.
pytestmark = pytest.mark.filterwarnings("error")

ROOT = Path(__file__).resolve().parents[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which the PNG format puts first."""
    assert png[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", png[8:16])
    assert (kind, length) == (b"IHDR", 13)
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def pixels(png: bytes) -> np.ndarray:
    return matplotlib.image.imread(io.BytesIO(png), format="png")


def board(n: int, *, ties: bool = False) -> list[BoardRow]:
    rows = []
    for index in range(n):
        rank = 2 if ties and index in (1, 2) else index + 1
        quiz = None if index % 3 == 2 else 40 + (index * 7) % 60
        rows.append(BoardRow(rank, f"Student {index + 1}", max(0.0, 100 - index * 3.7), quiz))
    return rows


def class_units(n: int) -> list[UnitCompletion]:
    return [
        UnitCompletion(f"u{i}", f"Week {i + 1}: topic {i + 1}", 100 * (n - i) / n, 100 * (n - i / 2) / n)
        for i in range(n)
    ]


def student_units(n: int) -> list[StudentUnit]:
    return [
        StudentUnit(
            f"u{i}",
            f"Week {i + 1}: topic {i + 1}",
            max(0.0, 100 - i * 9),
            i < 3,
            None if i % 4 == 3 else 55 + i,
        )
        for i in range(n)
    ]


@pytest.fixture
def drawn(monkeypatch):
    """The cards the charts drew, to read the texts back and measure where they landed."""
    cards: list[charts._Card] = []
    png = charts._Card.png

    def keep(card: charts._Card) -> bytes:
        cards.append(card)
        return png(card)

    monkeypatch.setattr(charts._Card, "png", keep)
    return cards


def texts(card: charts._Card) -> list[str]:
    return [text.get_text() for text in card.figure.texts]


def assert_legible(card: charts._Card) -> None:
    """Every text lies inside the image and no two texts overlap."""
    renderer = card.canvas.get_renderer()
    boxes = [
        (text.get_text(), text.get_window_extent(renderer)) for text in card.figure.texts if text.get_text()
    ]
    for label, box in boxes:
        assert box.x0 >= 0 and box.y0 >= 0, label
        assert box.x1 <= card.width and box.y1 <= card.height, label
    for (first, a), (second, b) in itertools.combinations(boxes, 2):
        overlap_x = min(a.x1, b.x1) - max(a.x0, b.x0)
        overlap_y = min(a.y1, b.y1) - max(a.y0, b.y0)
        assert overlap_x <= 0.5 or overlap_y <= 0.5, f"{first!r} overlaps {second!r}"


CHARTS = [
    pytest.param(leaderboard_chart, board(10), id="leaderboard"),
    pytest.param(class_completion_chart, class_units(13), id="class"),
    pytest.param(student_progress_chart, student_units(13), id="student"),
]


# --- the image ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("chart", "items"), CHARTS)
@pytest.mark.parametrize("size", [(1000, 600), (200, 200), (333, 1201), (1999, 401)])
def test_png_has_the_asked_size_and_is_not_blank(chart, items, size):
    width, height = size
    png = chart(items, title="CS101", width=width, height=height)

    assert png.startswith(PNG_SIGNATURE)
    assert png_size(png) == (width, height)
    image = pixels(png)
    assert image.shape[:2] == (height, width)
    assert image[..., :3].var() > 0.001
    assert 1_000 < len(png) < 2_000_000


def test_default_size_is_1000_by_600():
    assert png_size(leaderboard_chart(board(3), title="CS101")) == (1000, 600)


@pytest.mark.parametrize(("chart", "items"), CHARTS)
@pytest.mark.parametrize("size", [(1000, 600), (200, 200), (300, 200), (4000, 300), (400, 1600)])
def test_text_stays_inside_and_never_overlaps(drawn, chart, items, size):
    chart(
        items,
        title="A rather long chart title about a course, its weeks and its students",
        width=size[0],
        height=size[1],
    )
    assert_legible(drawn[-1])


def test_bars_are_drawn_to_their_value(drawn):
    png = leaderboard_chart([BoardRow(1, "Full", 100, None), BoardRow(2, "Empty", 0, None)], title="Board")
    image = pixels(png)[..., :3]
    bar = np.array(matplotlib.colors.to_rgb(charts.BAR))
    blue = np.abs(image - bar).max(axis=2) < 0.02
    rows_with_blue = np.flatnonzero(blue.any(axis=1))
    assert rows_with_blue.size > 10  # the full bar
    top, bottom = rows_with_blue.min(), rows_with_blue.max()
    assert bottom - top < 100  # one bar, not two: the 0% row has no blue


def test_identical_input_gives_identical_bytes_across_threads():
    jobs = [(leaderboard_chart, board(10)), (class_completion_chart, class_units(13))] * 4
    expected = [chart(items, title="CS101") for chart, items in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda job: job[0](job[1], title="CS101"), jobs))
    assert got == expected


def test_leaves_matplotlib_settings_alone():
    before = dict(matplotlib.rcParams)
    leaderboard_chart(board(5), title="CS101")
    student_progress_chart(student_units(5), title="CS101")
    assert dict(matplotlib.rcParams) == before


# --- the leaderboard ----------------------------------------------------------------------------


def test_leaderboard_rows_show_rank_name_completion_and_quiz(drawn):
    leaderboard_chart(
        [BoardRow(1, "Alice", 99.7, 91.2), BoardRow(2, "Bob", 100, None)], title="Leaderboard — CS101"
    )
    shown = texts(drawn[-1])
    assert {"Leaderboard — CS101", "#1", "Alice", "#2", "Bob", "91%", "—", "100%"} <= set(shown)
    assert "99%" in shown  # 99.7% done is not shown as finished


def test_rows_are_drawn_in_rank_order(drawn):
    leaderboard_chart(
        [BoardRow(3, "Cy", 10, None), BoardRow(1, "Al", 90, None), BoardRow(2, "Bo", 50, None)], title="B"
    )
    shown = texts(drawn[-1])
    assert [name for name in shown if name in {"Al", "Bo", "Cy"}] == ["Al", "Bo", "Cy"]


def test_ties_share_a_rank(drawn):
    leaderboard_chart(board(5, ties=True), title="Board")
    ranks = [text for text in texts(drawn[-1]) if text.startswith("#")]
    assert ranks == ["#1", "#2", "#2", "#4", "#5"]


def test_empty_board_says_so(drawn):
    png = leaderboard_chart([], title="Leaderboard — CS101")
    assert png_size(png) == (1000, 600)
    assert "No one on the board yet" in texts(drawn[-1])
    assert pixels(png)[..., :3].var() > 0


def test_many_rows_show_the_top_that_fits_and_say_so(drawn):
    leaderboard_chart(board(80), title="Board")
    card = drawn[-1]
    notes = [text for text in texts(card) if text.startswith("top ")]
    assert len(notes) == 1 and notes[0].endswith(" of 80")
    shown = int(notes[0].split()[1])
    assert 20 <= shown < 80
    assert sum(text.startswith("#") for text in texts(card)) == shown
    assert_legible(card)


def test_25_rows_all_fit_at_the_default_size(drawn):
    leaderboard_chart(board(25), title="Board")
    card = drawn[-1]
    assert sum(text.startswith("#") for text in texts(card)) == 25
    assert not any(text.startswith("top ") for text in texts(card))
    assert_legible(card)


# --- names --------------------------------------------------------------------------------------


def test_names_lose_what_the_font_cannot_draw():
    assert displayable("Zoë 🤖") == "Zoë"
    assert displayable("Zoe\u0308") == "Zoë"  # decomposed form joined
    assert displayable("  Ada\n\tLovelace\u200d ") == "Ada Lovelace"
    assert displayable("田中 Taro") == "Taro"
    assert displayable("👍🏽🎉") == ""
    assert displayable("Ζωή Кирилл") == "Ζωή Кирилл"
    assert len(displayable("Z" + "\u0301" * 40)) == 3  # "Zalgo" marks capped


def test_emoji_non_latin_and_long_names_draw_without_warnings(drawn):
    long_name = "Bartholomew Maximilian Fitzgerald-Worthington the Third of Somewhere Far"
    rows = [
        BoardRow(1, "Zoë 🤖", 90, 80),
        BoardRow(2, long_name, 80, None),
        BoardRow(3, "田中", 70, 75),
        BoardRow(4, "$cash$ money_{2}^x \\frac", 60, 60),
        BoardRow(5, "", 50, None),
    ]
    leaderboard_chart(rows, title="🏆 Leaderboard — CS101 🏆")
    card = drawn[-1]
    shown = texts(card)
    assert "Zoë" in shown
    assert "Leaderboard — CS101" in shown
    cut = [text for text in shown if text.startswith("Bartholomew")]
    assert len(cut) == 1 and cut[0].endswith("…") and len(cut[0]) < len(long_name)
    assert "$cash$ money_{2}^x \\frac" in shown  # drawn as typed, not as mathtext
    assert shown.count("?") == 2  # nothing drawable in "田中" nor in ""
    assert_legible(card)


def test_long_unit_titles_are_cut_and_blank_ones_fall_back_to_the_id(drawn):
    units = [
        UnitCompletion("u1", "Recursion, the call stack and why your function never returns " * 3, 50, 60),
        UnitCompletion("week-2", "   ", 40, 45),
    ]
    class_completion_chart(units, title="Class")
    shown = texts(drawn[-1])
    assert any(text.startswith("Recursion, the call") and text.endswith("…") for text in shown)
    assert "week-2" in shown
    assert_legible(drawn[-1])


def test_text_measurement_never_underestimates_the_renderer():
    card = charts._Card(1000, 600)
    renderer = card.canvas.get_renderer()
    samples = [
        "iiiiiiii",
        "WWWWWWWW",
        "Zoë",
        "AVAVA Tyrone",
        "#10",
        "100%",
        "—",
        "✓ 100%",
        "Ærøskøbing",
        "Кириллица",
    ]
    for text, px, bold in itertools.product(samples, (9, 10, 13, 16, 26, 40), (False, True)):
        real, _, _ = renderer.get_text_width_height_descent(text, card.font(px, bold), ismath=False)
        assert card.measure(text, px, bold) >= real, (text, px, bold)


# --- the class and student charts ---------------------------------------------------------------


def test_class_chart_shows_share_and_mean_per_unit(drawn):
    class_completion_chart([UnitCompletion("u1", "Getting started", 62.4, 71.4)], title="Class")
    shown = texts(drawn[-1])
    assert {"Getting started", "62%", "71%", "Completed", "Mean"} <= set(shown)


def test_30_units_are_all_drawn_legibly(drawn):
    class_completion_chart(class_units(30), title="CS101 — 30 weeks")
    card = drawn[-1]
    shown = texts(card)
    assert all(f"Week {i}: topic {i}" in shown for i in range(1, 31))
    assert not any("units" in text and "of" in text for text in shown)
    assert_legible(card)
    student_progress_chart(student_units(30), title="Zoë — 30 weeks")
    assert all(f"Week {i}: topic {i}" in texts(drawn[-1]) for i in range(1, 31))
    assert_legible(drawn[-1])


def test_units_beyond_what_fits_are_counted_in_the_title_line(drawn):
    class_completion_chart(class_units(120), title="Class")
    notes = [text for text in texts(drawn[-1]) if text.endswith("of 120 units")]
    assert len(notes) == 1
    assert_legible(drawn[-1])


def test_student_chart_marks_completed_units_and_quiz_scores(drawn):
    units = [
        StudentUnit("u1", "Done unit", 100, True, 92.5),
        StudentUnit("u2", "Half unit", 50, False, None),
    ]
    png = student_progress_chart(units, title="Zoë 🤖 — CS101")
    shown = texts(drawn[-1])
    assert {"Zoë — CS101", "✓ 100%", "93%", "50%", "—"} <= set(shown)
    image = pixels(png)[..., :3]
    for colour in (charts.DONE, charts.BAR, charts.MARKER):
        rgb = np.array(matplotlib.colors.to_rgb(colour))
        assert (np.abs(image - rgb).max(axis=2) < 0.02).sum() > 50, colour


@pytest.mark.parametrize(
    ("chart", "message"),
    [(class_completion_chart, "No units yet"), (student_progress_chart, "No units yet")],
)
def test_no_units_says_so(drawn, chart, message):
    png = chart([], title="CS101")
    assert png_size(png) == (1000, 600)
    assert message in texts(drawn[-1])


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: BoardRow(1, "A", 100.5, None),
        lambda: BoardRow(1, "A", -1, None),
        lambda: BoardRow(1, "A", math.nan, None),
        lambda: BoardRow(1, "A", 50, 101),
        lambda: BoardRow(1, "A", 50, math.inf),
        lambda: BoardRow(0, "A", 50, None),
        lambda: BoardRow(True, "A", 50, None),
        lambda: BoardRow(1, None, 50, None),
        lambda: BoardRow(1, "A", "50", None),
        lambda: UnitCompletion("u", "T", 120, 50),
        lambda: UnitCompletion("u", "T", 50, -0.1),
        lambda: StudentUnit("u", "T", 101, True, None),
        lambda: StudentUnit("u", "T", 50, False, 150),
        lambda: StudentUnit("u", "T", 50, "yes", None),
    ],
)
def test_values_out_of_range_are_refused(make):
    with pytest.raises(ValueError, match=r"must be"):
        make()


def test_the_message_names_the_field_and_value():
    with pytest.raises(ValueError, match=r"BoardRow 'Ann': completion must be between 0 and 100, got 120"):
        BoardRow(1, "Ann", 120, None)


@pytest.mark.parametrize(("chart", "items"), CHARTS)
@pytest.mark.parametrize("size", [(199, 600), (1000, 4001), (0, 600), (1000.0, 600), (True, 600)])
def test_sizes_outside_200_to_4000_are_refused(chart, items, size):
    with pytest.raises(ValueError, match=r"from 200 to 4000"):
        chart(items, title="T", width=size[0], height=size[1])


def test_items_of_the_wrong_kind_are_refused():
    with pytest.raises(ValueError, match="BoardRow"):
        leaderboard_chart([{"rank": 1, "name": "A", "completion": 5, "quiz_average": None}], title="T")
    with pytest.raises(ValueError, match="UnitCompletion"):
        class_completion_chart(student_units(2), title="T")


# --- the process ---------------------------------------------------------------------------------


def test_unwritable_matplotlib_dirs_need_no_warning_and_no_pyplot(tmp_path):
    """A server user whose home is not writable: the font cache goes to a private temp dir, quietly."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "MPLCONFIGDIR"}
    env |= {"XDG_CONFIG_HOME": str(blocker), "XDG_CACHE_HOME": str(blocker), "TMPDIR": str(temp)}
    script = textwrap.dedent(
        """
        import os, sys
        from core.progress.charts import BoardRow, leaderboard_chart
        png = leaderboard_chart([BoardRow(1, "Zoë 🤖", 50, None)], title="T")
        assert png.startswith(b"\\x89PNG")
        assert "matplotlib.pyplot" not in sys.modules
        print(os.environ["MPLCONFIGDIR"])
        """
    )
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    config = Path(result.stdout.strip())
    assert config.parent == temp and config.name.startswith("studyhall-matplotlib-")
    assert any(config.glob("fontlist-*.json"))  # the cache was written there, for the next process
