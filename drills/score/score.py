"""Score a drill from its log and the rulebook - nothing else.

The same function scores a simulated drill, a re-read log file and a hand-written log of a
tabletop session. The score document is versioned (``SCORE_SCHEMA``, docs/score.md).
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from drills.errors import LogError
from drills.inputs.validation import suggest
from drills.log.check import LogChecker
from drills.log.records import Record
from drills.rulebook.model import Rulebook
from drills.score.advice import improvements
from drills.score.conduct import ConductJudge
from drills.score.model import (
    CHANNEL_PENALTY,
    MISFIT_PENALTY,
    MIXED_DENY_PENALTY,
    VIOLATION_PENALTY,
    ScoredObligation,
    missing_share,
)
from drills.score.person import PersonScorer, person_documents
from drills.score.rating import (  # noqa: F401 - the score module names them too
    RATING_WORDS,
    RATINGS,
    VIOLATION_CAPS,
    capped_rating,
    evaluated_rating,
    rating,
)
from drills.vocabulary import ACTION_STRATEGY, STATEMENT_ACTIONS

SCORE_SCHEMA = 1
def check_log(records: list[Record], path: str = "<log>",
              lines: list[int] | None = None) -> dict[str, Any]:
    """The drill header of a complete, readable log; LogError otherwise."""
    checker = LogChecker(path)
    for i, record in enumerate(records):
        checker.check(record, lines[i] if lines else i + 1)
    if records[-1].get("type") != "end":
        raise LogError(f"{path}: the log is incomplete (no 'end' record): the drill did not "
                       "finish")
    assert checker.header is not None
    return checker.header


def score_log(records: list[Record], rulebook: Rulebook, path: str = "<log>",
              lines: list[int] | None = None, *, trusted: bool = False) -> dict[str, Any]:
    """The score document of a drill log (see docs/score.md); ``lines`` are the records'
    line numbers in the file when it had blank or comment lines. ``trusted`` skips the
    record checks for records our own world just wrote (never for a file)."""
    scorer = LogScorer(rulebook, path, trusted=trusted)
    for i, record in enumerate(records):
        scorer.add(record, lines[i] if lines else None)
    return scorer.document()


class LogScorer:
    """Scores a drill log record by record, so a drill of any length is scored in constant
    memory (what it keeps grows with obligations and actions, never with feed events).

    Every record is checked first (``drills.log.check``): a log is user input.
    """

    def __init__(self, rulebook: Rulebook, path: str = "<log>", *,
                 trusted: bool = False) -> None:
        #: Records written by our own world in this process need no checking.
        self.trusted = trusted
        self.rulebook = rulebook
        self.path = path
        self.checker = LogChecker(path)
        self.line = 0
        self.header: Record = {}
        self.end: Record | None = None
        self.obligations: dict[str, ScoredObligation] = {}
        self.episodes: list[Record] = []
        self.used: dict[str, int] = {}
        self.misfits: list[tuple[int, Record]] = []
        self.firings: dict[str, int] = defaultdict(int)
        self.severities: list[tuple[float, int]] = []
        self.warnings: list[str] = []
        self.rule_ids = {r.id for r in rulebook.rules}
        self.conduct = ConductJudge(rulebook)
        #: The SCCT cluster now (an inject may move it) and every move.
        self.cluster = ""
        self.clusters: list[dict[str, Any]] = []
        self.silence = _SilenceGaps(rulebook)
        #: Exercise objectives (a script's expectations), by id, as the log last judged them.
        self.objectives: dict[str, dict[str, Any]] = {}
        #: Texts published over a platform's length (they rule out P).
        self.over_length = 0
        #: Notes on what people wrote (live drills): coaching, not violations.
        self.coaching: list[dict[str, Any]] = []
        self.people: dict[str, None] = {}
        #: Each person's own score, from the records about them (``drills.score.person``).
        self.persons = PersonScorer(rulebook)
        #: How many actions anyone took (a drill with none and nothing asked is not rated).
        self.actions = 0

    def add(self, record: Record, line: int | None = None) -> None:
        self.line = self.line + 1 if line is None else line
        line = self.line
        if not self.trusted:
            self.checker.check(record, line)
        kind = record["type"]
        if kind == "event":
            self.conduct.event(record)
            return
        if kind == "signal":
            return
        self.persons.add(record)
        if kind == "drill":
            self._header(record, line)
        elif kind == "cluster":
            self.cluster = str(record["cluster"])
            self.clusters.append({"t": record["t"], "cluster": self.cluster,
                                  "inject": record.get("inject")})
        elif kind == "obligation":
            if record["status"] == "created":
                self._known(line, "rule", record["rule"], self.rule_ids, "rule")
                self._known(line, "role", record["role"], self.rulebook.roles, "role")
            _obligation_record(self.obligations, record, line)
        elif kind == "action":
            self.actions += 1
            self._action(line, record)
        elif kind == "violation":
            self.conduct.record(line, record)
        elif kind == "episode":
            self.episodes.append(record)
        elif kind == "severity":
            self.severities.append((float(record["t"]), int(record["level"])))
        elif kind == "firing":
            self._known(line, "rule", record["rule"], self.rule_ids, "rule")
            self.firings[str(record["rule"])] += 1
        elif kind == "expectation":
            self._objective(record, line)
        elif kind == "end":
            self.end = record
        self.silence.add(record)

    def skip_line(self, event: Record | None = None) -> None:
        """A feed event written by our own world: it changes no score, only what forbidden
        conduct it excuses (and the line numbers)."""
        self.line += 1
        if event is not None:
            self.conduct.event(event)

    def _header(self, record: Record, line: int) -> None:
        self.header = record
        self.cluster = str(record.get("cluster", ""))
        self.silence.start(record)
        self.conduct = ConductJudge(self.rulebook, record.get("log_feed", "full") == "full")
        if "start" not in record:
            self.warn(line, "the header has no 'start' (like 'tue 09:00'): clock times are "
                      "shown from Monday 00:00")
        if "cluster" not in record:
            self.warn(line, "the header has no 'cluster' (victim, accidental or preventable): "
                      "the strategy fit is judged against none")

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(f"{self.path}:{line}: {message}")

    def _known(self, line: int, key: str, value: Any, known: Any, what: str) -> None:
        if value not in known:
            self.warn(line, f"{what} {value!r} is not in rulebook {self.rulebook.name!r}"
                      f"{suggest(str(value), sorted(known))}")

    def _action(self, line: int, record: Record) -> None:
        role = record.get("role")
        if role is not None:
            self._known(line, "role", role, self.rulebook.roles, "role")
        level = self.severities[-1][1] if self.severities else 0
        self.conduct.action(line, record, {"cluster": self.cluster, "severity": level})
        if record.get("human") is True:
            self._coach(line, record)
        ob = self.obligations.get(record.get("obligation") or "")
        if ob is not None:
            ob.published = list(record.get("channels") or [])
            if ob.done is None:  # an action for an obligation completes it
                ob.done, ob.by, ob.done_line = float(record["t"]), record.get("member"), line
        family = ACTION_STRATEGY.get(str(record.get("action")))
        if family is None:
            return
        self.used.setdefault(family, line)
        expected = set(self.rulebook.strategies.get(self.cluster, ())) | {"instruct"}
        if self.rulebook.strategies and family not in expected:
            self.misfits.append((line, record))

    def _objective(self, record: Record, line: int) -> None:
        ident = str(record["id"])
        if record["status"] == "created":
            self.objectives[ident] = {
                "id": ident, "inject": record.get("inject"), "role": record.get("role"),
                "expected": record.get("reaction"), "points": record.get("points", 1),
                "within": record.get("within"), "status": "unvalidated", "when": None,
                "by": None, "comment": None, "line": line}
            return
        objective = self.objectives.get(ident)
        if objective is None:
            self.warn(line, f"expectation {ident} is judged but was never created")
            return
        # Unvalidated at the end is not a moment anything happened: no "when".
        when = None if record["status"] == "unvalidated" else record["t"]
        objective.update(status=record["status"], when=when, by=record.get("by"),
                         comment=record.get("comment"))

    def _coach(self, line: int, record: Record) -> None:
        from drills.score.coaching import PLATFORM_LIMITS, coach

        self.people[str(record.get("member"))] = None
        text = record.get("text")
        locale = self.header.get("locale") if self.header else None
        lang = locale.split("_")[0] if isinstance(locale, str) and locale else "en"
        channels = [str(c) for c in record.get("channels") or () if isinstance(c, str)]
        notes = coach(text if isinstance(text, str) else None, str(record.get("action")),
                      channels, lang)
        if isinstance(text, str) and any(len(text) > PLATFORM_LIMITS.get(c, len(text))
                                         for c in channels):
            self.over_length += 1
        if notes:
            self.coaching.append({"t": record["t"], "action_id": record.get("id"),
                                  "member": record.get("member"),
                                  "action": record.get("action"), "notes": notes,
                                  "line": line})

    def document(self) -> dict[str, Any]:
        if self.end is None:
            if not self.line:
                raise LogError(f"{self.path}: the log is empty")
            raise LogError(f"{self.path}: the log is incomplete (no 'end' record): the drill "
                           "did not finish")
        return _document(self)


def _document(scorer: LogScorer) -> dict[str, Any]:
    rulebook, header, end = scorer.rulebook, scorer.header, scorer.end
    assert end is not None
    from drills.team.clock import parse_start

    start = parse_start(header["start"]) if isinstance(header.get("start"), str) else 0.0
    cluster = scorer.cluster
    end_t = float(end["t"])
    items = sorted(scorer.obligations.values(), key=lambda o: (o.created, _num(o.id)))
    for ob in items:
        if ob.done is None and ob.due > end_t + 1e-9:
            ob.open_at_end = True
    counted = [o for o in items if o.status not in ("open", "cancelled")]
    late_credit = rulebook.late_credit
    credit = {"met": 1.0, "late": late_credit, "missed": 0.0}
    timeliness = _weighted([(credit[o.status], o.weight) for o in counted]) * 100

    adherence_items: list[tuple[float, float]] = []
    rule_scores: dict[str, list[float]] = defaultdict(list)
    for ob in counted:
        own = [1.0 if ob.done is not None else 0.0]
        for approver in ob.approve:
            own.append(1.0 if ob.approvals.get(approver) == "approved" else 0.0)
        adherence_items.extend((value, ob.weight) for value in own)
        rule_scores[ob.rule].append((credit[ob.status] + _mean(own, default=1.0)) / 2)
    adherence = _weighted(adherence_items) * 100

    expected = set(rulebook.strategies.get(cluster, ())) | {"instruct"}
    used = scorer.used
    misfits = scorer.misfits
    violations, mismatches = scorer.conduct.verdict()
    mixed = "deny" in used and bool({"diminish", "rebuild"} & set(used))
    misfit_kinds = sorted({str(r.get("action")) for _l, r in misfits})
    channel_gaps = [(ob, missing_share(ob)) for ob in counted if missing_share(ob) > 0]
    conduct = 100.0 - VIOLATION_PENALTY * len(violations) - MISFIT_PENALTY * len(misfit_kinds) \
        - (MIXED_DENY_PENALTY if mixed else 0.0) \
        - CHANNEL_PENALTY * sum(share for _ob, share in channel_gaps)
    conduct = max(0.0, conduct)

    weights = rulebook.weights
    overall = weights.timeliness * timeliness + weights.adherence * adherence + \
        weights.conduct * conduct
    warnings = _rulebook_warnings(header, rulebook) + scorer.warnings + [
        f"{scorer.path}:{m}" for m in mismatches]
    capped = capped_rating(overall, len(violations))
    if capped == "P" and scorer.over_length:
        capped = "S"  # a text over the platform's length went out: not without challenges
    letter: str | None = capped
    meaning = RATING_WORDS[capped]
    unrated = _unrated(scorer, header, end_t, bool(counted or violations))
    if unrated is not None:
        letter, meaning = None, unrated
    episodes = scorer.episodes or _episodes_from(scorer.severities, rulebook, end_t)

    document: dict[str, Any] = {
        "schema": SCORE_SCHEMA,
        "drill": {k: header.get(k) for k in ("scenario", "rulebook", "team", "seed", "start",
                                              "cluster", "log_feed", "locale")},
        "scored_with": {"rulebook": rulebook.name, "version": rulebook.version},
        "warnings": warnings,
        "score": None if letter is None else round(overall, 1),
        "rating": letter,
        "rating_meaning": meaning,
        "subscores": {"timeliness": round(timeliness, 1), "adherence": round(adherence, 1),
                      "conduct": round(conduct, 1)},
        "weights": {"timeliness": weights.timeliness, "adherence": weights.adherence,
                    "conduct": weights.conduct},
        "obligations": [_obligation_row(o) for o in items],
        "open_at_end": sum(1 for o in items if o.status == "open"),
        "rules": [
            {"rule": rule, "obligations": len(scores), "met": sum(
                1 for o in counted if o.rule == rule and o.status == "met"),
             "late": sum(1 for o in counted if o.rule == rule and o.status == "late"),
             "missed": sum(1 for o in counted if o.rule == rule and o.status == "missed"),
             "firings": scorer.firings.get(rule, 0),
             "rating": rating(_mean(scores, default=1.0) * 100)}
            for rule, scores in sorted(rule_scores.items())
        ],
        "violations": [{"t": r["t"], "rule": r.get("rule"), "action": r.get("action"),
                        "member": r.get("member"), "reason": r.get("reason"), "line": line}
                       for line, r in violations],
        "strategy": {"cluster": cluster, "expected": sorted(expected),
                     "used": sorted(used), "misfits": misfit_kinds, "mixed_deny": mixed,
                     "cluster_changes": scorer.clusters},
        "response_times": _percentiles(counted, key=lambda o: o.action),
        "response_times_by_role": _percentiles(counted, key=lambda o: o.acting_role or o.role),
        "updates": {**_update_gaps(counted), "silence_gaps": scorer.silence.gaps},
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
    if scorer.objectives:
        from drills.score.objectives import objective_points

        objectives = list(scorer.objectives.values())
        document["objectives"] = objectives
        document["objectives_points"] = objective_points(objectives)
    humans = header.get("humans")
    if not isinstance(humans, dict):
        humans = {}
    if scorer.people or humans:
        document["people"] = sorted(set(map(str, humans.values())) | set(scorer.people))
        document["coaching"] = scorer.coaching
        document["persons"] = person_documents(scorer.persons)
    locale = header.get("locale")
    lang = locale.split("_")[0] if isinstance(locale, str) and locale else "en"
    document["improvements"] = improvements(counted, violations, misfits, mixed, start,
                                            rulebook, dict(scorer.firings), lang)
    return document


def _unrated(scorer: LogScorer, header: Record, end_t: float, judged: bool) -> str | None:
    """Why a drill is not rated (None: it is): it stopped before its planned end with
    nothing asked of the team and nothing done, so there is nothing to judge. A drill quit
    at minute 0 would otherwise score 100 P. A drill that ran its course is always rated."""
    if judged or scorer.actions:
        return None
    planned = header.get("duration")
    if isinstance(planned, (int, float)) and not isinstance(planned, bool) \
            and end_t >= float(planned) - 1e-9:
        return None
    if not isinstance(planned, (int, float)) and end_t > 0:
        return None
    return f"not rated: the drill ended at minute {end_t:g}, before anything was asked of " \
        "the team"


def _rulebook_warnings(header: Record, rulebook: Rulebook) -> list[str]:
    """Scoring with another rulebook than the drill ran with is allowed, but said."""
    name, version = header.get("rulebook"), header.get("rulebook_version")
    if name is not None and name != rulebook.name:
        return [f"this log was made with rulebook {name!r} and is scored with "
                f"{rulebook.name!r}: obligations and violations are the log's, the weights "
                "and advice this rulebook's"]
    if isinstance(version, int) and version != rulebook.version:
        return [f"this log was made with version {version} of rulebook {name!r} and is scored "
                f"with version {rulebook.version}"]
    return []


class _SilenceGaps:
    """Stretches without a public statement while severity was at crisis level or above,
    longer than the rulebook's shortest update interval (default 2 h), found as the log
    streams by."""

    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook
        self.limit = min((o.every for r in rulebook.rules for o in r.require if o.every),
                         default=120.0)
        self.crisis = 3
        self.since: float | None = None
        self.gaps: list[dict[str, Any]] = []

    def start(self, header: Record) -> None:
        levels = header.get("severity_levels") or list(self.rulebook.severity)
        self.crisis = levels.index("crisis") if "crisis" in levels else max(1, len(levels) - 2)

    def _close(self, t: float) -> None:
        if self.since is not None and t - self.since > self.limit:
            self.gaps.append({"from": self.since, "to": t, "minutes": round(t - self.since, 1)})

    def add(self, record: Record) -> None:
        kind = record["type"]
        t = float(record["t"])
        if kind == "severity":
            high = int(record["level"]) >= self.crisis
            if high and self.since is None:
                self.since = t
            elif not high and self.since is not None:
                self._close(t)
                self.since = None
        elif kind == "action" and record.get("action") in STATEMENT_ACTIONS and \
                self.since is not None:
            self._close(t)
            self.since = t
        elif kind == "end":
            self._close(t)


def _num(ident: str) -> int:
    digits = "".join(ch for ch in ident if ch.isdigit())
    return int(digits) if digits else 0


def _mean(values: list[float], *, default: float) -> float:
    return sum(values) / len(values) if values else default


def _weighted(pairs: list[tuple[float, float]]) -> float:
    """The weighted mean of (value, weight) pairs; 1 (nothing asked, nothing failed) if none."""
    total = sum(w for _v, w in pairs)
    return sum(v * w for v, w in pairs) / total if total else 1.0


def _severity_name(header: Record, level: Any) -> Any:
    levels = header.get("severity_levels")
    if isinstance(levels, list) and isinstance(level, int) and 0 <= level < len(levels):
        return levels[level]
    return level


def _obligation_record(obligations: dict[str, ScoredObligation], record: Record, line: int) -> None:
    ident = str(record.get("id"))
    status = record.get("status")
    if status == "created":
        obligations[ident] = ScoredObligation(
            id=ident, rule=str(record.get("rule")), action=str(record.get("action")),
            role=str(record.get("role")), created=float(record["t"]),
            due=float(record.get("due") or record["t"]), instance=int(record.get("instance") or 1),
            line=line, approve=list(record.get("approve") or []),
            channels=list(record.get("channels") or []),
            weight=float(record.get("weight") or 1.0))
        return
    ob = obligations[ident]  # the checker made sure it was created
    if status == "open":
        ob.open_at_end = True
    elif status == "cancelled":
        ob.cancelled = True
    elif status == "acknowledged":
        ob.acting_role = record.get("role")
    elif status == "done" and ob.done is None:  # done by its action already, or now
        ob.done = float(record["t"])
        ob.by = record.get("member")
        ob.done_line = line
    elif status in ("approval_requested", "drafted") and isinstance(record.get("round"), int):
        ob.rounds = max(ob.rounds, int(record["round"]))
    elif status == "approval_rejected":
        ob.rejections.append(f"{record.get('approver')} rejected round "
                             f"{record.get('round')}: {record.get('comment')}")
    elif status in ("approved", "approval_skipped", "approval_missing"):
        approver = str(record.get("approver"))
        if status == "approval_missing" and record.get("member"):
            ob.skipped_by.append(f"{record.get('member')} skipped {approver}: "
                                 f"{record.get('reason')}")
        ob.approvals[approver] = {
            "approved": "approved", "approval_skipped": "skipped",
            "approval_missing": "missing"}[status]
        if record.get("reason"):
            ob.approval_reasons[approver] = str(record["reason"]).removesuffix(
                "; published without")
    elif status == "escalated":
        ob.escalations += 1
        if record.get("reason"):
            ob.reasons.append(str(record["reason"]))
    elif status in ("unstaffed", "waiting", "skipped"):
        ob.skipped = ob.skipped or status == "skipped"
        if record.get("reason"):
            ob.reasons.append(str(record["reason"]))


def _obligation_row(ob: ScoredObligation) -> dict[str, Any]:
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
        # Only where a person read a draft or was skipped: simulated drills' rows stay as
        # they were.
        **({"rounds": ob.rounds, "rejections": ob.rejections} if ob.rounds else {}),
        **({"skipped_by": ob.skipped_by} if ob.skipped_by else {}),
    }


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    rank = max(0, math.ceil(q * len(ordered)) - 1)
    return round(ordered[rank], 1)


def _percentiles(items: list[ScoredObligation], key: Any) -> list[dict[str, Any]]:
    groups: dict[str, list[float]] = defaultdict(list)
    for ob in items:
        if ob.done is not None:
            groups[str(key(ob))].append(ob.done - ob.created)
    return [{"name": name, "count": len(v), "p50": _percentile(v, 0.5),
             "p90": _percentile(v, 0.9), "max": round(max(v), 1)}
            for name, v in sorted(groups.items())]


def _update_gaps(items: list[ScoredObligation]) -> dict[str, Any]:
    recurring = [o for o in items if o.instance > 1 or o.action == "update"]
    kept = sum(1 for o in recurring if o.status == "met")
    broken = [o for o in recurring if o.status != "met"]
    return {"kept": kept, "broken": len(broken),
            "gaps": [{"due": o.due, "done": o.done, "status": o.status, "id": o.id}
                     for o in broken]}


def _episodes_from(severities: list[tuple[float, int]], rulebook: Rulebook,
                   end: float) -> list[Record]:
    """Episodes of a hand-written log that has severity records but no episode records: a
    rise above the calm level starts one, a fall back to it ends it."""
    base = rulebook.calm.to if rulebook.calm else 0
    episodes: list[Record] = []
    level, number = base, 0
    for t, new in severities:
        if level <= base < new:
            number += 1
            episodes.append({"type": "episode", "t": t, "number": number, "status": "start"})
        elif new <= base < level:
            episodes.append({"type": "episode", "t": t, "number": number, "status": "end"})
        level = new
    if level > base:
        episodes.append({"type": "episode", "t": end, "number": number, "status": "open"})
    return episodes


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
