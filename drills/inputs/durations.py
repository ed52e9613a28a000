"""Durations like ``15m``, ``2h``, ``1d``, ``90s``; the simulation counts minutes as floats."""

from __future__ import annotations

import math
import re

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(s|m|h|d)$")
_UNIT_MINUTES = {"s": 1 / 60, "m": 1.0, "h": 60.0, "d": 1440.0}
_COMPOUND = re.compile(r"(\d+(?:\.\d+)?[smhd])+")
_PART = re.compile(r"\d+(?:\.\d+)?[smhd]")


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


def parse_span(text: str) -> float:
    """A span of time a person types: ``10`` (minutes), ``10m``, ``1h30m`` or ``90s``.

    Raises ValueError naming the text; the span must be above zero.

    >>> parse_span("1h30m")
    90.0
    """
    raw = text.strip().lower() if isinstance(text, str) else ""
    if raw.replace(".", "", 1).isdecimal():
        minutes = float(raw)
    elif raw and _COMPOUND.fullmatch(raw):
        minutes = sum(parse_duration(part) for part in _PART.findall(raw))
    else:
        raise ValueError(f"bad duration {text!r}: like 10m, 1h, 1h30m or 90s")
    if minutes <= 0:
        raise ValueError("the duration must be above zero, like 10m")
    return minutes


def countdown(minutes: float) -> str:
    """Time left or late as a person reads it on a screen: ``1h05m``, ``12m``, ``<1m``."""
    minutes = max(0.0, minutes)
    if minutes >= 60:
        return f"{int(minutes // 60)}h{int(minutes % 60):02d}m"
    return f"{int(minutes)}m" if minutes >= 1 else "<1m"
