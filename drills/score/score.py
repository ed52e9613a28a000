"""Score a drill from its log and the rulebook - nothing else.

The same function scores a simulated drill, a re-read log file and a hand-written log of a
tabletop session. The score document is versioned (``SCORE_SCHEMA``, docs/score.md).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from drills.errors import LogError
from drills.rulebook.model import Rulebook
from drills.sim.log import LOG_SCHEMA, Record
from drills.vocabulary import ACTION_STRATEGY

SCORE_SCHEMA = 1
VIOLATION_PENALTY = 15.0
MISFIT_PENALTY = 10.0
MIXED_DENY_PENALTY = 20.0
#: Conduct points lost by a statement that reached none of its required channels (scaled by
#: the share it missed).
CHANNEL_PENALTY = 10.0
RATINGS = ((90.0, "P"), (75.0, "S"), (50.0, "M"), (0.0, "U"))
RATING_WORDS = {
    "P": "performed without challenges",
    "S": "performed with some challenges",
    "M": "performed with major challenges",
    "U": "unable to be performed",
}


def rating(score: float) -> str:
    return next(letter for bound, letter in RATINGS if score >= bound)


def clock(start_week_minute: float, t: float) -> str:
    from drills.team.clock import format_start

    return format_start(start_week_minute + t)


@dataclass
class _Obligation:
    id: str
    rule: str
    action: str
    role: str
    created: float
    due: float
    instance: int
    line: int
    approve: list[str]
    channels: list[str]
    done: float | None = None
    by: str | None = None
    acting_role: str | None = None
    approvals: dict[str, str] = field(default_factory=dict)
    published: list[str] | None = None
    reasons: list[str] = field(default_factory=list)
    escalations: int = 0
    skipped: bool = False
    done_line: int | None = None

    @property
    def status(self) -> str:
        if self.done is None:
            return "missed"
        return "met" if self.done <= self.due + 1e-9 else "late"


def check_log(records: list[Record], path: str = "<log>") -> dict[str, Any]:
    """The drill header of a complete, readable log; LogError otherwise."""
    if not records or records[0].get("type") != "drill":
        raise LogError(f"{path}: not a drill log (the first record is not a 'drill' header)")
    header = records[0]
    schema = header.get("schema")
    if not isinstance(schema, int):
        raise LogError(f"{path}:1: the drill header has no schema version")
    if schema > LOG_SCHEMA:
        raise LogError(f"{path}:1: log schema {schema} is newer than this crisis-drills "
                       f"understands ({LOG_SCHEMA}); upgrade crisis-drills to score it")
    if records[-1].get("type") != "end":
        raise LogError(f"{path}: the log is incomplete (no 'end' record): the drill did not "
                       "finish")
    return header


def score_log(records: list[Record], rulebook: Rulebook, path: str = "<log>") -> dict[str, Any]:
    """The score document of a drill log (see docs/score.md)."""
    header = check_log(records, path)
    from drills.team.clock import parse_start

    start = parse_start(header["start"]) if isinstance(header.get("start"), str) else 0.0
    cluster = str(header.get("cluster", ""))
    end = records[-1]
    obligations: dict[str, _Obligation] = {}
    actions: list[tuple[int, Record]] = []
    violations: list[tuple[int, Record]] = []
    episodes: list[dict[str, Any]] = []
    severity_changes: list[Record] = []
    for line, record in enumerate(records, start=1):
        kind = record.get("type")
        if kind == "obligation":
            _obligation_record(obligations, record, line)
        elif kind == "action":
            actions.append((line, record))
            ob = obligations.get(record.get("obligation") or "")
            if ob is not None:
                ob.published = list(record.get("channels") or [])
        elif kind == "violation":
            violations.append((line, record))
        elif kind == "episode":
            episodes.append(record)
        elif kind == "severity":
            severity_changes.append(record)

    items = sorted(obligations.values(), key=lambda o: (o.created, _num(o.id)))
    late_credit = rulebook.late_credit
    credit = {"met": 1.0, "late": late_credit, "missed": 0.0}
    timeliness = _mean([credit[o.status] for o in items], default=1.0) * 100

    adherence_items: list[float] = []
    rule_scores: dict[str, list[float]] = defaultdict(list)
    for ob in items:
        own = [1.0 if ob.done is not None else 0.0]
        for approver in ob.approve:
            own.append(1.0 if ob.approvals.get(approver) == "approved" else 0.0)
        adherence_items.extend(own)
        rule_scores[ob.rule].append((credit[ob.status] + _mean(own, default=1.0)) / 2)
    adherence = _mean(adherence_items, default=1.0) * 100

    expected = set(rulebook.strategies.get(cluster, ())) | {"instruct"}
    used: dict[str, int] = {}
    misfits: list[tuple[int, Record]] = []
    for line, record in actions:
        family = ACTION_STRATEGY.get(str(record.get("action")))
        if family is None:
            continue
        used.setdefault(family, line)
        if rulebook.strategies and family not in expected:
            misfits.append((line, record))
    mixed = "deny" in used and bool({"diminish", "rebuild"} & set(used))
    misfit_kinds = sorted({str(r.get("action")) for _l, r in misfits})
    channel_gaps = [(ob, _missing_share(ob)) for ob in items if _missing_share(ob) > 0]
    conduct = 100.0 - VIOLATION_PENALTY * len(violations) - MISFIT_PENALTY * len(misfit_kinds) \
        - (MIXED_DENY_PENALTY if mixed else 0.0) \
        - CHANNEL_PENALTY * sum(share for _ob, share in channel_gaps)
    conduct = max(0.0, conduct)

    weights = rulebook.weights
    overall = weights.timeliness * timeliness + weights.adherence * adherence + \
        weights.conduct * conduct

    document: dict[str, Any] = {
        "schema": SCORE_SCHEMA,
        "drill": {k: header.get(k) for k in ("scenario", "rulebook", "team", "seed", "start",
                                              "cluster", "log_feed")},
        "score": round(overall, 1),
        "rating": rating(overall),
        "rating_meaning": RATING_WORDS[rating(overall)],
        "subscores": {"timeliness": round(timeliness, 1), "adherence": round(adherence, 1),
                      "conduct": round(conduct, 1)},
        "weights": {"timeliness": weights.timeliness, "adherence": weights.adherence,
                    "conduct": weights.conduct},
        "obligations": [_obligation_row(o) for o in items],
        "rules": [
            {"rule": rule, "obligations": len(scores), "met": sum(
                1 for o in items if o.rule == rule and o.status == "met"),
             "late": sum(1 for o in items if o.rule == rule and o.status == "late"),
             "missed": sum(1 for o in items if o.rule == rule and o.status == "missed"),
             "rating": rating(_mean(scores, default=1.0) * 100)}
            for rule, scores in sorted(rule_scores.items())
        ],
        "violations": [{"t": r["t"], "rule": r.get("rule"), "action": r.get("action"),
                        "member": r.get("member"), "reason": r.get("reason"), "line": line}
                       for line, r in violations],
        "strategy": {"cluster": cluster, "expected": sorted(expected),
                     "used": sorted(used), "misfits": misfit_kinds, "mixed_deny": mixed},
        "response_times": _percentiles(items, key=lambda o: o.action),
        "response_times_by_role": _percentiles(items, key=lambda o: o.acting_role or o.role),
        "updates": {**_update_gaps(items),
                    "silence_gaps": _silence_gaps(records, header, rulebook)},
        "channel_gaps": [{"id": ob.id, "action": ob.action, "t": ob.done,
                          "missing": sorted(set(ob.channels) - set(ob.published or []))}
                         for ob, _share in channel_gaps],
        "outcome": {
            "peak_mentions_1h": end.get("peak_mentions_1h"),
            "negative_reach": end.get("negative_reach"),
            "events": end.get("events"),
            "final_severity": _severity_name(header, end.get("severity")),
            "time_to_calm": _time_to_calm(episodes),
        },
    }
    document["improvements"] = _improvements(items, violations, misfits, mixed, start,
                                             rulebook, late_credit)
    return document


def _num(ident: str) -> int:
    digits = "".join(ch for ch in ident if ch.isdigit())
    return int(digits) if digits else 0


def _mean(values: list[float], *, default: float) -> float:
    return sum(values) / len(values) if values else default


def _severity_name(header: Record, level: Any) -> Any:
    levels = header.get("severity_levels")
    if isinstance(levels, list) and isinstance(level, int) and 0 <= level < len(levels):
        return levels[level]
    return level


def _obligation_record(obligations: dict[str, _Obligation], record: Record, line: int) -> None:
    ident = str(record.get("id"))
    status = record.get("status")
    if status == "created":
        obligations[ident] = _Obligation(
            id=ident, rule=str(record.get("rule")), action=str(record.get("action")),
            role=str(record.get("role")), created=float(record["t"]),
            due=float(record.get("due") or record["t"]), instance=int(record.get("instance") or 1),
            line=line, approve=list(record.get("approve") or []),
            channels=list(record.get("channels") or []))
        return
    ob = obligations.get(ident)
    if ob is None:
        raise LogError(f"line {line}: obligation {ident!r} has a {status!r} record before it "
                       "was created")
    if status == "acknowledged":
        ob.acting_role = record.get("role")
    elif status == "done":
        ob.done = float(record["t"])
        ob.by = record.get("member")
        ob.done_line = line
    elif status in ("approved", "approval_skipped", "approval_missing"):
        ob.approvals[str(record.get("approver"))] = {
            "approved": "approved", "approval_skipped": "skipped",
            "approval_missing": "missing"}[status]
    elif status == "escalated":
        ob.escalations += 1
        if record.get("reason"):
            ob.reasons.append(str(record["reason"]))
    elif status in ("unstaffed", "waiting", "skipped"):
        ob.skipped = ob.skipped or status == "skipped"
        if record.get("reason"):
            ob.reasons.append(str(record["reason"]))


def _obligation_row(ob: _Obligation) -> dict[str, Any]:
    return {
        "id": ob.id, "rule": ob.rule, "action": ob.action, "role": ob.role,
        "instance": ob.instance, "created": ob.created, "due": ob.due, "done": ob.done,
        "status": ob.status,
        "latency": round(ob.done - ob.created, 1) if ob.done is not None else None,
        "by": ob.by, "as_role": ob.acting_role, "approvals": dict(sorted(ob.approvals.items())),
        "channels_missing": sorted(set(ob.channels) - set(ob.published or []))
        if ob.channels and ob.done is not None else [],
        "escalations": ob.escalations, "reason": ob.reasons[-1] if ob.reasons else None,
        "line": ob.line,
    }


def _missing_share(ob: _Obligation) -> float:
    """Share of its required channels a done statement did not reach."""
    if not ob.channels or ob.done is None:
        return 0.0
    return len(set(ob.channels) - set(ob.published or [])) / len(ob.channels)


STATEMENT_ACTIONS = frozenset({"holding_statement", "update", "statement", "apology",
                               "correct_misinformation"})


def _silence_gaps(records: list[Record], header: Record, rulebook: Rulebook
                  ) -> list[dict[str, Any]]:
    """Stretches without a public statement, while severity was at crisis level or above,
    longer than the rulebook's shortest update interval (default 2 h)."""
    levels = header.get("severity_levels") or list(rulebook.severity)
    crisis = levels.index("crisis") if "crisis" in levels else max(1, len(levels) - 2)
    limit = min((o.every for r in rulebook.rules for o in r.require if o.every),
                default=120.0)
    gaps: list[dict[str, Any]] = []
    since: float | None = None  # start of the current silence while at crisis level
    for record in records:
        kind = record.get("type")
        t = float(record.get("t", 0.0))
        if kind == "severity":
            high = int(record.get("level", 0)) >= crisis
            if high and since is None:
                since = t
            elif not high and since is not None:
                if t - since > limit:
                    gaps.append({"from": since, "to": t, "minutes": round(t - since, 1)})
                since = None
        elif kind == "action" and record.get("action") in STATEMENT_ACTIONS and \
                since is not None:
            if t - since > limit:
                gaps.append({"from": since, "to": t, "minutes": round(t - since, 1)})
            since = t
        elif kind == "end" and since is not None and t - since > limit:
            gaps.append({"from": since, "to": t, "minutes": round(t - since, 1)})
    return gaps


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    rank = max(0, math.ceil(q * len(ordered)) - 1)
    return round(ordered[rank], 1)


def _percentiles(items: list[_Obligation], key: Any) -> list[dict[str, Any]]:
    groups: dict[str, list[float]] = defaultdict(list)
    for ob in items:
        if ob.done is not None:
            groups[str(key(ob))].append(ob.done - ob.created)
    return [{"name": name, "count": len(v), "p50": _percentile(v, 0.5),
             "p90": _percentile(v, 0.9), "max": round(max(v), 1)}
            for name, v in sorted(groups.items())]


def _update_gaps(items: list[_Obligation]) -> dict[str, Any]:
    recurring = [o for o in items if o.instance > 1 or o.action == "update"]
    kept = sum(1 for o in recurring if o.status == "met")
    broken = [o for o in recurring if o.status != "met"]
    return {"kept": kept, "broken": len(broken),
            "gaps": [{"due": o.due, "done": o.done, "status": o.status, "id": o.id}
                     for o in broken]}


def _time_to_calm(episodes: list[Record]) -> list[dict[str, Any]]:
    result = []
    started: dict[int, float] = {}
    for record in episodes:
        number = int(record.get("number", 0))
        if record.get("status") == "start":
            started[number] = float(record["t"])
        elif record.get("status") in ("end", "open") and number in started:
            calm = record.get("status") == "end"
            result.append({"episode": number, "start": started[number],
                           "calm_after": round(float(record["t"]) - started[number], 1)
                           if calm else None})
    return result


def _improvements(items: list[_Obligation], violations: list[tuple[int, Record]],
                  misfits: list[tuple[int, Record]], mixed: bool, start: float,
                  rulebook: Rulebook, late_credit: float) -> list[dict[str, Any]]:
    """The three changes that would have gained the most points, in plain language."""
    candidates: list[tuple[float, int, tuple[str, ...], dict[str, Any]]] = []
    n = max(1, len(items))
    weights = rulebook.weights

    def when(t: float) -> str:
        return clock(start, t)

    for ob in items:
        what = ob.action.replace("_", " ")
        if ob.status == "missed":
            why = f" ({ob.reasons[-1]})" if ob.reasons else ""
            if ob.skipped:
                text = (f"The {what} due {when(ob.due)} (rule {ob.rule}) was skipped{why}. "
                        "Keep the rhythm of updates: silence lets the story grow.")
            else:
                text = (f"Nobody did the {what} for {ob.role} due {when(ob.due)} (rule "
                        f"{ob.rule}){why}. Make sure the role and its backups are staffed or "
                        "on call at that hour.")
            gain = 100 * (weights.timeliness + weights.adherence) / n
            candidates.append((gain, ob.line, ("missed", ob.rule, ob.action),
                               {"text": text, "t": ob.due, "line": ob.line}))
        elif ob.status == "late":
            minutes = (ob.done or 0) - ob.due
            hint = ""
            if ob.escalations:
                hint = (f" It was escalated {ob.escalations} time(s) first - "
                        f"{ob.reasons[0] if ob.reasons else 'no acknowledgement in time'}.")
            text = (f"The {what} (rule {ob.rule}) came {minutes:.0f} min late: due "
                    f"{when(ob.due)}, done {when(ob.done or 0)} by {ob.by}.{hint}")
            gain = 100 * weights.timeliness * (1 - late_credit) / n
            candidates.append((gain, ob.done_line or ob.line, ("late", ob.rule, ob.action),
                               {"text": text, "t": ob.done, "line": ob.done_line or ob.line}))
        for approver, state in ob.approvals.items():
            if state != "approved":
                text = (f"The {what} at {when(ob.done or ob.due)} went out without {approver}'s "
                        f"approval ({'skipped' if state == 'skipped' else 'nobody available'})."
                        f" Put {approver} on call or agree pre-approved wording.")
                candidates.append((100 * weights.adherence / n, ob.line, ("approval", approver),
                                   {"text": text, "t": ob.done, "line": ob.line}))
    for ob in items:
        share = _missing_share(ob)
        if share:
            missing = sorted(set(ob.channels) - set(ob.published or []))
            text = (f"The {ob.action.replace('_', ' ')} at {when(ob.done or 0)} did not reach "
                    f"{', '.join(missing)}: a statement must reach every active channel, in "
                    "the same words.")
            candidates.append((weights.conduct * CHANNEL_PENALTY * share, ob.done_line or ob.line,
                               ("channels", ob.action),
                               {"text": text, "t": ob.done, "line": ob.done_line or ob.line}))
    for line, record in violations:
        forbid = next((f for f in rulebook.forbid if f.id == record.get("rule")), None)
        reason = forbid.reason if forbid else str(record.get("reason", ""))
        text = (f"{record.get('member')} did '{record.get('action')}' at {when(record['t'])}: "
                f"{reason}")
        candidates.append((weights.conduct * VIOLATION_PENALTY, line,
                           ("violation", str(record.get("rule"))),
                           {"text": text, "t": record["t"], "line": line}))
    seen_misfit: set[str] = set()
    for line, record in misfits:
        action = str(record.get("action"))
        if action in seen_misfit:
            continue
        seen_misfit.add(action)
        text = (f"'{action}' at {when(record['t'])} does not fit the crisis cluster's strategy "
                "(SCCT); use the rulebook's strategies for this cluster.")
        candidates.append((weights.conduct * MISFIT_PENALTY, line, ("misfit", action),
                           {"text": text, "t": record["t"], "line": line}))
    if mixed:
        first = misfits[0] if misfits else (0, {"t": 0})
        candidates.append((weights.conduct * MIXED_DENY_PENALTY, first[0], ("mixed",), {
            "text": "Denial was mixed with diminish or rebuild statements: pick one line "
                    "(SCCT: never mix deny with diminish or rebuild).",
            "t": first[1].get("t"), "line": first[0]}))
    # Group alike findings (every late update is one lesson), rank groups by points lost.
    groups: dict[tuple[str, ...], list[tuple[float, int, dict[str, Any]]]] = defaultdict(list)
    for gain, line, key, item in candidates:
        groups[key].append((gain, line, item))
    ranked = sorted(groups.values(), key=lambda g: (-sum(x[0] for x in g), g[0][1]))
    result = []
    for group in ranked[:3]:
        _gain, _line, item = min(group, key=lambda x: x[1])
        item = dict(item)
        if len(group) > 1:
            item["text"] += f" ({len(group) - 1} more like it.)"
        item["points"] = round(sum(x[0] for x in group), 1)
        result.append(item)
    return result
