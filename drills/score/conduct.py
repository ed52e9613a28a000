"""Forbidden conduct judged from the actions in a log and the rulebook, not believed.

The log says what happened; the rulebook says what it means. A hand-written log with an
``argue`` action and no ``violation`` record is still an argument. Each forbidden action is
judged as the world judges it: a violation unless its ``unless`` condition is *true* for the
event it answered and the drill's state at that moment (unknown does not excuse).

When the log cannot show the event (a log written with a feed sample, or none) the
condition cannot be decided here: then the log's own ``violation`` records for that action
stand. A ``violation`` record the rulebook would not produce is reported as a mismatch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drills.log.records import Record
from drills.rulebook import ast
from drills.rulebook.evaluate import evaluate
from drills.rulebook.model import Forbid, Rulebook


@dataclass
class _Judged:
    line: int
    record: Record
    decided: bool
    found: list[Forbid]


@dataclass
class ConductJudge:
    rulebook: Rulebook
    #: Whether every feed event is in the log (``log_feed: full``).
    full_feed: bool = True
    _forbid: dict[str, list[Forbid]] = field(default_factory=dict)
    _event_fields: tuple[tuple[str, ...], ...] = ()
    _facts: dict[str, dict[str, Any]] = field(default_factory=dict)
    _judged: list[_Judged] = field(default_factory=list)
    _records: list[tuple[int, Record]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for forbid in self.rulebook.forbid:
            self._forbid.setdefault(forbid.action, []).append(forbid)
        names = {f.name for forbid in self.rulebook.forbid if forbid.unless is not None
                 for f in ast.fields_of(forbid.unless) if f.namespace == "event"}
        self._event_fields = tuple(tuple(n.split(".")[1:]) for n in sorted(names))

    def event(self, event: Record) -> None:
        """Keep only what the ``unless`` conditions read, and only when it is there: memory
        stays small however long the feed."""
        if not self._event_fields:
            return
        facts: dict[str, Any] = {}
        for path in self._event_fields:
            value: Any = event
            for part in path:
                value = value.get(part) if isinstance(value, dict) else None
            if value is not None:
                node = facts
                for part in path[:-1]:
                    node = node.setdefault(part, {})
                node[path[-1]] = value
        ident = event.get("id")
        if facts and isinstance(ident, str):
            self._facts[ident] = facts

    def action(self, line: int, record: Record, drill: dict[str, Any]) -> None:
        forbids = self._forbid.get(str(record.get("action")))
        if not forbids:
            return
        event_id = record.get("event")
        known = self._facts.get(event_id) if isinstance(event_id, str) else None
        decided = True
        found = []
        for forbid in forbids:
            if forbid.unless is None:
                found.append(forbid)
                continue
            needs_event = bool(self._event_fields) and any(
                f.namespace == "event" for f in ast.fields_of(forbid.unless))
            if needs_event and known is None and isinstance(event_id, str) and \
                    not self.full_feed:
                decided = False  # the event is not in this log: the log's record stands
                continue
            context = {"event": known or {}, "drill": drill, "signal": {}}
            if evaluate(forbid.unless, context, self.rulebook.severity) is not True:
                found.append(forbid)
        self._judged.append(_Judged(line, record, decided, found))

    def record(self, line: int, record: Record) -> None:
        """A ``violation`` record the log carries."""
        self._records.append((line, record))

    def verdict(self) -> tuple[list[tuple[int, Record]], list[str]]:
        """The violations (derived, or the log's where undecidable) and the mismatches."""
        violations: list[tuple[int, Record]] = []
        unclaimed = list(self._records)
        for judged in self._judged:
            action = judged.record
            derived = {forbid.id for forbid in judged.found}
            for forbid in judged.found:
                violations.append((judged.line, {
                    "type": "violation", "t": action["t"], "rule": forbid.id,
                    "action": action.get("action"), "member": action.get("member"),
                    "reason": forbid.reason, "event": action.get("event"),
                    "action_id": action.get("id")}))
            for claim in [c for c in unclaimed if _claims(c[1], action)]:
                rule = claim[1].get("rule")
                if rule in derived:
                    unclaimed.remove(claim)  # the log agrees with the rulebook
                elif not judged.decided:
                    unclaimed.remove(claim)  # cannot be judged here: the log's word stands
                    violations.append(claim)
        mismatches = [f"line {line}: the log records a violation of {r.get('rule')!r} "
                      f"({r.get('action')}) that rulebook {self.rulebook.name!r} does not "
                      "produce from the actions in the log" for line, r in unclaimed]
        violations.sort(key=lambda item: item[0])
        return violations, mismatches


def _claims(violation: Record, action: Record) -> bool:
    """Whether a ``violation`` record is about ``action`` (by id, else by time and kind)."""
    if violation.get("action_id") is not None:
        return violation.get("action_id") == action.get("id")
    return violation.get("t") == action.get("t") and violation.get("action") == action.get(
        "action")
