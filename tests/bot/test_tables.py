"""Markdown tables as Discord can show them: aligned in a code block when narrow, else row by row."""

from __future__ import annotations

from bot.tables import TABLE_WIDTH, render_tables

# A real table, from the shared Physical AI textbook (educator-resources/module1-guide.md).
SCHEDULE = """Week 1 at a glance:

| Day | Topic | Duration | Activity |
|-----|-------|----------|----------|
| Day 1 | ROS 2 Architecture | 4h | Lecture + Installation Lab |
| Day 2 | Nodes and Topics | 5h | Lecture + Publisher/Subscriber Lab |
| Day 3 | Services and Actions | 5h | Lecture + Service/Action Lab |
| Day 4 | rclpy Usage | 4h | Lecture + rclpy Lab |
| Day 7 | Parameters and Launch Files | 4h | Lecture + Launch Lab |

Then the project."""

NARROW = """| Joint | Angle | Rate |
| --- | ---: | --- |
| Hip | 30° | 1 kHz |
| `knee` | 5° | **500 Hz** |"""


def test_a_wide_table_becomes_rows_of_header_and_value_with_nothing_cut() -> None:
    shown = render_tables(SCHEDULE)
    assert "|" not in shown
    assert shown.startswith("Week 1 at a glance:\n\n**Day 1**\nTopic: ROS 2 Architecture\nDuration: 4h\n")
    day_7 = "**Day 7**\nTopic: Parameters and Launch Files\nDuration: 4h\nActivity: Lecture + Launch Lab"
    assert day_7 in shown
    assert shown.endswith("\n\nThen the project.")


def test_a_narrow_table_is_aligned_in_a_code_block() -> None:
    shown = render_tables(NARROW)
    assert shown == (
        "```\n"
        "Joint | Angle | Rate\n"
        "------+-------+-------\n"
        "Hip   |   30° | 1 kHz\n"
        "knee  |    5° | 500 Hz\n"
        "```"
    )


def test_a_table_a_little_too_wide_is_clipped_in_its_widest_column() -> None:
    shown = render_tables(SCHEDULE, width=68)
    lines = shown.split("\n")
    grid = lines[lines.index("```") + 1 : len(lines) - 1 - lines[::-1].index("```")]
    assert grid[0].split() == ["Day", "|", "Topic", "|", "Duration", "|", "Activity"]
    assert all(len(line) <= 68 for line in grid)
    assert "Lecture + Launch Lab" in shown and "…" in shown


def test_code_blocks_and_lone_pipes_are_left_alone() -> None:
    text = "```\n| a | b |\n| --- | --- |\n| 1 | 2 |\n```\nx | y is a sentence\n\n---\n"
    assert render_tables(text) == text


def test_wide_characters_take_two_columns_so_the_grid_stays_aligned() -> None:
    table = "| 名前 | 点 |\n| --- | --- |\n| 李小龍 | 9 |"
    assert render_tables(table).split("\n")[1:4] == ["名前   | 点", "-------+---", "李小龍 | 9"]


def test_a_narrow_grid_fits_the_width() -> None:
    text = "| Sensor | Typical rate |\n| --- | --- |\n| IMU | 200–1000 Hz |"
    assert all(len(line) <= TABLE_WIDTH for line in render_tables(text).split("\n"))


def test_links_and_line_breaks_in_cells_read_as_text() -> None:
    table = "| Tool | Docs |\n|-|-|\n| rclpy | [API](https://docs.ros.org/rclpy) |\n| Nav2 | one<br>two |"
    shown = render_tables(table)
    assert shown.startswith("```\n") and "rclpy | API" in shown and "Nav2  | one two" in shown
    assert "](" not in shown and "<br>" not in shown


def test_a_long_table_repeats_its_header_in_blocks_that_fit_a_page() -> None:
    rows = "\n".join(f"| {n} | {n * n} |" for n in range(1, 46))
    shown = render_tables("| n | n² |\n| --: | --: |\n" + rows)
    blocks = shown.split("\n\n")
    assert len(blocks) == 3 and all(b.startswith("```\n n |   n²\n---+-----\n") for b in blocks)
    assert blocks[-1].endswith("45 | 2025\n```") and all(len(b) < 1800 for b in blocks)
