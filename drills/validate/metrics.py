"""What one drill's outcome was, in measures a rulebook comparison can trust.

A score measures adherence to *its own* rulebook: a rulebook that demands less scores higher
(a copy of default whose crisis rule never fired scored 93.4 against 74.6, with no holding
statement at all). So a comparison leads with measures that do not depend on the rulebook:
what the public saw and how the crisis went. They are computed from the log and the feed's
signals only, with fixed thresholds, never the rulebook's severity.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from drills.log.records import Record
from drills.vocabulary import PUBLIC_STATEMENTS

#: The public is "hot" while the last hour has at least this many negative posts; a fixed
#: threshold, so every rulebook is judged on the same hours.
HOT_NEGATIVE_1H = 10
#: A statement older than this leaves the public without one ("stale").
STALE_AFTER = 120.0

#: name -> (independent of the rulebook?, higher is worse?)
METRICS: dict[str, tuple[bool, bool]] = {
    "time_to_first_statement": (True, True),
    "statements": (True, False),
    "stale_share": (True, True),
    "negative_reach": (True, True),
    "peak_mentions": (True, True),
    "time_to_calm": (True, True),
    "violations": (True, True),
    "alert_load": (False, True),
    "score": (False, False),
    "timeliness": (False, False),
    "adherence": (False, False),
    "conduct": (False, False),
    "missed": (False, True),
    "late": (False, True),
}
INDEPENDENT = tuple(name for name, (independent, _w) in METRICS.items()
                    if independent)


def drill_metrics(records: list[Record], score: dict[str, Any]) -> dict[str, Any]:
    """The metrics of one drill, its firings per rule, and its load per role."""
    end = records[-1]
    duration = float(end.get("duration") or end["t"])
    first_escalation: float | None = None
    statements: list[float] = []
    hot: list[float] = []
    firings: dict[str, int] = defaultdict(int)
    load: dict[str, int] = defaultdict(int)
    for record in records:
        kind = record["type"]
        if kind == "severity" and first_escalation is None and record["level"] > 0:
            first_escalation = float(record["t"])
        elif kind == "action" and record.get("action") in PUBLIC_STATEMENTS:
            statements.append(float(record["t"]))
        elif kind == "signal" and record.get("negative_1h", 0) >= HOT_NEGATIVE_1H:
            hot.append(float(record["t"]))
        elif kind == "firing":
            firings[str(record["rule"])] += 1
        elif kind == "obligation" and record.get("status") in ("created", "paged"):
            load[str(record.get("role"))] += 1
    since = first_escalation or 0.0
    first = next((t for t in statements if t >= since), None)
    stale = sum(1 for t in hot if not any(t - STALE_AFTER <= s <= t for s in statements))
    counts = Counter(ob["status"] for ob in score["obligations"])
    metrics = {
        "time_to_first_statement": round((first if first is not None else duration) - since, 3),
        "statements": len(statements),
        "stale_share": round(stale / len(hot), 4) if hot else 0.0,
        "negative_reach": int(end.get("negative_reach") or 0),
        "peak_mentions": int(end.get("peak_mentions_1h") or 0),
        # Until the public is no longer hot: the last hot tick (the whole drill if still hot).
        "time_to_calm": round(max(0.0, hot[-1] + 5.0 - since), 3) if hot else 0.0,
        "violations": len(score["violations"]),
        "alert_load": sum(load.values()),
        "score": score["score"],
        **{k: v for k, v in score["subscores"].items()},
        "missed": counts.get("missed", 0),
        "late": counts.get("late", 0),
    }
    return {"metrics": metrics, "firings": dict(firings), "load": dict(load)}
