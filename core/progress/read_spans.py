"""The stretches of a chapter a student has read, as [start, end) character offsets.

Progress recorded this way counts what was read, once: reading a passage twice adds nothing,
and jumping to the last section counts that section, not everything before it."""

from __future__ import annotations


def merged(spans: list[list[int]], start: int, end: int) -> list[list[int]]:
    """`spans` with [start, end) added, sorted and with overlapping or touching stretches joined."""
    every = sorted([*([s, e] for s, e in spans if e > s), [start, end]] if end > start else spans)
    out: list[list[int]] = []
    for s, e in every:
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out


def share(spans: list[list[int]], length: int) -> int:
    """The percentage (0–100) of a text of `length` characters that `spans` cover."""
    covered = sum(min(e, length) - max(s, 0) for s, e in spans if min(e, length) > max(s, 0))
    return min(100, round(100 * covered / max(1, length)))
