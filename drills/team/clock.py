"""The drill's wall of the week: simulated minutes -> weekday and time of day, and shifts.

A drill starts at a weekday and time (``fri 17:30``); simulated minute ``t`` is that start
plus ``t``. Shifts are days and hours in the same (the team's) local time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Swedish weekday abbreviations (the product speaks Swedish): mån, tis, ons, tor, fre, lör, sön.
SWEDISH_DAYS = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")
_START = re.compile(r"^\s*(mon|tue|wed|thu|fri|sat|sun|mån|man|tis|ons|tor|fre|lör|lor|sön|son)"
                    r"[a-zåäö]*\.?\s+(\d{1,2})[:.](\d{2})\s*$", re.IGNORECASE)
_SWEDISH = {**dict(zip(SWEDISH_DAYS, DAYS, strict=True)),
            "man": "mon", "lor": "sat", "son": "sun"}
_SHIFT = re.compile(r"^(?P<days>[a-z,-]+) (?P<h1>\d\d):(?P<m1>\d\d)-(?P<h2>\d\d):(?P<m2>\d\d)$")
WEEK = 7 * 1440


def parse_start(text: str) -> float:
    """Minutes since Monday 00:00 for ``fri 17:30`` (also ``fre 17.30``, as Swedes write
    it); raises ValueError naming the text."""
    match = _START.match(text)
    if match is None:
        raise ValueError(f"bad start {text!r}: write a weekday and a time, like 'fri 17:30' "
                         "(or 'fre 17:30')")
    name = match.group(1).lower()[:3]
    day = DAYS.index(_SWEDISH.get(name, name))
    hour, minute = int(match.group(2)), int(match.group(3))
    if hour > 23 or minute > 59:
        raise ValueError(f"bad start {text!r}: the time must be 00:00..23:59")
    return day * 1440 + hour * 60 + minute


def format_start(week_minute: float) -> str:
    day, rest = divmod(int(week_minute) % WEEK, 1440)
    return f"{DAYS[day]} {rest // 60:02d}:{rest % 60:02d}"


@dataclass(frozen=True)
class Shift:
    """Working windows of the week, as (start, end) minutes since Monday 00:00."""

    windows: tuple[tuple[int, int], ...]
    text: str = ""

    def covers(self, week_minute: float) -> bool:
        m = week_minute % WEEK
        return any(start <= m < end or start <= m + WEEK < end for start, end in self.windows)

    def next_start(self, week_minute: float) -> float:
        """Minutes from ``week_minute`` until this shift next covers (0 if it covers now)."""
        if self.covers(week_minute):
            return 0.0
        m = week_minute % WEEK
        waits = [(start - m) % WEEK for start, _end in self.windows]
        return float(min(waits)) if waits else float("inf")


ALWAYS = Shift(((0, WEEK),), "always")
NEVER = Shift((), "never")


def _days(spec: str) -> list[int]:
    days: list[int] = []
    for part in spec.split(","):
        first, _, last = part.partition("-")
        a = DAYS.index(first)
        b = DAYS.index(last) if last else a
        days.extend(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return days


def parse_shift(text: str) -> Shift:
    """``mon-fri 08:00-17:00``, ``sat,sun 10:00-14:00``, ``mon-sun 22:00-06:00`` or ``always``."""
    if text == "always":
        return ALWAYS
    match = _SHIFT.match(text.strip().lower())
    if match is None:
        raise ValueError(f"bad shift {text!r}: write days and hours, like 'mon-fri 08:00-17:00'")
    start = int(match["h1"]) * 60 + int(match["m1"])
    end = int(match["h2"]) * 60 + int(match["m2"])
    if start == end:
        raise ValueError(f"bad shift {text!r}: it starts and ends at the same time")
    length = end - start if end > start else end + 1440 - start
    windows = tuple((day * 1440 + start, day * 1440 + start + length)
                    for day in _days(match["days"]))
    return Shift(windows, text)


def combine(shifts: list[Shift]) -> Shift:
    return Shift(tuple(w for s in shifts for w in s.windows), ", ".join(s.text for s in shifts))
