"""A next update promised in a statement's words: "next update by 14:30", "nästa
uppdatering senast 14.30". A ``wait`` stops when the promise comes due, so a person who
promised a rhythm is reminded to keep it."""

from __future__ import annotations

import re

_PROMISE = re.compile(
    r"(?:next update|further update|update you|nästa uppdatering|ny uppdatering|uppdaterar)"
    r"\D{0,30}?\b([01]?\d|2[0-3])[:.]([0-5]\d)\b", re.IGNORECASE)
DAY = 24 * 60.0


def promised_at(text: object, start: float, now: float) -> float | None:
    """The drill minute of the next update promised in ``text``, or None.

    ``start`` is the drill's start in minutes of the week (Monday 00:00 is 0); the promised
    time is the next time of day it names after ``now``.

    >>> promised_at("Next update by 18:15.", 4 * 1440 + 17 * 60 + 30, 0.0)
    45.0
    """
    if not isinstance(text, str):
        return None
    found = _PROMISE.search(text)
    if found is None:
        return None
    promised = int(found.group(1)) * 60 + int(found.group(2))
    ahead = (promised - (start + now)) % DAY
    return now + ahead if ahead > 0 else None
