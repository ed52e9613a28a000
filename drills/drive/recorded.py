"""Drive a drill with people through a list of their inputs: recorded actions
(``drill run --actions``) and replays (``drill replay``) share this one loop."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from drills.drive.inputs import PersonInput, apply_input
from drills.drive.live import LiveDrill
from drills.errors import InputError
from drills.sim.people import PersonError


def play_inputs(live: LiveDrill, inputs: Iterable[tuple[PersonInput, str]],
                until: float | None = None) -> dict[str, Any]:
    """Apply each input at its moment, run on to ``until`` (default: the end), score.

    An input that cannot be applied is the input's mistake: ``WHERE: what is wrong``.
    """
    live.begin()
    try:
        for item, where in inputs:
            if item.t > live.end:
                raise InputError(f"{where}: at {item.t:g} minutes, after the drill's end "
                                 f"({live.end:g} minutes)")
            live.advance(item.t)
            try:
                apply_input(live.world, item)
            except PersonError as exc:
                raise InputError(f"{where}: at {live.clock()}, {item.member}: {exc}") from None
        live.advance(live.end if until is None else until)
        return live.finish()
    finally:
        live.close()
