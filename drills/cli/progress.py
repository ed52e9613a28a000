"""A progress line for long drills, on a terminal only (the shell reads the clock, not the core)."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

#: Show nothing for work faster than this (seconds of wall time).
QUIET_SECONDS = 2.0


def drill_progress(stream: TextIO | None = None
                   ) -> tuple[Callable[[float, float], None], Callable[[], None]]:
    """(report, finish): a tqdm bar of simulated hours for ``report(now, end)`` (the
    world's ticks, in minutes), shown after QUIET_SECONDS; nothing when piped."""
    out = stream or sys.stderr
    if not out.isatty():
        return (lambda _now, _end: None), (lambda: None)
    from tqdm import tqdm

    state: dict[str, Any] = {}

    def report(now: float, end: float) -> None:
        progress = state.get("bar")
        if progress is None:
            progress = state["bar"] = tqdm(
                total=round(end / 60, 2), unit="h", desc="drill", file=out, leave=False,
                delay=QUIET_SECONDS, bar_format="{desc}: {n:.1f} of {total:g} h simulated "
                "{bar} {percentage:3.0f}% [{elapsed}<{remaining}]")
        progress.update(round(now / 60, 2) - progress.n)

    def finish() -> None:
        if "bar" in state:
            state["bar"].close()

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
            progress = state["bar"] = tqdm(total=total, unit=unit, file=out, leave=False,
                                           delay=QUIET_SECONDS, unit_scale=unit == "B")
        progress.update(done - progress.n)

    def finish() -> None:
        if "bar" in state:
            state["bar"].close()

    return report, finish
