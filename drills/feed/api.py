"""Library entry points for the feed, one per CLI command."""

from __future__ import annotations

from collections.abc import Iterator

from drills.feed.crisis import Crisis
from drills.feed.generator import Event
from drills.feed.scenario_load import load_scenario


def uncontested_feed(path: str, *, seed: int, hours: float | None = None,
                     locale: str | None = None) -> Iterator[Event]:
    """The events of a scenario when nobody responds (silence effects included)."""
    scenario = load_scenario(path).localized(locale)
    crisis = Crisis(scenario, seed, duration=hours * 60 if hours else None)
    return iter(crisis)
