"""Primary keys: UUID text everywhere, made by the application."""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last = (0, 0)  # (milliseconds, sequence) of the last ordered id


def new_id() -> str:
    return str(uuid.uuid4())


def new_ordered_id() -> str:
    """A UUIDv7 (RFC 9562): sorts by creation time, and strictly increases within this process.

    Rows that share a timestamp (messages of one answer) keep their order when sorted by id.
    """
    global _last
    with _lock:
        millis = time.time_ns() // 1_000_000
        last_millis, sequence = _last
        if millis <= last_millis:
            millis, sequence = last_millis, sequence + 1
            if sequence > 0xFFF:  # the 12-bit sequence is spent: borrow the next millisecond
                millis, sequence = millis + 1, 0
        else:
            sequence = 0
        _last = (millis, sequence)
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version 7
    value |= (sequence & 0xFFF) << 64  # rand_a holds the in-millisecond sequence
    value |= 0b10 << 62  # variant
    value |= int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))
