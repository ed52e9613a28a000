"""What to improve: findings from a scored log, ranked by consequence, not by count.

A public statement that came three hours late, or went out without legal's approval, matters
more than twenty-five late internal notifications from one over-eager rule. So every finding
gets a *consequence*: what kind of failure it is (a tier), how bad (missed, or how late), and
the obligation's ``weight`` from the rulebook. Alike findings are grouped (every late update
is one lesson); a group ranks by its worst finding, with a small bonus for repetition, so
noise cannot outrank one serious failure.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from drills.i18n.catalogue import t
from drills.i18n.formats import week_time
from drills.i18n.names import display_name
from drills.i18n.reasons import say_reason
from drills.log.records import Record
from drills.rulebook.model import Rulebook
from drills.score.model import (
    CHANNEL_PENALTY,
    MISFIT_PENALTY,
    MIXED_DENY_PENALTY,
    VIOLATION_PENALTY,
    ScoredObligation,
    clock,
    missing_share,
)
from drills.vocabulary import STATEMENT_ACTIONS

#: How much a kind of failure matters, before its own severity and weight.
TIER = {"statement": 3.0, "approval": 3.0, "violation": 2.5, "press": 2.0, "mixed": 2.0,
        "fatigue": 1.5, "channels": 1.5, "misfit": 1.5, "task": 1.0}
#: A rule firing more often than this in one drill is noise the team learns to ignore.
FATIGUE_FIRINGS = 12
#: One person doing more than this share of the work (with at least FATIGUE_TASKS done).
OVERLOAD_SHARE = 0.5
FATIGUE_TASKS = 10
#: Advice items shown.
TOP = 3


def describe(action: str, role: str, lang: str = "en",
             names: dict[str, dict[str, str]] | None = None) -> str:
    """An obligation in plain words; ``role`` is the role the obligation is on.

    For ``notify`` the role is the one that must be told; for ``route`` the one the matter
    must reach; for everything else the one that does it (docs/rulebook.md).
    """
    if lang.split("_")[0] == "en":  # ids as written: what English reports have always said
        if action == "notify":
            return f"telling {role}"
        if action == "route":
            return f"routing to {role}"
        if action == "acknowledge":
            return f"the acknowledgement by {role}"
        return f"the {action.replace('_', ' ')} by {role}"
    who = display_name(role, lang, names)
    if action == "acknowledge":
        return t(lang, "the acknowledgement by {role}", role=who)
    if action == "notify":
        return t(lang, "telling {role}", role=who)
    if action == "route":
        return t(lang, "routing to {role}", role=who)
    return t(lang, "the {action} by {role}", action=display_name(action, lang), role=who)


def plain(action: str, role: str, lang: str = "en",
          names: dict[str, dict[str, str]] | None = None) -> str:
    """An obligation as a table cell: ``tell comms_lead``, ``route to spokesperson``,
    ``holding statement by comms_lead`` (in another language, its display names)."""
    if lang.split("_")[0] != "en":
        who = display_name(role, lang, names)
        if action == "notify":
            return t(lang, "tell {role}", role=who)
        if action == "route":
            return t(lang, "route to {role}", role=who)
        return t(lang, "{action} by {role}", action=display_name(action, lang), role=who)
    if action == "notify":
        return f"tell {role}"
    if action == "route":
        return f"route to {role}"
    return f"{action.replace('_', ' ')} by {role}"


def _lateness(minutes: float) -> float:
    """0.25 for a minute late, 1 from two hours late: how bad a late finding is."""
    return min(1.0, 0.25 + max(0.0, minutes) / 160.0)


def improvements(items: list[ScoredObligation], violations: list[tuple[int, Record]],
                 misfits: list[tuple[int, Record]], mixed: bool, start: float,
                 rulebook: Rulebook, firings: dict[str, int], lang: str = "en"
                 ) -> list[dict[str, Any]]:
    """The findings that matter most, in plain language (the drill's), each pointing at a
    log line."""
    # (consequence, points lost, line, group key, item)
    found: list[tuple[float, float, int, tuple[str, ...], dict[str, Any]]] = []
    n = max(1, len(items))
    weights = rulebook.weights

    names = rulebook.role_names()

    def when(moment: float) -> str:
        return week_time(clock(start, moment), lang)

    def shown(action: str) -> str:
        return display_name(action, lang) if lang.split("_")[0] != "en" else \
            action.replace("_", " ")

    def who(role: str) -> str:
        return display_name(role, lang, names) if lang.split("_")[0] != "en" else role

    def add(consequence: float, points: float, line: int, key: tuple[str, ...], text: str,
            t: Any) -> None:
        found.append((consequence, points, line, key,
                      {"text": text[:1].upper() + text[1:], "t": t, "line": line}))

    for ob in items:
        what = describe(ob.action, ob.role, lang, names)
        # A journalist or a regulator nobody answers goes public too.
        tier = TIER["statement"] if ob.action in STATEMENT_ACTIONS else \
            TIER["press"] if ob.action == "route" else TIER["task"]
        if ob.status == "missed":
            why = f" ({say_reason(ob.reasons[-1], lang, names)})" if ob.reasons else ""
            if ob.reasons and ob.reasons[-1].startswith("an update waits for the first"):
                text = t(lang, "The update due {due} (rule {rule}) never went out: no first "
                            "public statement came before it. Get the holding statement out "
                            "first; the updates follow it.", due=when(ob.due), rule=ob.rule)
            elif ob.skipped:
                text = t(lang, "The {action} due {due} (rule {rule}) was skipped{why}. Keep the "
                            "rhythm of updates: silence lets the story grow.",
                            action=shown(ob.action), due=when(ob.due), rule=ob.rule, why=why)
            else:
                text = t(lang, "Nobody did {what}, due {due} (rule {rule}){why}. Make sure the "
                            "role and its backups are staffed or on call at that hour.",
                            what=what, due=when(ob.due), rule=ob.rule, why=why)
            add(tier * ob.weight, 100 * (weights.timeliness + weights.adherence) / n, ob.line,
                ("missed", ob.rule, ob.action), text, ob.due)
        elif ob.status == "late":
            minutes = (ob.done or 0) - ob.due
            hint = ""
            if ob.escalations:
                hint = t(lang, " It was escalated {count} time(s) first - {reason}.",
                            count=ob.escalations,
                            reason=say_reason(ob.reasons[0], lang, names) if ob.reasons else
                            t(lang, "no acknowledgement in time"))
            text = t(lang, "{what} (rule {rule}) came {minutes} min late: due {due}, done {done} "
                        "by {by}.{hint}", what=what[0].upper() + what[1:], rule=ob.rule,
                        minutes=f"{minutes:.0f}", due=when(ob.due), done=when(ob.done or 0),
                        by=ob.by, hint=hint)
            add(tier * ob.weight * _lateness(minutes),
                100 * weights.timeliness * (1 - rulebook.late_credit) / n,
                ob.done_line or ob.line, ("late", ob.rule, ob.action), text, ob.done)
        for approver, state in ob.approvals.items():
            if state != "approved":
                given = ob.approval_reasons.get(approver)
                if given:
                    reason = say_reason(given, lang, names)
                elif state == "skipped":
                    reason = t(lang, "skipped")
                else:
                    reason = t(lang, "no {approver} approved in time", approver=who(approver))
                if state == "skipped":
                    fix = t(lang, "Wait for {approver}, or agree pre-approved wording.",
                               approver=who(approver))
                elif given is None or given.startswith("no "):
                    fix = t(lang, "Put {approver} on call, or agree pre-approved wording.",
                               approver=who(approver))
                else:  # reachable, but slow: the log says who and when
                    fix = t(lang, "Agree how fast {approver} answers in a crisis, or pre-approve "
                               "holding-statement wording.", approver=who(approver))
                text = t(lang, "The {action} at {at} went out without {approver}'s approval "
                            "({reason}). {fix}", action=shown(ob.action),
                            at=when(ob.done or ob.due), approver=who(approver), reason=reason,
                            fix=fix)
                add(TIER["approval"] * ob.weight, 100 * weights.adherence / n, ob.line,
                    ("approval", approver), text, ob.done)
        share = missing_share(ob)
        if share:
            missing = sorted(set(ob.channels) - set(ob.published or []))
            text = t(lang, "The {action} at {at} did not reach {channels}: a statement must "
                        "reach every active channel, in the same words.",
                        action=shown(ob.action), at=when(ob.done or 0),
                        channels=", ".join(missing))
            add(TIER["channels"] * share, weights.conduct * CHANNEL_PENALTY * share,
                ob.done_line or ob.line, ("channels", ob.action), text, ob.done)
    for line, record in violations:
        forbid = next((f for f in rulebook.forbid if f.id == record.get("rule")), None)
        reason = forbid.reason_in(lang) if forbid else str(record.get("reason", ""))
        text = t(lang, "{member} did '{action}' at {at}: {reason}", member=record.get("member"),
                    action=shown(str(record.get("action"))), at=when(record["t"]),
                    reason=reason)
        add(TIER["violation"], weights.conduct * VIOLATION_PENALTY, line,
            ("violation", str(record.get("rule"))), text, record["t"])
    seen_misfit: set[str] = set()
    for line, record in misfits:
        action = str(record.get("action"))
        if action in seen_misfit:
            continue
        seen_misfit.add(action)
        text = t(lang, "'{action}' at {at} does not fit the crisis cluster's strategy (SCCT); "
                    "use the rulebook's strategies for this cluster.", action=shown(action),
                    at=when(record["t"]))
        add(TIER["misfit"], weights.conduct * MISFIT_PENALTY, line, ("misfit", action), text,
            record["t"])
    if mixed:
        line, record = misfits[0] if misfits else (0, {"t": 0})
        add(TIER["mixed"], weights.conduct * MIXED_DENY_PENALTY, line, ("mixed",),
            t(lang, "Denial was mixed with diminish or rebuild statements: pick one line (SCCT: "
                 "never mix deny with diminish or rebuild)."), record.get("t"))
    _fatigue(items, firings, add, lang)
    return _rank(found, lang)


def _fatigue(items: list[ScoredObligation], firings: dict[str, int], add: Any,
             lang: str = "en") -> None:
    """Alert fatigue: a rule that fires over and over, or one person doing most of the work."""
    first_line = {ob.rule: ob.line for ob in reversed(items)}
    for rule, count in sorted(firings.items()):
        if count > FATIGUE_FIRINGS:
            add(TIER["fatigue"] * min(2.0, count / (2 * FATIGUE_FIRINGS)), 0.0,
                first_line.get(rule, 0), ("fatigue", rule),
                t(lang, "Rule {rule} fired {count} times in one drill: alert fatigue. Raise "
                  "its threshold, add once_within, or merge it with a rule that covers the "
                  "same signal.", rule=rule, count=count), None)
    done = [ob for ob in items if ob.done is not None and ob.by]
    if len(done) >= FATIGUE_TASKS:
        per_member: dict[str, list[ScoredObligation]] = defaultdict(list)
        for ob in done:
            per_member[str(ob.by)].append(ob)
        member, theirs = max(sorted(per_member.items()), key=lambda kv: len(kv[1]))
        if len(theirs) > OVERLOAD_SHARE * len(done):
            roles = sorted({ob.acting_role or ob.role for ob in theirs})
            add(TIER["fatigue"] * len(theirs) / len(done), 0.0, theirs[0].line,
                ("overload", member),
                t(lang, "{member} ({roles}) did {count} of {total} tasks: one person carries "
                  "the drill. Spread the work over more people, or give the roles that "
                  "escalate to them a staffed backup.", member=member,
                  roles=", ".join(roles), count=len(theirs), total=len(done)), theirs[0].done)


def _rank(found: list[tuple[float, float, int, tuple[str, ...], dict[str, Any]]],
          lang: str = "en") -> list[dict[str, Any]]:
    groups: dict[tuple[str, ...], list[tuple[float, float, int, dict[str, Any]]]] = \
        defaultdict(list)
    for consequence, points, line, key, item in found:
        groups[key].append((consequence, points, line, item))

    def rank(group: list[tuple[float, float, int, dict[str, Any]]]) -> float:
        return max(g[0] for g in group) * (1 + 0.25 * math.log2(len(group)))

    ranked = sorted(groups.values(), key=lambda g: (-rank(g), min(x[2] for x in g)))
    result = []
    for group in ranked[:TOP]:
        worst = max(group, key=lambda x: (x[0], -x[2]))
        item = dict(worst[3])
        if len(group) > 1:
            item["text"] += t(lang, " ({count} more like it.)", count=len(group) - 1)
        item["points"] = round(sum(x[1] for x in group), 1)
        item["consequence"] = round(rank(group), 2)
        result.append(item)
    return result
