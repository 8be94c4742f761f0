"""A progress line on stderr: redrawn in place on a terminal, one line per stage otherwise."""

from __future__ import annotations

import sys
import time

WIDTH = 28


class ProgressBar:
    def __init__(self, stream=None, min_interval: float = 0.1):
        self._stream = stream or sys.stderr
        self._tty = self._stream.isatty()
        self._stage: str | None = None
        self._last = 0.0
        self._min_interval = min_interval

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self._tty:
            if stage != self._stage:
                self._stage = stage
                print(f"{stage}: {total} to do", file=self._stream, flush=True)
            return
        now = time.monotonic()
        if stage == self._stage and done < total and now - self._last < self._min_interval:
            return
        if stage != self._stage and self._stage is not None:
            self._stream.write("\n")
        self._stage, self._last = stage, now
        filled = WIDTH * done // total if total else WIDTH
        bar = "#" * filled + "-" * (WIDTH - filled)
        self._stream.write(f"\r{stage:<10} [{bar}] {done}/{total}")
        self._stream.flush()

    def finish(self) -> None:
        if self._tty and self._stage is not None:
            self._stream.write("\n")
            self._stream.flush()
