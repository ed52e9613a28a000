"""What a drill is made of (scenario, rulebook, team, seed, start, people) and what it
summed up to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drills.feed.scenario import Scenario
from drills.rulebook.model import Rulebook
from drills.team.model import Team

LOG_FEED_MODES = ("full", "sample", "none")


@dataclass
class DrillConfig:
    scenario: Scenario
    rulebook: Rulebook
    team: Team
    seed: int
    start: float  # minutes since Monday 00:00
    log_feed: str = "full"
    duration: float | None = None
    tick: float = 5.0
    #: Multiplies the scenario's rates (benchmarks of big crises); 1 for real drills.
    rate_scale: float = 1.0
    #: Roles played by people (role -> the person's name): never simulated.
    humans: dict[str, str] = field(default_factory=dict)
    #: The inputs as the user named them, for the header (``drill replay`` reads them).
    inputs: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.log_feed not in LOG_FEED_MODES:
            raise ValueError(f"log_feed must be one of {LOG_FEED_MODES}, got {self.log_feed!r}")
        if self.tick <= 0:
            raise ValueError(f"tick must be positive, got {self.tick}")


@dataclass
class DrillSummary:
    events: int = 0
    obligations: int = 0
    actions: int = 0
    violations: int = 0
    severity: int = 0
    episodes: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
