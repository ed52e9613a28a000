"""Run a drill: the library functions behind ``drill run``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drills.drive.combination import role_mismatch
from drills.errors import InputError
from drills.feed.limits import drill_size_problem
from drills.feed.platforms import LANGUAGE
from drills.feed.scenario import Scenario
from drills.inputs.validation import suggest
from drills.log.records import ListSink, Record, Sink, TeeSink
from drills.rulebook.model import Rulebook
from drills.score.score import LogScorer
from drills.sim.world import DrillConfig, DrillSummary, World
from drills.team.model import Team


def check_compatible(rulebook: Rulebook, team: Team) -> None:
    """A team whose members hold roles the rulebook does not know is a user mistake."""
    mismatch = role_mismatch(team, rulebook)
    if mismatch:
        raise InputError(f"{team.source or team.name}: {mismatch}")


def drill_config(scenario: Scenario, rulebook: Rulebook, team: Team, seed: int, start: float,
                 log_feed: str = "full", hours: float | None = None,
                 humans: dict[str, str] | None = None,
                 inputs: dict[str, Any] | None = None,
                 where: dict[str, str] | None = None) -> DrillConfig:
    """A checked configuration; ``humans`` maps the roles people play to their names
    (``where`` says where each role was given, for errors: a flag or a file position)."""
    check_compatible(rulebook, team)
    team = team.localized(LANGUAGE.get(scenario.locale, scenario.locale.split("_")[0]))
    for role in humans or {}:
        if role not in rulebook.roles:
            origin = (where or {}).get(role, f"--role {role}")
            raise InputError(f"{origin}: {role!r} is not a role of rulebook {rulebook.name!r}"
                             f"{suggest(role, sorted(rulebook.roles))}; roles: "
                             + ", ".join(sorted(rulebook.roles)))
    duration = hours * 60 if hours else None
    too_big = drill_size_problem(scenario, duration)
    if too_big is not None:
        raise InputError(f"{'--hours' if hours else scenario.source or scenario.id}: {too_big}")
    return DrillConfig(scenario, rulebook, team, seed, start, log_feed, duration=duration,
                       humans=dict(humans or {}), inputs=inputs)


def simulate(scenario: Scenario, rulebook: Rulebook, team: Team, *, seed: int,
             start: float, log_feed: str = "full", hours: float | None = None,
             sink: Sink | None = None) -> tuple[list[Record], DrillSummary]:
    """Run one drill; return its log records (also written to ``sink`` if given).

    Keeps every record in memory: for tests and small drills. ``run_scored`` streams.
    """
    records = ListSink()
    target: Sink = records if sink is None else TeeSink(records, sink)
    config = drill_config(scenario, rulebook, team, seed, start, log_feed, hours)
    summary = World(config, target).run()
    return records.records, summary


class ScoringSink:
    """Feeds every record to an incremental scorer as the drill writes it."""

    def __init__(self, scorer: LogScorer) -> None:
        self.scorer = scorer
        self.records = 0

    def write(self, record: Record) -> None:
        self.records += 1
        self.scorer.add(record)

    def write_event(self, event: Record) -> None:
        self.records += 1
        self.scorer.skip_line(event)


def run_scored(scenario: Scenario, rulebook: Rulebook, team: Team, *, seed: int,
               start: float, log_feed: str = "full", hours: float | None = None,
               sink: Sink | None = None, progress: Callable[[float, float], None] | None = None
               ) -> tuple[dict[str, Any], DrillSummary, int]:
    """Run one drill, streaming its records to ``sink`` and scoring them as they go.

    Memory stays flat in the number of events. Returns the score document, the summary and
    the number of records. ``progress(now, end)`` is called at every monitoring tick.
    """
    scorer = LogScorer(rulebook, trusted=True)  # our own world writes these records
    scoring = ScoringSink(scorer)
    target: Sink = scoring if sink is None else TeeSink(scoring, sink)
    config = drill_config(scenario, rulebook, team, seed, start, log_feed, hours)
    summary = World(config, target, progress=progress).run()
    return scorer.document(), summary, scoring.records
