"""Running a drill again from its log, and the actions file a live drill leaves."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from drills.api.drills import people_config
from drills.errors import InputError
from drills.log.files import atomic_log, read_log_lines
from drills.log.records import Record, Sink, TeeSink
from drills.log.sources import Found
from drills.score.score import check_log


@dataclass
class ReplayResult:
    score: dict[str, Any]
    records: int
    #: None when the replay is byte for byte the log; else the first line that differs.
    difference: int | None
    out: str | None
    #: One line each about the input files (one whose content changed since the drill).
    notes: list[str] = field(default_factory=list)


def replay_drill(log: str, *, out: str | None = None, library: str | None = None,
                 progress: Callable[[float, float], None] | None = None) -> ReplayResult:
    """Run a drill again from its log's header and its people's inputs (``drill replay``).

    The replay is written to ``out`` (atomically) when given, and compared with ``log`` line
    by line: a live drill replays byte for byte. Input files are looked for as named,
    beside the log, then in ``library`` (``drills.log.sources``).
    """
    import tempfile

    from drills.drive.live import LiveDrill
    from drills.drive.replay import replay_plan

    numbered = read_log_lines(log)
    records = [record for _line, record in numbered]
    check_log(records, log, [line for line, _record in numbered])
    plan = replay_plan(numbered, log)
    given = plan.inputs
    found = _found_inputs(given, log, library)
    config = people_config(scenario=found.paths["scenario"],
                           rulebook=found.paths["rulebook"], team=found.paths["team"],
                           seed=plan.seed, start=plan.start, humans=plan.humans,
                           log_feed=plan.log_feed, hours=given["hours"],
                           locale=given["locale"], map_roles=given["map_roles"])
    config.inputs = plan.recorded_inputs  # as the log had them (a path stays as written)
    from drills.drive.recorded import play_inputs

    with tempfile.TemporaryDirectory() as scratch:
        target = out or os.path.join(scratch, "replay.jsonl")
        with atomic_log(target) as sink:
            end = plan.until if plan.until is not None else records[0].get("duration")
            watched: Sink = sink if progress is None or not isinstance(end, (int, float)) \
                else TeeSink(sink, _Clock(progress, float(end)))
            live = LiveDrill(config, watched)
            document = play_inputs(live, plan.inputs_at, until=plan.until)
        difference = _first_difference(log, target)
    return ReplayResult(document, live.display.count, difference, out, found.notes)


def replay_inputs(log: str, library: str | None = None) -> dict[str, str]:
    """The scenario, rulebook and team a log names, found (for the store's hashes)."""
    from drills.drive.replay import replay_plan

    numbered = read_log_lines(log)
    check_log([record for _line, record in numbered], log, [line for line, _r in numbered])
    plan = replay_plan(numbered, log)
    return _found_inputs(plan.inputs, log, library).paths


def _found_inputs(given: dict[str, Any], log: str, library: str | None) -> Found:
    from drills.log.sources import find_inputs

    hashes = given.get("sha256")
    return find_inputs({k: str(given[k]) for k in ("scenario", "rulebook", "team")}, log,
                       library, hashes if isinstance(hashes, dict) else None)


class _Clock:
    """Tells ``progress(now, end)`` how far in simulated time a drill's records got."""

    def __init__(self, progress: Callable[[float, float], None], end: float) -> None:
        self.progress, self.end, self.shown = progress, end, -1.0

    def write(self, record: Record) -> None:
        t = record.get("t")
        if isinstance(t, (int, float)) and t - self.shown >= self.end / 1000:
            self.shown = float(t)
            self.progress(self.shown, self.end)

    def write_event(self, event: Record) -> None:
        self.write(event)


def _first_difference(a: str, b: str) -> int | None:
    with open(a, "rb") as left, open(b, "rb") as right:
        number = 0
        while True:
            number += 1
            x, y = left.readline(), right.readline()
            if x != y:
                return number
            if not x:
                return None


def extract_actions(log: str) -> str:
    """The people's inputs of a live drill, as an actions file (``drill actions``)."""
    from drills.drive.inputs import inputs_from_log
    from drills.inputs.actions_file import actions_yaml

    numbered = read_log_lines(log)
    records = [record for _line, record in numbered]
    check_log(records, log, [line for line, _record in numbered])
    humans = records[0].get("humans")
    if not isinstance(humans, dict) or not humans:
        raise InputError(f"{log}: no one played a role in this drill (the header names no "
                         "'humans'): it has no actions to extract")
    from drills.drive.replay import replay_plan

    plan = replay_plan(numbered, log)
    try:  # a file named beside the log is written as a path that works from here
        drill: dict[str, Any] = dict(_found_inputs(plan.inputs, log, None).paths)
    except InputError:
        drill = {key: plan.inputs.get(key) for key in ("scenario", "rulebook", "team")}
    drill.update(seed=plan.seed, start=plan.start, hours=plan.inputs.get("hours"),
                 locale=plan.inputs.get("locale"), map_roles=plan.inputs.get("map_roles"),
                 ended=plan.until)
    return actions_yaml({str(k): str(v) for k, v in humans.items()}, inputs_from_log(records),
                        log, drill)


def recorded_options(actions: str) -> dict[str, Any]:
    """The drill options an actions file was recorded with (empty for a hand-written one),
    without ``ended``: ``drill run --actions`` takes the ones not given and warns of the
    ones given differently."""
    from drills.inputs.actions_file import DRILL_OPTIONS, load_actions

    drill = load_actions(actions).drill
    if not drill:
        return {}
    # An optional flag the file leaves out was not given (hours: the scenario's duration).
    return {key: drill.get(key) for key in DRILL_OPTIONS
            if key in drill or key in ("hours", "locale", "map_roles")}
