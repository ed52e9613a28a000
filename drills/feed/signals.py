"""What monitoring sees: windowed aggregates of the feed, kept incrementally.

Window semantics (minutes): at time ``now``, the 1-hour window holds public events with
``now - 60 < t <= now``; the 15-minute window ``now - 15 < t <= now``; the previous window
``now - 30 < t <= now - 15``. Internal reports are not public and are not counted.
``velocity`` = mentions in the 15-minute window / max(1, mentions in the previous one).
Negative means sentiment <= -0.05 (VADER's convention). An influencer is an author with at
least 100,000 followers.

Each observed event appends one row of running totals; a window's sums are the difference
of two rows found by bisection, so observing is O(1) and a snapshot O(log n).
"""

from __future__ import annotations

import bisect
import operator
from typing import Any

from drills.feed.crowd import INFLUENCER_FOLLOWERS
from drills.vocabulary import PRIVATE_CHANNELS

NEGATIVE = -0.05
_ZERO = (0, 0, 0, 0, 0, 0, 0, 0.0)
# Row fields: count, negative, reach, negative reach, press, misinformation, influencers,
# arousal (all running totals since the start).


class SignalMonitor:
    """Feed it events in time order with ``observe``; read ``snapshot(now)``."""

    def __init__(self) -> None:
        self._times: list[float] = []
        self._rows: list[tuple[int, int, int, int, int, int, int, float]] = []
        self._last = _ZERO
        self._base = _ZERO  # totals of rows compacted away
        self.press_total = 0
        self.total = 0

    def observe(self, event: dict[str, Any]) -> None:
        kind = event["kind"]
        if event.get("platform") in PRIVATE_CHANNELS:  # not public: monitoring cannot see it
            return
        count, negative, reach, negative_reach, press, misinfo, influencers, arousal = \
            self._last
        event_reach = int(event.get("reach") or 0)
        count += 1
        reach += event_reach
        if event["sentiment"] <= NEGATIVE:
            negative += 1
            negative_reach += event_reach
        if kind == "press_inquiry":
            press += 1
            self.press_total += 1
        elif kind == "misinformation":
            misinfo += 1
        if int(event["author"].get("followers") or 0) >= INFLUENCER_FOLLOWERS:
            influencers += 1
        arousal += float(event["arousal"])
        self._last = (count, negative, reach, negative_reach, press, misinfo, influencers,
                      arousal)
        self._times.append(event["t"])
        self._rows.append(self._last)
        self.total += 1

    def _totals_until(self, t: float) -> tuple[int, int, int, int, int, int, int, float]:
        """Running totals of every event with time <= t."""
        index = bisect.bisect_right(self._times, t)
        return self._rows[index - 1] if index else self._base

    def snapshot(self, now: float) -> dict[str, float]:
        if len(self._times) > 4096 and self._times[len(self._times) // 2] <= now - 60:
            self._compact(now - 60)
        end = self._last if not self._times or self._times[-1] <= now else \
            self._totals_until(now)
        at_quarter = self._totals_until(now - 15)
        hour = _minus(end, self._totals_until(now - 60))
        quarter = _minus(end, at_quarter)
        previous = _minus(at_quarter, self._totals_until(now - 30))
        count = hour[0]
        return {
            "mentions_15m": quarter[0],
            "mentions_1h": count,
            "negative_15m": quarter[1],
            "negative_1h": hour[1],
            "negative_share": round(hour[1] / count, 4) if count else 0.0,
            "reach_1h": hour[2],
            "negative_reach_1h": hour[3],
            "velocity": round(quarter[0] / max(1, previous[0]), 4),
            "influencers_1h": hour[6],
            "press_1h": hour[4],
            "press_total": self.press_total,
            "misinformation_share": round(hour[5] / count, 4) if count else 0.0,
            "arousal_1h": round(hour[7] / count, 4) if count else 0.0,
        }

    def _compact(self, before: float) -> None:
        """Forget rows no window can reach again (time <= before)."""
        index = bisect.bisect_right(self._times, before)
        if index:
            self._base = self._rows[index - 1]
            del self._times[:index]
            del self._rows[:index]


def _minus(a: tuple[Any, ...], b: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(map(operator.sub, a, b))  # rows have the same length (8): no strict needed
