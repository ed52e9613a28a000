"""Practising alone: the no-show baseline a person is compared with, and trying again.

The fair measure of a trainee is the same drill without them: the same header (seed, start,
files) with nobody in their roles, every page going to the simulated backup. The world is
deterministic, so that run is computed, not guessed (``no_show_baseline``): "your holding
statement went out 47 minutes before the backup's would have; negative reach 31% lower".
It runs a whole drill, so it lives here and not in ``score/`` (which only reads logs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drills.api.drills import NO_SHOW, people_config
from drills.errors import DrillError, InputError
from drills.log.files import read_log_lines
from drills.log.records import Record
from drills.score.score import check_log
from drills.vocabulary import PUBLIC_STATEMENTS


class _Statements:
    """A sink that keeps the public statements of a run (the no-show run's timeline)."""

    def __init__(self) -> None:
        self.statements: list[tuple[float, str, str]] = []

    def write(self, record: Record) -> None:
        if record["type"] == "action" and record.get("action") in PUBLIC_STATEMENTS:
            self.statements.append((float(record["t"]), str(record.get("member")),
                                    str(record["action"])))

    def write_event(self, event: Record) -> None:
        return None


def no_show_baseline(numbered: list[tuple[int, Record]], source: str, name: str,
                     library: str | None = None) -> dict[str, Any]:
    """The no-show run of ``name``'s drill: their roles played by nobody, everyone else's
    inputs as they were, ended where the drill ended. Its first statement, team score and
    outcome (``InputError`` when the drill's files cannot be found)."""
    from drills.api.replay import _found_inputs
    from drills.drive.live import LiveDrill
    from drills.drive.recorded import play_inputs
    from drills.drive.replay import replay_plan

    plan = replay_plan(numbered, source)
    if name not in plan.humans.values():
        raise InputError(f"{source}: {name} played no role in this drill")
    humans = {role: NO_SHOW if who == name else who for role, who in plan.humans.items()}
    found = _found_inputs(plan.inputs, source, library)
    given = plan.inputs
    config = people_config(scenario=found.paths["scenario"], rulebook=found.paths["rulebook"],
                           team=found.paths["team"], seed=plan.seed, start=plan.start,
                           humans=humans, log_feed=plan.log_feed, hours=given["hours"],
                           locale=given["locale"], map_roles=given["map_roles"])
    statements = _Statements()
    live = LiveDrill(config, statements)
    others = [(item, where) for item, where in plan.inputs_at if item.member != name]
    document = play_inputs(live, others, until=plan.until)
    first = statements.statements[0] if statements.statements else None
    return {"statement_t": None if first is None else first[0],
            "statement_by": None if first is None else first[1],
            "statement_action": None if first is None else first[2],
            "team_score": document.get("score"),
            "negative_reach": (document.get("outcome") or {}).get("negative_reach")}


def compare_with_baseline(person: dict[str, Any], outcome: dict[str, Any],
                          baseline: dict[str, Any]) -> dict[str, Any]:
    """The person's own figures beside the no-show run's: the ``baseline`` of a person in
    the score document (docs/score.md)."""
    mine = [a for a in person.get("actions") or () if a.get("action") in PUBLIC_STATEMENTS]
    yours = float(mine[0]["t"]) if mine else None
    theirs = baseline.get("statement_t")
    reach, before = outcome.get("negative_reach"), baseline.get("negative_reach")
    change = None
    if isinstance(reach, (int, float)) and isinstance(before, (int, float)) and before > 0:
        change = round((reach - before) / before * 100, 1)
    earlier = None
    if yours is not None and isinstance(theirs, (int, float)):
        earlier = round(float(theirs) - yours, 1)
    return {**baseline, "your_statement_t": yours, "statement_minutes_earlier": earlier,
            "your_negative_reach": reach, "negative_reach_change_pct": change}


def add_baselines(document: dict[str, Any], numbered: list[tuple[int, Record]], source: str,
                  library: str | None = None) -> dict[str, Any]:
    """Each person of ``document`` gets a ``baseline``: the comparison with the no-show run.

    A drill whose files cannot be found (a stored drill, a mailed log) keeps its score and
    gets ``baseline: null`` rather than an error: the comparison is extra, not the score.
    """
    for person in document.get("persons") or ():
        try:
            baseline = no_show_baseline(numbered, source, str(person["name"]), library)
        except DrillError:
            person["baseline"] = None
            continue
        person["baseline"] = compare_with_baseline(person, document.get("outcome") or {},
                                                   baseline)
    return document


def baseline_log(document: dict[str, Any], log: str,
                 library: str | None = None) -> dict[str, Any]:
    """``add_baselines`` for the drill log at ``log`` (a log that cannot be read back, like
    one written to a pipe, leaves the document as it was)."""
    if not document.get("persons"):
        return document
    try:
        numbered = read_log_lines(log)
    except (DrillError, OSError):
        return document
    return add_baselines(document, numbered, log, library)


@dataclass(frozen=True)
class Attempt:
    """An earlier practice session, to play its crisis again (``drill play --again``)."""

    log: str
    scenario: str
    rulebook: str
    team: str
    seed: int
    start: str
    hours: float | None
    locale: str | None
    roles: tuple[str, ...]
    name: str
    document: dict[str, Any] = field(default_factory=dict)


def attempt_of(log: str, library: str | None = None) -> Attempt:
    """The crisis of a played log (scenario, rulebook, team, seed, start, role, person) and
    its score, to play it again."""
    from drills.api.logs import score_drill
    from drills.api.replay import _found_inputs
    from drills.drive.replay import replay_plan

    numbered = read_log_lines(log)
    check_log([r for _line, r in numbered], log, [line for line, _r in numbered])
    plan = replay_plan(numbered, log)
    people = [who for who in plan.humans.values() if who != NO_SHOW]
    if not people:
        raise InputError(f"--again {log}: no one played a role in this drill (the header "
                         "names no 'humans'); give a log of 'drill play'")
    name = people[0]
    roles = tuple(role for role, who in plan.humans.items() if who == name)
    found = _found_inputs(plan.inputs, log, library)
    hours = plan.inputs.get("hours")
    locale = plan.inputs.get("locale")
    return Attempt(log, found.paths["scenario"], found.paths["rulebook"], found.paths["team"],
                   plan.seed, plan.start, float(hours) if isinstance(hours, (int, float))
                   else None, locale if isinstance(locale, str) else None, roles, name,
                   score_drill(log))


def _person(document: dict[str, Any], name: str) -> dict[str, Any]:
    for person in document.get("persons") or ():
        if person.get("name") == name:
            return dict(person)
    return {}


def attempt_figures(document: dict[str, Any], name: str) -> dict[str, str]:
    """What a person compares between two attempts: their score, statements, pages."""
    from drills.team.clock import format_start, parse_start

    person = _person(document, name)
    start = (document.get("drill") or {}).get("start")
    base = parse_start(start) if isinstance(start, str) else 0.0
    score = person.get("score")
    statements = [f"{format_start(base + float(a['t'])).split()[1]} {a['action']}"
                  for a in person.get("actions") or () if a.get("action") in PUBLIC_STATEMENTS]
    pages = [i for i in person.get("items") or () if i.get("kind") == "page"
             and i.get("value") is not None]
    answered = sum(1 for i in pages if i.get("outcome") == "in time")
    return {
        "your score": "-" if score is None else f"{score:.1f} {person.get('rating')}",
        "statements": ", ".join(statements) or "none",
        "pages answered in time": f"{answered} of {len(pages)}",
        "your violations": str(len(person.get("violations") or ())),
        "team score": "-" if document.get("score") is None
        else f"{document['score']:.1f} {document.get('rating')}",
    }


def compare_attempts(earlier: Attempt, document: dict[str, Any], name: str,
                     log: str) -> list[str]:
    """The two attempts side by side, as lines (the end of ``drill play --again``)."""
    from tabulate import tabulate

    before = attempt_figures(earlier.document, earlier.name)
    now = attempt_figures(document, name)
    rows = [[key, before[key], now[key]] for key in before]
    return ["", "This attempt beside the last one (same crisis: seed "
            f"{earlier.seed}, start {earlier.start})",
            tabulate(rows, headers=["", earlier.log, log], tablefmt="simple")]
