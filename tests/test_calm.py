"""Crises calm down: a well-handled one within its scenario on most seeds, a badly handled
one later or never (issue: none of 80 drills ever calmed)."""

from __future__ import annotations

from drills.drive.batch import run_scored
from drills.feed.scenario_load import load_scenario
from drills.inputs.builtins import builtin_names, resolve
from drills.rulebook.load import load_rulebook
from drills.team.load import load_team

SEEDS = (1, 2, 3)


def _calm(team_name: str) -> tuple[int, int, list[float]]:
    rulebook = load_rulebook(resolve("rulebook", "default"))
    team = load_team(resolve("team", team_name))
    calmed = total = 0
    hours: list[float] = []
    for name in builtin_names("scenario"):
        scenario = load_scenario(resolve("scenario", name))
        for seed in SEEDS:
            doc, _summary, _count = run_scored(scenario, rulebook, team, seed=seed,
                                               start=540.0, log_feed="none")
            episodes = doc["outcome"]["time_to_calm"]
            total += 1
            if episodes and all(e["calm_after"] is not None for e in episodes):
                calmed += 1
                hours.append(sum(e["calm_after"] for e in episodes) / 60)
    return calmed, total, hours


def test_well_handled_crises_mostly_calm_and_badly_handled_ones_less_or_later() -> None:
    good, total, good_hours = _calm("well-drilled")
    bad, _total, bad_hours = _calm("understaffed")
    assert good / total >= 0.7, f"only {good} of {total} well-handled drills calmed"
    assert bad < good, (bad, good)
    assert sum(bad_hours) / max(1, len(bad_hours)) > sum(good_hours) / len(good_hours)
