"""What the timeline figure shows, read from a drill log (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drills.log.records import Record
from drills.vocabulary import STATEMENT_ACTIONS

_PRESS = ("press_inquiry", "regulator_inquiry")


@dataclass
class Timeline:
    end: float
    levels: list[str]
    #: (t, mentions in the last hour, negative share): the monitoring ticks.
    signals: list[tuple[float, float, float]] = field(default_factory=list)
    #: (from, to, level): severity as bands.
    severity: list[tuple[float, float, int]] = field(default_factory=list)
    injects: list[float] = field(default_factory=list)
    press: list[float] = field(default_factory=list)
    influencer: list[float] = field(default_factory=list)
    statements: list[float] = field(default_factory=list)
    violations: list[float] = field(default_factory=list)
    calm: list[float] = field(default_factory=list)


def timeline_of(records: list[Record], document: dict[str, Any]) -> Timeline:
    header = records[0]
    end_record = next((r for r in reversed(records) if r["type"] == "end"), records[-1])
    end = float(end_record.get("duration", end_record["t"]) or end_record["t"])
    levels = [str(x) for x in header.get("severity_levels") or []]
    line = Timeline(end=max(end, 1e-6), levels=levels)
    level, since = 0, 0.0
    for record in records:
        kind, t = record["type"], float(record["t"])
        if kind == "signal":
            line.signals.append((t, float(record.get("mentions_1h", 0) or 0),
                                 float(record.get("negative_share", 0) or 0)))
        elif kind == "severity":
            if t > since and level:
                line.severity.append((since, t, level))
            level, since = int(record.get("level", 0) or 0), t
            if record.get("reason") == "calm":
                line.calm.append(t)
        elif kind == "event":
            if record.get("inject"):
                line.injects.append(t)
            if record.get("kind") in _PRESS:
                line.press.append(t)
            elif record.get("kind") == "influencer_post":
                line.influencer.append(t)
        elif kind == "action" and record.get("action") in STATEMENT_ACTIONS:
            line.statements.append(t)
    if level and line.end > since:
        line.severity.append((since, line.end, level))
    line.violations = [float(v["t"]) for v in document.get("violations") or ()]
    return line
