"""A progress line for long drills, on a terminal only (the shell reads the clock, not the core)."""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

#: Show nothing for drills faster than this (seconds of wall time).
QUIET_SECONDS = 2.0


def drill_progress(stream: TextIO | None = None,
                   clock: Callable[[], float] = time.monotonic
                   ) -> tuple[Callable[[float, float], None], Callable[[], None]]:
    """(report, finish): ``report(now, end)`` for the world's ticks; ``finish()`` clears the
    line. Silent when ``stream`` is not a terminal."""
    out = stream or sys.stderr
    if not out.isatty():
        return (lambda _now, _end: None), (lambda: None)
    started = clock()
    shown = [False, 0.0]

    def report(now: float, end: float) -> None:
        elapsed = clock() - started
        if elapsed < QUIET_SECONDS or elapsed - float(shown[1]) < 0.2:
            return
        shown[0], shown[1] = True, elapsed
        share = now / end if end else 1.0
        left = elapsed / share - elapsed if share > 0 else 0.0
        out.write(f"\rdrill: {now / 60:5.1f} of {end / 60:g} h simulated ({share:4.0%}), "
                  f"{elapsed:4.0f}s elapsed, ~{left:3.0f}s left ")
        out.flush()

    def finish() -> None:
        if shown[0]:
            out.write("\r" + " " * 78 + "\r")
            out.flush()

    return report, finish


@contextmanager
def stop_on_interrupt(report: Callable[[float, float], None], *, enabled: bool = True
                      ) -> Iterator[Callable[[float, float], None]]:
    """A ``progress(now, end)`` that raises KeyboardInterrupt at the first tick after a
    Ctrl-C: the drill stops between two steps of the world. Only on the main thread; the
    usual Ctrl-C when not ``enabled`` (a drill that has no ticks)."""
    if not enabled or threading.current_thread() is not threading.main_thread():
        yield report
        return
    asked: list[bool] = []
    previous = signal.signal(signal.SIGINT, lambda _sig, _frame: asked.append(True))

    def tick(now: float, end: float) -> None:
        if asked:
            raise KeyboardInterrupt
        report(now, end)

    try:
        yield tick
    finally:
        signal.signal(signal.SIGINT, previous)
    if asked:  # asked after the last tick: the drill ran to its end; still, stop here
        raise KeyboardInterrupt


def bar(unit: str, stream: TextIO | None = None
        ) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """(report, finish): a tqdm progress bar for ``report(done, total)`` on a terminal;
    nothing when the output is piped."""
    out = stream or sys.stderr
    if not out.isatty():
        return (lambda _done, _total: None), (lambda: None)
    from tqdm import tqdm

    state: dict[str, Any] = {}

    def report(done: int, total: int) -> None:
        progress = state.get("bar")
        if progress is None:
            progress = state["bar"] = tqdm(total=total, unit=unit, file=out, leave=False)
        progress.update(done - progress.n)

    def finish() -> None:
        if "bar" in state:
            state["bar"].close()

    return report, finish
