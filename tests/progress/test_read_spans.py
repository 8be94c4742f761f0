"""Stretches read: each character counted once, however often or in whatever order it is read."""

from core.progress.read_spans import merged, share


def test_overlapping_and_touching_stretches_join():
    spans = merged([], 50, 60)
    spans = merged(spans, 0, 10)
    spans = merged(spans, 10, 20)
    spans = merged(spans, 55, 70)
    assert spans == [[0, 20], [50, 70]]
    assert merged(spans, 5, 15) == spans  # reading again adds nothing


def test_share_is_the_part_covered():
    assert share([[0, 20], [50, 70]], 100) == 40
    assert share([[0, 200]], 100) == 100
    assert share([], 100) == 0
    assert merged([[0, 5]], 7, 7) == [[0, 5]]  # an empty read is no stretch
