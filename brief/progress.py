"""Progress for long work: a live counter on a terminal, plain lines elsewhere."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """`step(name, total)` starts a phase; `advance()` counts; `done()` ends the phase.

    On a terminal one line is redrawn at most ten times a second; otherwise each phase prints
    one plain line when it starts, so logs stay readable. Quiet prints nothing. With `timings`
    (`-v`), each phase prints how long it took when it ends, and how much of that went to work
    split across the workers, however many `-j` gives (`spread`; bench/build_bench.py reads it
    to find the serial part).
    """

    def __init__(self, stream: TextIO | None = None, quiet: bool = False, timings: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.timings = timings and not quiet
        self._started = 0.0
        self.live = not quiet and self.stream.isatty()
        self.name = ""
        self.total = 0
        self.count = 0
        self._drawn = 0.0
        self._spread = 0.0

    def step(self, name: str, total: int = 0) -> None:
        self.done()
        self.name, self.total, self.count, self._spread = name, total, 0, 0.0
        self._started = time.perf_counter()
        if self.quiet:
            return
        if self.live:
            self._draw(force=True)
        else:
            suffix = f" ({total})" if total else ""
            print(f"{name}{suffix}", file=self.stream, flush=True)

    def advance(self, n: int = 1) -> None:
        self.count += n
        if self.live:
            self._draw()

    def spread(self, seconds: float) -> None:
        """Count `seconds` of the current phase as work split across the workers (run in this
        process when there is one)."""
        self._spread += seconds

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._drawn < 0.1 and self.count != self.total:
            return
        self._drawn = now
        counter = f" {self.count}/{self.total}" if self.total else ""
        self.stream.write(f"\r\x1b[2K{self.name}{counter}")
        self.stream.flush()

    def done(self) -> None:
        if self.live and self.name:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
        if self.timings and self.name:
            spread = f" ({self._spread:.2f} s of it split across workers)" if self._spread else ""
            seconds = time.perf_counter() - self._started
            print(f"  {self.name}: {seconds:.2f} s{spread}", file=self.stream, flush=True)
        self.name = ""

    def note(self, message: str) -> None:
        """A line that must stay visible (a warning), printed between redraws."""
        if self.quiet:
            return
        if self.live:
            self.stream.write("\r\x1b[2K")
        print(message, file=self.stream, flush=True)
        if self.live and self.name:
            self._draw(force=True)
