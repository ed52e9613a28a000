"""Run a drill: the library function behind ``drill run``."""

from __future__ import annotations

from drills.errors import InputError
from drills.feed.scenario import Scenario
from drills.rulebook.model import Rulebook
from drills.sim.log import ListSink, Record, Sink, TeeSink
from drills.sim.world import DrillConfig, DrillSummary, World
from drills.team.load import check_team_roles
from drills.team.model import Team


def check_compatible(rulebook: Rulebook, team: Team) -> None:
    """A team whose members hold roles the rulebook does not know is a user mistake."""
    problems = check_team_roles(team, set(rulebook.roles))
    if problems:
        where = team.source or team.name
        raise InputError(f"{where}: " + "; ".join(problems))


def simulate(scenario: Scenario, rulebook: Rulebook, team: Team, *, seed: int,
             start: float, log_feed: str = "full", hours: float | None = None,
             sink: Sink | None = None) -> tuple[list[Record], DrillSummary]:
    """Run one drill; return its log records (also written to ``sink`` if given)."""
    check_compatible(rulebook, team)
    records = ListSink()
    target: Sink = records if sink is None else TeeSink(records, sink)
    config = DrillConfig(scenario, rulebook, team, seed, start, log_feed,
                         duration=hours * 60 if hours else None)
    summary = World(config, target).run()
    return records.records, summary
