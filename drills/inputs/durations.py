"""Durations like ``15m``, ``2h``, ``1d``, ``90s``; the simulation counts minutes as floats."""

from __future__ import annotations

import math
import re

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(s|m|h|d)$")
_UNIT_MINUTES = {"s": 1 / 60, "m": 1.0, "h": 60.0, "d": 1440.0}


def parse_duration(text: str) -> float:
    """Return minutes. Raises ValueError naming the bad text.

    >>> parse_duration("2h")
    120.0
    """
    match = _DURATION.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"bad duration {text!r}: write a number and a unit s, m, h or d, like 15m")
    minutes = float(match.group(1)) * _UNIT_MINUTES[match.group(2)]
    if not math.isfinite(minutes):
        raise ValueError(f"duration {text[:20]!r}... is too long")
    return minutes


def format_minutes(minutes: float) -> str:
    """Render simulated minutes as ``HH:MM`` from the drill's start (``26:05`` past a day)."""
    total = round(minutes)
    return f"{total // 60:02d}:{total % 60:02d}"
