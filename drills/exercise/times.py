"""Times in exercise scripts: Excel time cells, '09h30', '26/06/2024 09h00', and times
relative to the start like 'J+1 H+2 M-5', 'D+1', 'T+2', '+01:30'."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

_CLOCK = re.compile(r"^(\d{1,2})\s*[h:.]\s*(\d{2})?(?:[:.](\d{2}))?\s*$", re.IGNORECASE)
_DATE_CLOCK = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\s+(.+)$")
_RELATIVE = re.compile(r"([JDHTM])\s*([+-])\s*(\d+(?:[.,]\d+)?)", re.IGNORECASE)
_OFFSET = re.compile(r"^([+-])\s*(\d{1,3}):(\d{2})$")
_UNIT = {"J": 1440.0, "D": 1440.0, "H": 60.0, "T": 60.0, "M": 1.0}


@dataclass(frozen=True)
class SheetTime:
    """Either minutes relative to the exercise start, or an absolute moment (day, minute
    of the day) to be placed against the start."""

    relative: float | None = None
    day: dt.date | None = None
    minute: float | None = None


def parse_time(cell: Any) -> SheetTime:
    """Raises ValueError with what would work."""
    if isinstance(cell, dt.datetime):
        return SheetTime(day=cell.date(), minute=cell.hour * 60 + cell.minute
                         + cell.second / 60)
    if isinstance(cell, dt.time):
        return SheetTime(minute=cell.hour * 60 + cell.minute + cell.second / 60)
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        if 0 <= cell < 1:  # an Excel time: a fraction of a day
            return SheetTime(minute=round(cell * 1440, 3))
        raise ValueError(f"the number {cell} is not a time of day")
    text = str(cell).strip()
    match = _CLOCK.match(text)
    if match:
        return SheetTime(minute=_minute(match))
    match = _DATE_CLOCK.match(text)
    if match:
        day_, month, year, rest = match.groups()
        clock = _CLOCK.match(rest.strip())
        if clock:
            year_n = int(year) + (2000 if len(year) == 2 else 0)
            return SheetTime(day=dt.date(year_n, int(month), int(day_)),
                             minute=_minute(clock))
    match = _OFFSET.match(text)
    if match:
        sign = -1 if match.group(1) == "-" else 1
        return SheetTime(relative=sign * (int(match.group(2)) * 60 + int(match.group(3))))
    parts = _RELATIVE.findall(text)
    if parts and not _RELATIVE.sub("", text).strip(" ,;"):
        total = sum((-1 if sign == "-" else 1) * float(n.replace(",", ".")) * _UNIT[u.upper()]
                    for u, sign, n in parts)
        return SheetTime(relative=total)
    raise ValueError(f"not a time: {text!r} (like 09h30, 09:30, 26/06/2024 09h00, J+1 H+2, "
                     "T+2, M-5 or +01:30)")


def _minute(match: re.Match[str]) -> float:
    hour, minute, second = int(match.group(1)), int(match.group(2) or 0), \
        int(match.group(3) or 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"not a time of day: {match.group(0)!r}")
    return hour * 60 + minute + second / 60
