"""The live clock: simulated minutes as a function of wall seconds, at a speed, pausable.

Speed is simulated seconds per wall second (1 real time, 60 an hour a minute, 0 frozen:
time moves only when the person says ``wait``). The wall clock is handed in, so the core
reads no clock and tests drive it by hand. Pausing stops simulated time; nothing that falls
due is moved or dropped, because the world runs in simulated time only.
"""

from __future__ import annotations

from collections.abc import Callable

DEFAULT_SPEED = 30.0
MAX_SPEED = 3600.0


class DrillClock:
    def __init__(self, speed: float, wall: Callable[[], float]) -> None:
        check_speed(speed)
        self._wall = wall
        self.speed = speed
        self.paused = False
        self._anchor_wall = wall()
        self._anchor_sim = 0.0

    def now(self) -> float:
        """Simulated minutes the drill should have reached by now."""
        if self.paused or self.speed == 0:
            return self._anchor_sim
        return self._anchor_sim + (self._wall() - self._anchor_wall) * self.speed / 60.0

    def _rebase(self) -> None:
        self._anchor_sim = self.now()
        self._anchor_wall = self._wall()

    def set_speed(self, speed: float) -> None:
        check_speed(speed)
        self._rebase()
        self.speed = speed

    def pause(self) -> None:
        self._rebase()
        self.paused = True

    def resume(self) -> None:
        self._anchor_wall = self._wall()
        self.paused = False

    def skip(self, minutes: float) -> None:
        """Jump ahead (``wait 10m``), at any speed and also while paused."""
        self._rebase()
        self._anchor_sim += minutes

    def hold(self, reached: float) -> None:
        """The world could not go past ``reached`` (the drill's end): stay there."""
        if self.now() > reached:
            self._anchor_sim = reached
            self._anchor_wall = self._wall()


def check_speed(speed: float) -> None:
    if not 0 <= speed <= MAX_SPEED:
        raise ValueError(f"speed must be between 0 and {MAX_SPEED:g} (simulated seconds per "
                         f"second), got {speed:g}")
