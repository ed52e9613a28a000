"""Drive a drill with people through a list of their inputs: recorded actions
(``drill run --actions``, ``run --human``) and replays (``drill replay``) share this one loop,
the session's."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from drills.drive.inputs import PersonInput
from drills.drive.live import LiveDrill
from drills.drive.session import Driver


def play_inputs(live: LiveDrill, inputs: Iterable[tuple[PersonInput, str]],
                until: float | None = None) -> dict[str, Any]:
    """Apply each input at its moment, run on to ``until`` (default: the end), score.

    An input that cannot be applied is the input's mistake: ``WHERE: what is wrong``.
    """
    live.begin()
    try:
        Driver(live).replay(inputs, until)
        return live.finish()
    finally:
        live.close()
