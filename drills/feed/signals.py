"""What monitoring sees: windowed aggregates of the feed, kept incrementally.

Window semantics (minutes): at time ``now``, the 1-hour window holds public events with
``now - 60 < t <= now``; the 15-minute window ``now - 15 < t <= now``; the previous window
``now - 30 < t <= now - 15``. Internal reports are not public and are not counted.
``velocity`` = mentions in the 15-minute window / max(1, mentions in the previous one).
Negative means sentiment <= -0.05 (VADER's convention). An influencer is an author with at
least 100,000 followers.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from drills.feed.crowd import INFLUENCER_FOLLOWERS

NEGATIVE = -0.05
_NOT_PUBLIC = "internal_report"


class _Window:
    """A sliding window of per-event tuples with running sums."""

    __slots__ = (
        "arousal",
        "count",
        "influencers",
        "items",
        "misinfo",
        "negative",
        "negative_reach",
        "press",
        "reach",
        "span",
    )

    def __init__(self, span: float) -> None:
        self.span = span
        self.items: deque[tuple[float, bool, int, bool, bool, float, bool]] = deque()
        self.count = self.negative = self.press = self.misinfo = self.influencers = 0
        self.reach = self.negative_reach = 0
        self.arousal = 0.0

    def add(self, item: tuple[float, bool, int, bool, bool, float, bool]) -> None:
        self.items.append(item)
        self._apply(item, 1)

    def _apply(self, item: tuple[float, bool, int, bool, bool, float, bool], sign: int) -> None:
        _t, negative, reach, press, misinfo, arousal, influencer = item
        self.count += sign
        self.reach += sign * reach
        self.arousal += sign * arousal
        if negative:
            self.negative += sign
            self.negative_reach += sign * reach
        if press:
            self.press += sign
        if misinfo:
            self.misinfo += sign
        if influencer:
            self.influencers += sign

    def evict(self, now: float) -> list[tuple[float, bool, int, bool, bool, float, bool]]:
        """Drop items with ``t <= now - span``; return them (for the next window)."""
        gone = []
        cutoff = now - self.span
        items = self.items
        while items and items[0][0] <= cutoff:
            item = items.popleft()
            self._apply(item, -1)
            gone.append(item)
        return gone


class SignalMonitor:
    """Feed it events in time order with ``observe``; read ``snapshot(now)``."""

    def __init__(self) -> None:
        self._hour = _Window(60.0)
        self._quarter = _Window(15.0)
        self._previous = _Window(30.0)  # holds items aged out of the quarter, until 30 min
        self.press_total = 0
        self.total = 0

    def observe(self, event: dict[str, Any]) -> None:
        kind = event["kind"]
        if kind == _NOT_PUBLIC:
            return
        author = event["author"]
        item = (event["t"], event["sentiment"] <= NEGATIVE, int(event.get("reach") or 0),
                kind == "press_inquiry", kind == "misinformation", float(event["arousal"]),
                int(author.get("followers") or 0) >= INFLUENCER_FOLLOWERS)
        self._hour.add(item)
        self._quarter.add(item)
        self.total += 1
        if item[3]:
            self.press_total += 1

    def snapshot(self, now: float) -> dict[str, float]:
        hour, quarter, previous = self._hour, self._quarter, self._previous
        hour.evict(now)
        for item in quarter.evict(now):
            previous.add(item)
        previous.evict(now)
        count = hour.count
        return {
            "mentions_15m": quarter.count,
            "mentions_1h": count,
            "negative_15m": quarter.negative,
            "negative_1h": hour.negative,
            "negative_share": round(hour.negative / count, 4) if count else 0.0,
            "reach_1h": hour.reach,
            "negative_reach_1h": hour.negative_reach,
            "velocity": round(quarter.count / max(1, previous.count), 4),
            "influencers_1h": hour.influencers,
            "press_1h": hour.press,
            "press_total": self.press_total,
            "misinformation_share": round(hour.misinfo / count, 4) if count else 0.0,
            "arousal_1h": round(hour.arousal / count, 4) if count else 0.0,
        }
