"""Running drills: inputs loaded and checked, simulated runs, runs with people in them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from drills.drive.batch import run_scored
from drills.drive.combination import Finding
from drills.errors import DrillInterrupted, InputError
from drills.feed.scenario import Scenario
from drills.feed.scenario_load import load_scenario
from drills.inputs.builtins import resolve
from drills.log.files import atomic_log
from drills.log.records import Record, Sink, TeeSink
from drills.rulebook.load import load_rulebook
from drills.rulebook.model import Rulebook
from drills.sim.world import DrillConfig
from drills.team.clock import parse_start
from drills.team.load import load_team
from drills.team.model import Team

T = TypeVar("T")


@dataclass
class DrillResult:
    score: dict[str, Any]
    seed: int
    #: How many records the drill log has (written to ``log`` when one was given).
    records: int


def load_inputs(*, scenario: str, rulebook: str, team: str, start: str,
                locale: str | None = None, map_roles: str | None = None
                ) -> tuple[Scenario, Rulebook, Team, float]:
    """The three input files, loaded and checked, the team's roles mapped, and the start."""
    loaded_scenario = load_scenario(resolve("scenario", scenario)).localized(locale)
    loaded_rulebook = load_rulebook(resolve("rulebook", rulebook))
    loaded_team = load_team(resolve("team", team))
    if map_roles:
        from drills.drive.combination import map_roles as rename
        from drills.drive.combination import parse_role_map

        loaded_team = rename(loaded_team, parse_role_map(map_roles), loaded_rulebook)
    try:
        week_minute = parse_start(start)
    except ValueError as exc:
        raise InputError(f"--start: {exc}") from None
    return loaded_scenario, loaded_rulebook, loaded_team, week_minute


def check_drill(*, scenario: str = "overheating-kettle", rulebook: str = "default",
                team: str = "standard", start: str = "mon 09:00", locale: str | None = None,
                map_roles: str | None = None) -> list[Finding]:
    """What makes these three files a poor drill together (``drill check``)."""
    from drills.drive.combination import check_combination

    loaded = load_inputs(scenario=scenario, rulebook=rulebook, team=team, start=start,
                         locale=locale, map_roles=map_roles)
    return check_combination(*loaded)


def run_drill(*, scenario: str = "overheating-kettle", rulebook: str = "default",
              team: str = "standard", seed: int, start: str = "mon 09:00",
              log: str | None = None, log_feed: str = "full", hours: float | None = None,
              locale: str | None = None, map_roles: str | None = None,
              progress: Callable[[float, float], None] | None = None,
              actions: str | None = None, humans: tuple[str, ...] = ()) -> DrillResult:
    """Run one drill from names or paths; write its log atomically if ``log`` is given.

    Records stream to the log file and to the scorer; none is kept in memory.
    ``map_roles`` renames the team's roles to the rulebook's (``a=b,c=d``). ``actions`` is
    a file of what people did (their roles are played by them); ``humans`` adds roles
    played by people who did nothing (``ROLE`` or ``ROLE=NAME``).
    """
    if actions is not None or humans:
        return _run_recorded(scenario=scenario, rulebook=rulebook, team=team, seed=seed,
                             start=start, log=log, log_feed=log_feed, hours=hours,
                             locale=locale, map_roles=map_roles, actions=actions,
                             humans=humans)
    loaded_scenario, loaded_rulebook, loaded_team, week_minute = load_inputs(
        scenario=scenario, rulebook=rulebook, team=team, start=start, locale=locale,
        map_roles=map_roles)
    options: dict[str, Any] = {"seed": seed, "start": week_minute, "log_feed": log_feed,
                               "hours": hours, "progress": progress}
    if log is None:
        document, _summary, count = run_scored(loaded_scenario, loaded_rulebook, loaded_team,
                                               **options)
    else:
        document, _summary, count = _keep_partial(log, lambda sink: run_scored(
            loaded_scenario, loaded_rulebook, loaded_team, sink=sink, **options))
    return DrillResult(document, seed, count)


class _HowFar:
    """Remembers how far a drill got: the last record's time and the feed events so far."""

    def __init__(self) -> None:
        self.t = 0.0
        self.events = 0

    def write(self, record: Record) -> None:
        t = record.get("t")
        if isinstance(t, (int, float)):
            self.t = max(self.t, float(t))

    def write_event(self, event: Record) -> None:
        self.events += 1
        self.write(event)


def _keep_partial(log: str, drive: Callable[[Sink], T]) -> T:
    """``drive(sink)`` writing ``log`` atomically; on Ctrl-C the records so far are kept,
    closed by an ``end`` record that says ``interrupted`` (a valid log that scores), and
    ``DrillInterrupted`` is raised."""
    how_far = _HowFar()
    with atomic_log(log) as sink:
        try:
            return drive(TeeSink(sink, how_far))
        except KeyboardInterrupt:
            t = round(how_far.t, 3)
            sink.write({"type": "end", "t": t, "events": how_far.events, "duration": t,
                        "interrupted": True})
    raise DrillInterrupted(f"the drill stopped at minute {t:g}; its partial log is in {log}",
                           log=log, minute=t)


#: The name a role played by nobody gets (``--human ROLE``).
NO_SHOW = "no-show"


def people_config(*, scenario: str, rulebook: str, team: str, seed: int, start: str,
                  humans: dict[str, str], log_feed: str = "full", hours: float | None = None,
                  locale: str | None = None, map_roles: str | None = None,
                  where: dict[str, str] | None = None, log: str | None = None) -> DrillConfig:
    """The configuration of a drill with people in it; its header records the inputs as
    named here, so ``drill replay`` can run it again: a file beside ``log`` by its name
    alone, and every file's SHA-256 (``drills.log.sources``)."""
    from drills.drive.batch import drill_config
    from drills.log.sources import portable_inputs

    loaded = load_inputs(scenario=scenario, rulebook=rulebook, team=team, start=start,
                         locale=locale, map_roles=map_roles)
    inputs = portable_inputs({"scenario": scenario, "rulebook": rulebook, "team": team,
                              "locale": locale, "hours": hours, "map_roles": map_roles}, log)
    return drill_config(*loaded[:3], seed, loaded[3], log_feed, hours, humans=humans,
                        inputs=inputs, where=where)


def parse_humans(specs: tuple[str, ...], taken: dict[str, str]) -> dict[str, str]:
    """``--human ROLE[=NAME]`` added to the roles an actions file already gives people."""
    humans = dict(taken)
    for spec in specs:
        role, eq, name = (part.strip() for part in spec.partition("="))
        if not role:
            raise InputError(f"--human {spec!r}: name a role, like --human comms_lead")
        if role in humans:
            if eq and name != humans[role]:
                raise InputError(f"--human {spec}: {role} is played by {humans[role]} "
                                 "(in the actions file)")
            continue
        humans[role] = name or NO_SHOW
    return humans


def _run_recorded(*, scenario: str, rulebook: str, team: str, seed: int, start: str,
                  log: str | None, log_feed: str, hours: float | None, locale: str | None,
                  map_roles: str | None, actions: str | None,
                  humans: tuple[str, ...]) -> DrillResult:
    from drills.drive.live import LiveDrill
    from drills.drive.recorded import play_inputs
    from drills.inputs.actions_file import RecordedActions, load_actions

    recorded = load_actions(actions) if actions else RecordedActions({}, ())
    config = people_config(scenario=scenario, rulebook=rulebook, team=team, seed=seed,
                           start=start, humans=parse_humans(humans, recorded.humans),
                           log_feed=log_feed, hours=hours, locale=locale,
                           map_roles=map_roles, where=recorded.where, log=log)
    todo = [(a.item, a.where) for a in recorded.actions]
    # A session the person quit early ends where it ended, as its replay does.
    ended = recorded.drill.get("ended")
    until = float(ended) if isinstance(ended, (int, float)) else None
    if log is None:
        live = LiveDrill(config)
        document = play_inputs(live, todo, until=until)
    else:
        def drive(sink: Sink) -> tuple[LiveDrill, dict[str, Any]]:
            live = LiveDrill(config, sink)
            return live, play_inputs(live, todo, until=until)

        live, document = _keep_partial(log, drive)
    return DrillResult(document, seed, live.display.count)
