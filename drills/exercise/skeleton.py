"""A log skeleton for a tabletop session: what a drill of this scenario and rulebook would
ask of the team, for the facilitator to fill in with times and names (``drill log
template``)."""

from __future__ import annotations

import json

from drills.drive.batch import simulate
from drills.feed.scenario import Scenario
from drills.rulebook.model import Rulebook
from drills.team.model import Team

#: Records a facilitator keeps: the header, what the crisis did, and what was asked.
_KEEP = ("drill", "severity", "cluster", "end")


def log_template(scenario: Scenario, rulebook: Rulebook, team: Team, *, seed: int,
                 start: float, hours: float | None = None) -> str:
    """JSON Lines with comments: the header, severity changes and every obligation the drill
    created, then the end. Fill in ``done`` (or write the ``action`` records) and score it."""
    records, _summary = simulate(scenario, rulebook, team, seed=seed, start=start,
                                 hours=hours, log_feed="none")
    lines = ["# A tabletop log skeleton (docs/log.md). For each obligation the team met, add",
             '# {"type":"action","t":MIN,"member":"NAME","action":"...","obligation":"oN"}',
             "# at the minute it happened; approvals as",
             '# {"type":"obligation","t":MIN,"id":"oN","status":"approved","approver":"legal"}.',
             "# Keep records in time order; then: drill score THIS-FILE"]
    for record in records:
        kind = record["type"]
        if kind in _KEEP:
            if kind == "end":
                record = {"type": "end", "t": record["t"]}
            lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        elif kind == "obligation" and record["status"] == "created":
            fields = {k: v for k, v in record.items() if v not in (None, [], "")}
            lines.append(json.dumps(fields, ensure_ascii=False, separators=(",", ":")))
    return "\n".join(lines) + "\n"
