"""Breaks of an exercise script (a lunch break): a live drill's clock stops when it reaches
one, and the facilitator (or the person) resumes it. Simulated drills run straight through."""

from __future__ import annotations

from drills.feed.scenario import Break


class BreakWatch:
    def __init__(self, breaks: tuple[Break, ...]) -> None:
        self.ahead = list(breaks)

    def stop_at(self, now: float, target: float) -> tuple[float, Break | None]:
        """Where the clock may go from ``now`` towards ``target``: to the next break at most
        (which is then passed)."""
        while self.ahead and self.ahead[0].at < now - 1e-9:
            self.ahead.pop(0)  # already behind us (a drill resumed after a restart)
        if self.ahead and self.ahead[0].at <= target:
            reached = self.ahead.pop(0)
            return reached.at, reached
        return target, None

    def next_at(self, now: float) -> float | None:
        """When the next break still ahead begins."""
        ahead = [b.at for b in self.ahead if b.at >= now - 1e-9]
        return ahead[0] if ahead else None
