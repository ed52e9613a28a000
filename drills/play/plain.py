"""``drill play --plain``: lines in, lines out, for screen readers, scripts and tests.

Commands are read on a thread, so the clock runs while the person thinks; at speed 0 time
moves only with ``wait`` and a session is fully deterministic.
"""

from __future__ import annotations

import queue
import signal
import threading
from collections.abc import Callable
from typing import TextIO

from drills.play.console import Console
from drills.play.lines import continues, takes_text

POLL_SECONDS = 0.1
#: How long a statement's text waits for its next pasted line (a paste arrives at once).
PASTE_SECONDS = 0.3


def run_plain(console: Console, stdin: TextIO, write: Callable[[str], None],
              *, echo: bool = False) -> None:
    """Run until the drill ends, ``quit``, end of input, or Ctrl-C."""
    roles = ", ".join(console.shown(r) for r in console.member.roles)
    write(console.w("You play {roles} as {name}. {status}", roles=roles, name=console.name,
                    status=console.status()))
    for line in console.briefing():
        write(line)
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_read, args=(stdin, lines), daemon=True).start()
    # Ctrl-C asks the loop to stop between two steps of the world, never in the middle of one.
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, lambda _sig, _frame: console.interrupt())
    try:
        _loop(console, lines, write, echo)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _loop(console: Console, lines: queue.Queue[str | None], write: Callable[[str], None],
          echo: bool) -> None:
    try:
        for out in console.tick():
            write(out)
        pending: list[str | None] = []
        while True:
            line: str | None
            if pending:
                line = pending.pop()
            else:
                try:
                    line = lines.get(timeout=POLL_SECONDS)
                except queue.Empty:
                    line = ""
            if line is not None and takes_text(line):
                line, after = _statement(line, lines)
                pending.extend(after)
            if console.interrupted:
                write(console.w("interrupted: ending the drill at {at}", at=console.at()))
                return
            if line is None:
                write(console.w("end of input: ending the drill at {at}", at=console.at()))
                return
            for out in console.tick():
                write(out)
            if console.session.over:
                write(console.w("the drill has ended at {at}", at=console.at()))
                return
            if not line.strip():
                continue
            if echo:
                for part in line.rstrip().splitlines():
                    write(f"> {part}")
            reply = console.execute(line)
            for out in reply.lines:
                write(out)
            if reply.quit:
                return
            if console.session.over:
                write(console.w("the drill has ended at {at}", at=console.at()))
                return
    except KeyboardInterrupt:
        write(console.w("interrupted: ending the drill at {at}", at=console.at()))


def _statement(first: str, lines: queue.Queue[str | None]) -> tuple[str, list[str | None]]:
    """A ``do``/``act`` line and the lines of its text that follow (drills/play/lines.py);
    the first line that does not belong, if one was read, to be run next."""
    text = first.rstrip("\n")
    while True:
        try:
            line = lines.get(timeout=PASTE_SECONDS)
        except queue.Empty:
            return text, []
        if line is None or not continues(line):
            return text, [line]
        text += "\n" + line.strip()


def _read(stdin: TextIO, lines: queue.Queue[str | None]) -> None:
    try:
        for line in stdin:
            lines.put(line)
    finally:
        lines.put(None)
