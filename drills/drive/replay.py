"""What a drill log says about how to run it again: its inputs, its people, its moments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drills.drive.inputs import PersonInput, inputs_from_log, step_time
from drills.errors import InputError
from drills.log.records import Record
from drills.sim.world import LIVE_STEPS_PER_MINUTE


@dataclass
class ReplayPlan:
    inputs: dict[str, Any]
    #: The header's own ``inputs`` (None for a simulated drill's log).
    recorded_inputs: dict[str, Any] | None
    seed: int
    start: str
    log_feed: str
    humans: dict[str, str]
    inputs_at: list[tuple[PersonInput, str]]
    #: Where the drill ended (a person may have quit early); None: at its natural end.
    until: float | None


def _is_input(record: Record) -> bool:
    if record["type"] == "action":
        return True
    return record.get("status") in ("approved", "approval_rejected", "drafted") or (
        record.get("status") == "acknowledged" and not record.get("with_action"))


def replay_plan(numbered: list[tuple[int, Record]], log: str) -> ReplayPlan:
    header = numbered[0][1]
    recorded = header.get("inputs")
    if recorded is not None and not isinstance(recorded, dict):
        raise InputError(f"{log}:{numbered[0][0]}: 'inputs' must be an object")
    humans = header.get("humans") or {}
    if not isinstance(humans, dict):
        raise InputError(f"{log}:{numbered[0][0]}: 'humans' must be an object (role: name)")
    steps = header.get("steps_per_minute", LIVE_STEPS_PER_MINUTE)
    if humans and steps != LIVE_STEPS_PER_MINUTE:
        raise InputError(f"{log}:{numbered[0][0]}: made with {steps} steps a minute; this "
                         f"version replays {LIVE_STEPS_PER_MINUTE}")
    inputs = dict(recorded or {})
    for key in ("scenario", "rulebook", "team"):
        value = inputs.get(key, header.get(key))
        if not isinstance(value, str) or not value:
            raise InputError(f"{log}:{numbered[0][0]}: the header does not name its {key}: "
                             "it cannot be replayed")
        inputs[key] = value
    for key in ("locale", "hours", "map_roles"):
        inputs.setdefault(key, None)
    if recorded is None:
        inputs["locale"] = header.get("locale")
        duration = header.get("duration")
        inputs["hours"] = duration / 60 if isinstance(duration, (int, float)) else None
    seed, start = header.get("seed"), header.get("start")
    if not isinstance(seed, int) or not isinstance(start, str):
        raise InputError(f"{log}:{numbered[0][0]}: the header needs 'seed' and 'start' to "
                         "be replayed")
    records = [record for _line, record in numbered]
    lines = [line for line, record in numbered
             if (record.get("human") is True and _is_input(record)) or record["type"] == "control"]
    people = inputs_from_log(records)
    end = next((r for r in reversed(records) if r["type"] == "end"), None)
    until = None
    if end is not None and isinstance(end.get("duration"), (int, float)) and \
            isinstance(header.get("duration"), (int, float)) and \
            end["duration"] < header["duration"] - 1e-6:
        until = step_time(float(end["duration"]))
    return ReplayPlan(inputs, recorded, seed, start, str(header.get("log_feed", "full")),
                      {str(k): str(v) for k, v in humans.items()},
                      [(item, f"{log}:{line}") for item, line in zip(people, lines,
                                                                    strict=True)], until)
