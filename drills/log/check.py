"""Check drill log records before anything uses them: a log is user input.

A log may be written by hand (a tabletop session), edited, or truncated. Every record is
checked for its type, its time and the fields the scorer reads, with ``path:line: what is
wrong``; nothing downstream trusts a value it has not been shown to have the right type.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from drills.errors import LogError, RecordsOutOfOrder
from drills.log.records import LOG_SCHEMA, Record
from drills.team.clock import parse_start
from drills.vocabulary import ACTIONS, CLUSTERS

RECORD_TYPES = ("drill", "event", "signal", "firing", "severity", "episode", "obligation",
                "action", "violation", "cluster", "control", "expectation", "end")
OBLIGATION_STATUSES = ("created", "paged", "acknowledged", "escalated", "waiting",
                       "unstaffed", "skipped", "approval_requested", "approved",
                       "approval_skipped", "approval_missing", "approval_rejected", "drafted",
                       "overdue", "done", "missed", "open", "cancelled")
EPISODE_STATUSES = ("start", "end", "open")
#: What a facilitator did: trigger a scripted inject, or add an ad-hoc one.
CONTROL_OPS = ("trigger", "inject", "validate", "start", "pause", "resume", "speed",
               "advance", "project", "edit", "schedule", "persona")
#: Header fields only crisis-drills writes. A log that has them all was written by the tool,
#: and a record out of time order there means the file was damaged: it is refused. A
#: hand-written log is sorted by time instead (a facilitator writes each story together).
TOOL_FIELDS = ("version", "tick", "log_feed")


#: Past this an int has no float (``math.isfinite`` raises OverflowError on it).
_LARGEST = 1e300


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return abs(value) <= _LARGEST if isinstance(value, int) else math.isfinite(value)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, (int, float)) and not isinstance(value, bool) and \
            not _is_number(value):
        return "a number out of range" if isinstance(value, int) else f"{value}"
    return {bool: "true/false", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


def _one_of(value: Any, allowed: tuple[str, ...]) -> str:
    from drills.inputs.validation import suggest

    text = repr(value) if isinstance(value, str) else _kind(value)
    hint = suggest(value, allowed) if isinstance(value, str) else ""
    return f"{text}{hint}; expected one of {', '.join(allowed)}"


def written_by_tool(header: Record) -> bool:
    """Whether a log's header is one crisis-drills wrote (see ``TOOL_FIELDS``)."""
    return all(key in header for key in TOOL_FIELDS)


def check_time(record: Record, path: str, line: int) -> float:
    """A record's ``t``: a finite number of minutes, not negative; LogError otherwise."""
    t: Any = record.get("t")
    if not _is_number(t):
        raise LogError(f"{path}:{line}: 't' must be a number of minutes, got {_kind(t)}"
                       + (f" {t!r}" if isinstance(t, str) else ""))
    if t < 0:
        raise LogError(f"{path}:{line}: 't' must not be negative, got {t:g}")
    return float(t)


def _disorder(path: str, line: int, t: float, after: float, header: Record | None,
              strict: bool) -> RecordsOutOfOrder:
    why = ""
    if header is not None and written_by_tool(header):
        why = " (crisis-drills wrote this log in time order: it was changed or damaged)"
    elif strict:
        why = " (--strict: a hand-written log is not sorted)"
    return RecordsOutOfOrder(f"{path}:{line}: records must be in time order: t {t:g} comes "
                             f"after {after:g}{why}", line)


def time_sorted(numbered: list[tuple[int, Record]], path: str, *, strict: bool = False,
                warn: Callable[[str], None] | None = None) -> list[tuple[int, Record]]:
    """A hand-written log's records sorted stably by ``t`` (each keeps its line number), with
    one warning naming the first line out of order; the same list when it is in order.

    A log written by the tool, or any log with ``strict``, is refused instead
    (RecordsOutOfOrder). Every ``t`` is checked first, so a bad one is reported as such.
    """
    latest = 0.0
    first: tuple[int, float, float] | None = None
    for line, record in numbered:
        t = check_time(record, path, line)
        if t < latest - 1e-9 and first is None:
            first = (line, t, latest)
        latest = max(latest, t)
    header = numbered[0][1] if numbered[0][1].get("type") == "drill" else None
    if first is None or header is None:  # in order, or not a log (the checker says so)
        return numbered
    if strict or written_by_tool(header):
        raise _disorder(path, *first, header, strict)
    if warn is not None:
        warn(f"{path}:{first[0]}: warning: records are not in time order; sorted by time")
    return [numbered[0], *sorted(numbered[1:], key=lambda item: float(item[1]["t"]))]


@dataclass
class LogChecker:
    """Checks records one by one, in order (so a long log is checked as it streams)."""

    path: str = "<log>"
    line: int = 0
    last_t: float = 0.0
    header: Record | None = None
    levels: int = 0
    created: set[str] = field(default_factory=set)

    def fail(self, message: str) -> LogError:
        return LogError(f"{self.path}:{self.line}: {message}")

    def check(self, record: Record, line: int) -> None:
        self.line = line
        kind = record.get("type")
        if kind not in RECORD_TYPES:
            raise self.fail(f"unknown record type {_one_of(kind, RECORD_TYPES)}")
        t = check_time(record, self.path, line)
        if t < self.last_t - 1e-9:
            raise _disorder(self.path, line, t, self.last_t, self.header, False)
        self.last_t = t
        if self.header is None:
            if kind != "drill":
                raise LogError(f"{self.path}:{line}: not a drill log (the first record is not "
                               "a 'drill' header)")
            self._header(record)
            return
        if kind == "drill":
            raise self.fail("a second 'drill' header; a log holds one drill")
        getattr(self, f"_{kind}")(record)

    # -- the header ----------------------------------------------------------------------

    def _header(self, record: Record) -> None:
        schema = record.get("schema")
        if not isinstance(schema, int) or isinstance(schema, bool):
            raise self.fail("the drill header has no schema version ('schema': 1)")
        if schema > LOG_SCHEMA:
            raise self.fail(f"log schema {schema} is newer than this crisis-drills understands "
                            f"({LOG_SCHEMA}); upgrade crisis-drills to score it")
        start = record.get("start")
        if start is not None:
            if not isinstance(start, str):
                raise self.fail(f"'start' must be a weekday and time like 'fri 17:30', got "
                                f"{_kind(start)}")
            try:
                parse_start(start)
            except ValueError as exc:
                raise self.fail(f"'start': {exc}") from None
        cluster = record.get("cluster")
        if cluster is not None and cluster not in CLUSTERS:
            raise self.fail(f"'cluster' is {_one_of(cluster, CLUSTERS)}")
        levels = record.get("severity_levels")
        if levels is not None and (not isinstance(levels, list) or len(levels) < 2 or
                                   not all(isinstance(x, str) for x in levels)):
            raise self.fail("'severity_levels' must be a list of at least two level names")
        self.levels = len(levels) if isinstance(levels, list) else 0
        self.header = record

    # -- one method per record type --------------------------------------------------------

    def _string(self, record: Record, key: str, *, required: bool = True) -> None:
        value = record.get(key)
        if value is None and not required:
            return
        if not isinstance(value, str) or not value:
            raise self.fail(f"'{key}' must be a non-empty string, got {_kind(value)}")

    def _strings(self, record: Record, key: str) -> None:
        value = record.get(key)
        if value is not None and (not isinstance(value, list) or
                                  not all(isinstance(x, str) for x in value)):
            raise self.fail(f"'{key}' must be a list of strings, got {_kind(value)}")

    def _number(self, record: Record, key: str, *, required: bool = False,
                minimum: float | None = None) -> None:
        value: Any = record.get(key)
        if value is None and not required:
            return
        if not _is_number(value):
            raise self.fail(f"'{key}' must be a number, got {_kind(value)}")
        if minimum is not None and value < minimum:
            raise self.fail(f"'{key}' must be at least {minimum:g}, got {value:g}")

    def _action_name(self, record: Record, key: str) -> None:
        value = record.get(key)
        if value not in ACTIONS:
            raise self.fail(f"'{key}' is {_one_of(value, ACTIONS)}")

    def _event(self, record: Record) -> None:
        self._string(record, "id", required=False)

    def _signal(self, record: Record) -> None:
        for key, value in record.items():
            if key not in ("type", "t") and value is not None and not _is_number(value):
                raise self.fail(f"signal '{key}' must be a number, got {_kind(value)}")

    def _firing(self, record: Record) -> None:
        self._string(record, "rule")

    def _severity(self, record: Record) -> None:
        level = record.get("level")
        if not isinstance(level, int) or isinstance(level, bool) or level < 0 or \
                (self.levels and level >= self.levels):
            top = f"0..{self.levels - 1}" if self.levels else "0 or more"
            raise self.fail(f"'level' must be a whole number {top}, got {level!r}")

    def _episode(self, record: Record) -> None:
        number = record.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise self.fail(f"'number' must be a whole number from 1, got {number!r}")
        status = record.get("status")
        if status not in EPISODE_STATUSES:
            raise self.fail(f"episode 'status' is {_one_of(status, EPISODE_STATUSES)}")

    def _obligation(self, record: Record) -> None:
        self._string(record, "id")
        status = record.get("status")
        if status not in OBLIGATION_STATUSES:
            raise self.fail(f"obligation 'status' is {_one_of(status, OBLIGATION_STATUSES)}")
        ident = record["id"]
        if status == "created":
            if ident in self.created:
                raise self.fail(f"obligation {ident!r} is created twice")
            self.created.add(ident)
            self._string(record, "rule")
            self._action_name(record, "action")
            self._string(record, "role")
            self._number(record, "due", minimum=record["t"])
            self._number(record, "every", minimum=0)
            self._number(record, "weight", minimum=0)
            instance = record.get("instance", 1)
            if not isinstance(instance, int) or isinstance(instance, bool) or instance < 1:
                raise self.fail(f"'instance' must be a whole number from 1, got {instance!r}")
            self._strings(record, "approve")
            self._strings(record, "channels")
            return
        if ident not in self.created:
            raise self.fail(f"obligation {ident!r} has a {status!r} record before it was "
                            "created")
        if status in ("approved", "approval_skipped", "approval_missing",
                      "approval_requested", "approval_rejected"):
            self._string(record, "approver")
        for key in ("member", "role", "reason"):
            self._string(record, key, required=False)

    def _action(self, record: Record) -> None:
        if "action" not in record:  # replay reads it before anything else
            raise self.fail("an action record needs its 'action' (what was done, like "
                            "'notify')")
        self._action_name(record, "action")
        self._string(record, "member", required=False)
        self._string(record, "role", required=False)
        self._string(record, "obligation", required=False)
        self._strings(record, "channels")
        text = record.get("text")
        if text is not None and not isinstance(text, str):
            raise self.fail(f"'text' must be a string, got {_kind(text)}")

    def _violation(self, record: Record) -> None:
        self._string(record, "rule")
        self._action_name(record, "action")

    def _cluster(self, record: Record) -> None:
        cluster = record.get("cluster")
        if cluster not in CLUSTERS:
            raise self.fail(f"'cluster' is {_one_of(cluster, CLUSTERS)}")

    def _control(self, record: Record) -> None:
        op = record.get("op")
        if op not in CONTROL_OPS:
            raise self.fail(f"'op' is {_one_of(op, CONTROL_OPS)}")
        if op not in ("start", "pause", "resume", "speed", "advance", "project") and \
                not isinstance(record.get("inject"), str):
            raise self.fail("a control record names its 'inject' (a string)")
        if op == "inject":
            for key in ("to", "kind", "text"):
                if not isinstance(record.get(key), str):
                    raise self.fail(f"an ad-hoc inject needs '{key}' (a string)")

    def _expectation(self, record: Record) -> None:
        from drills.vocabulary import OBJECTIVE_STATUSES

        status = record.get("status")
        allowed = ("created", *OBJECTIVE_STATUSES)
        if status not in allowed:
            raise self.fail(f"'status' is {_one_of(status, allowed)}")
        if not isinstance(record.get("id"), str):
            raise self.fail("an expectation record needs its 'id' (a string)")
        if status == "created":
            for key in ("role", "reaction"):
                if not isinstance(record.get(key), str):
                    raise self.fail(f"a created expectation needs '{key}' (a string)")
            self._number(record, "points", minimum=0)

    def _end(self, record: Record) -> None:
        for key in ("events", "negative_reach", "peak_mentions_1h", "statements", "episodes"):
            self._number(record, key, minimum=0)
        self._number(record, "duration", minimum=0)
        duration = record.get("duration")
        if _is_number(duration) and duration < record["t"] - 1e-9:
            raise self.fail(f"'duration' {duration:g} is before the end record's t "
                            f"{record['t']:g}")
        severity = record.get("severity")
        if severity is not None:
            self._severity({"level": severity})
