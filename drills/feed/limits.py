"""What a drill can plausibly be: how much a crowd can post, how long and how big a drill is.

A scenario asking 1,000,000 posts an hour from 8,000 people ran for minutes at 735 MB and
reported billions of negative reach; ``duration: 100000h`` never ended. These limits turn
such inputs into a clear error before anything runs.
"""

from __future__ import annotations

from drills.feed.scenario import Scenario

#: The longest drill: 31 days (a crisis is decided in days; a month also fits slow burns).
MAX_DRILL_HOURS = 744.0
#: The most feed events one drill may expect (a national firestorm is ~100,000 a day).
MAX_EVENTS = 2_000_000
#: Sustained original posts per crowd member per hour that are still believable.
POSTS_PER_PERSON_PER_HOUR = 4.0


def crowd_capacity_per_hour(scenario: Scenario) -> float:
    """The most original posts an hour this scenario's crowd can plausibly write."""
    return scenario.crowd.size * POSTS_PER_PERSON_PER_HOUR


def expected_events(scenario: Scenario, duration: float | None = None,
                    rate_scale: float = 1.0) -> float:
    """Expected feed events over ``duration`` minutes: background posts times the mean
    cascade size 1 / (1 - n) (Rizoiu et al. 2017), phase by phase."""
    end = scenario.duration if duration is None else duration
    total = 0.0
    phases = scenario.phases
    for i, phase in enumerate(phases):
        stop = min(end, phases[i + 1].at if i + 1 < len(phases) else end)
        if stop <= phase.at:
            continue
        branching = phase.branching if phase.branching is not None else \
            scenario.cascade.branching
        cascade = 1.0 / (1.0 - min(branching, 0.95))
        total += (phase.rate + phase.press) * rate_scale * (stop - phase.at) * cascade
    return total


def drill_size_problem(scenario: Scenario, duration: float | None = None,
                       rate_scale: float = 1.0) -> str | None:
    """Why a drill of this scenario and length is too big to run, or None."""
    minutes = scenario.duration if duration is None else duration
    if minutes > MAX_DRILL_HOURS * 60:
        return (f"a drill lasts at most {MAX_DRILL_HOURS:g} hours (31 days); "
                f"this one would last {minutes / 60:g} hours")
    events = expected_events(scenario, minutes, rate_scale)
    if events > MAX_EVENTS:
        return (f"this drill would generate about {events:,.0f} feed events; the limit is "
                f"{MAX_EVENTS:,} (lower the phases' rates or the duration)")
    return None
