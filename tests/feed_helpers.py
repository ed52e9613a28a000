"""Small scenarios built in tests, so statistics are checked on known parameters."""

from __future__ import annotations

from drills.feed.scenario import Scenario
from drills.feed.scenario_load import check_scenario_text


def scenario_from(text: str) -> Scenario:
    checked = check_scenario_text(text, "test-scenario.yaml")
    assert checked.value is not None, "\n".join(str(d) for d in checked.diagnostics)
    return checked.value


def flat_scenario(*, rate: str = "30/h", branching: float = 0.5, duration: str = "24h",
                  platforms: str = "{x: 1.0}", theta: float = 0.2314843, s0: str = "5m",
                  negative: float = 0.5, arousal: float = 0.5, replies: float = 0.35,
                  sigma: float = 2.0, size: int = 5000, extra: str = "") -> Scenario:
    """One phase, one set of parameters: the feed's properties are then known exactly."""
    return scenario_from(f"""\
scenario: flat
title: A flat test crisis
cluster: accidental
locale: en_US
duration: {duration}
brand: {{name: Acme, product: widget, issue: the widget}}
platforms: {platforms}
crowd: {{size: {size}, followers: {{median: 300, sigma: {sigma}}}}}
cascade: {{branching: {branching}, s0: {s0}, theta: {theta}, replies: {replies}}}
phases:
  - {{at: 0h, name: flat, rate: {rate}, negative: {negative}, arousal: {arousal}}}
messages:
  negative: ["bad {{product}}"]
  neutral: ["a {{product}}"]
  positive: ["good {{product}}"]
{extra}""")
