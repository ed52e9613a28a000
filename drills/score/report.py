"""The after-action report as text tables (tabulate), from a score document."""

from __future__ import annotations

from typing import Any

from tabulate import tabulate

from drills.score.advice import plain
from drills.team.clock import format_start, parse_start


def _clock(doc: dict[str, Any], t: float | None) -> str:
    if t is None:
        return "-"
    start = doc["drill"].get("start")
    base = parse_start(start) if isinstance(start, str) else 0.0
    return format_start(base + t)


def _count(value: Any) -> str:
    """A count from the end record, which a hand-written log may leave out."""
    return f"{value:,}" if isinstance(value, (int, float)) else "-"


def render_report(doc: dict[str, Any], fmt: str = "simple") -> str:
    drill = doc["drill"]
    sub = doc["subscores"]
    out = doc["outcome"]
    calm = out.get("time_to_calm") or []
    calm_text = "no escalation" if not calm else ", ".join(
        f"episode {c['episode']}: calm after {c['calm_after'] / 60:.1f} h"
        if c["calm_after"] is not None else f"episode {c['episode']}: not calm by the end"
        for c in calm)
    scored_with = doc.get("scored_with") or {}
    lines = [
        f"Drill: {drill['scenario']} x {drill['rulebook']} x {drill['team']}, "
        f"seed {drill['seed']}, start {drill['start']}"
        + (f"; scored with rulebook {scored_with['rulebook']}"
           if scored_with and scored_with.get("rulebook") != drill.get("rulebook") else ""),
        *(f"Warning: {w}" for w in doc.get("warnings") or ()),
        f"Score {doc['score']:.1f} / 100   Rating {doc['rating']} - {doc['rating_meaning']}"
        if doc["score"] is not None else f"Score: {doc['rating_meaning']}",
        *([f"timeliness {sub['timeliness']:.1f} | adherence {sub['adherence']:.1f} | "
           f"conduct {sub['conduct']:.1f}   (weights {doc['weights']['timeliness']:g} / "
           f"{doc['weights']['adherence']:g} / {doc['weights']['conduct']:g})"]
          if doc["score"] is not None else []),
        f"Outcome: peak {_count(out.get('peak_mentions_1h'))} mentions/h | negative reach "
        f"{_count(out.get('negative_reach'))} | final severity "
        f"{out.get('final_severity') if out.get('final_severity') is not None else '-'} | "
        f"{calm_text}",
    ]
    rows = []
    for ob in doc["obligations"]:
        notes = []
        for approver, state in ob["approvals"].items():
            notes.append(f"{approver}: {state}")
        if ob["channels_missing"]:
            notes.append("missing " + ",".join(ob["channels_missing"]))
        if ob["status"] == "missed" and ob["reason"]:
            notes.append(ob["reason"])
        if ob["status"] == "open":
            notes.append("not yet due when the drill ended (not counted)")
        if ob["status"] == "cancelled":
            notes.append("the crisis calmed before it was due (not counted)")
        by = ob["by"] or "-"
        if ob["as_role"] and ob["as_role"] != ob["role"]:
            by += f" (as {ob['as_role']})"
        rows.append([ob["id"], ob["rule"], plain(ob["action"], ob["role"]),
                     _clock(doc, ob["due"]),
                     _clock(doc, ob["done"]), ob["status"],
                     "-" if ob["latency"] is None else f"{ob['latency']:g}m", by,
                     "; ".join(notes)])
    lines += ["", "Obligations"]
    lines.append(tabulate(rows, headers=["id", "rule", "obligation", "due", "done",
                                         "status", "latency", "by", "notes"], tablefmt=fmt)
                 if rows else "(none: no rule demanded anything)")
    lines += ["", "Rules"]
    lines.append(tabulate([[r["rule"], r["obligations"], r["met"], r["late"], r["missed"],
                            r["rating"]] for r in doc["rules"]],
                          headers=["rule", "obligations", "met", "late", "missed", "rating"],
                          tablefmt=fmt) if doc["rules"] else "(no rule fired)")
    lines += ["", "Violations"]
    lines.append(tabulate([[_clock(doc, v["t"]), v["rule"], v["action"], v["member"],
                            v["reason"]] for v in doc["violations"]],
                          headers=["when", "rule", "action", "who", "why it matters"],
                          tablefmt=fmt) if doc["violations"] else "(none)")
    strategy = doc["strategy"]
    lines.append(f"SCCT ({strategy['cluster']}): expected {', '.join(strategy['expected'])}; "
                 f"used {', '.join(strategy['used']) or 'nothing public'}"
                 + (f"; misfits: {', '.join(strategy['misfits'])}" if strategy["misfits"]
                    else "") + ("; deny mixed with diminish/rebuild" if strategy["mixed_deny"]
                                else ""))
    updates = doc["updates"]
    silence = updates.get("silence_gaps") or []
    lines.append(f"Updates: {updates['kept']} kept, {updates['broken']} late or missed; "
                 + ("silence while in crisis: " + ", ".join(
                     f"{_clock(doc, g['from'])}-{_clock(doc, g['to']).split()[1]} "
                     f"({g['minutes'] / 60:.1f} h)" for g in silence)
                    if silence else "no long silence while in crisis"))
    gaps = doc.get("channel_gaps") or []
    if gaps:
        lines.append("Statements missing channels: " + "; ".join(
            f"{g['action']} at {_clock(doc, g['t'])} missed {', '.join(g['missing'])}"
            for g in gaps))
    lines += ["", "Response times (minutes from the obligation arising to done)"]
    times = [[r["name"], r["count"], r["p50"], r["p90"], r["max"]]
             for r in doc["response_times"]]
    lines.append(tabulate(times, headers=["action", "n", "p50", "p90", "max"], tablefmt=fmt)
                 if times else "(nothing was done)")
    by_role = [[r["name"], r["count"], r["p50"], r["p90"], r["max"]]
               for r in doc["response_times_by_role"]]
    if by_role:
        lines.append("")
        lines.append(tabulate(by_role, headers=["role", "n", "p50", "p90", "max"],
                              tablefmt=fmt))
    if doc.get("objectives"):
        points = doc["objectives_points"]
        lines += ["", f"Exercise objectives ({points['earned']:g} of {points['possible']:g} "
                  "points; met counts fully, partly half)"]
        commented = any(o.get("comment") for o in doc["objectives"])
        lines.append(tabulate(
            [[o["id"], o["inject"], o["role"], o["expected"], f"{o['points']:g}", o["status"],
              _clock(doc, o["when"]) if o["when"] is not None else "-", o["by"] or "-",
              *([o.get("comment") or ""] if commented else [])]
             for o in doc["objectives"]],
            headers=["id", "inject", "role", "expected", "points", "status", "when", "by",
                     *(["comment"] if commented else [])],
            tablefmt=fmt))
    if doc.get("people"):
        lines += ["", f"People: {', '.join(doc['people'])}. Coaching on their words (notes, "
                  "not violations)"]
        coaching = doc.get("coaching") or []
        lines += [f"- {_clock(doc, c['t'])} {c['member']}, {c['action']}: "
                  + "; ".join(c["notes"]) for c in coaching] or ["(nothing to note)"]
    for person in doc.get("persons") or ():
        lines += ["", *person_lines(doc, person, fmt)]
    lines += ["", "What to improve (the team)"]
    if doc["improvements"]:
        lines += [f"{i}. {item['text']} [log line {item['line']}]"
                  for i, item in enumerate(doc["improvements"], start=1)]
    else:
        lines.append("Nothing: every obligation met, no violations.")
    return "\n".join(lines)


def person_lines(doc: dict[str, Any], person: dict[str, Any], fmt: str = "simple") -> list[str]:
    """One person's own score: only what they did and did not do (docs/score.md)."""
    score = person.get("score")
    head = (f"Your score, {person['name']} ({', '.join(person['roles'])}): "
            + (f"{score:.1f} / 100   Rating {person['rating']} - {person['rating_meaning']}"
               if score is not None else person["rating_meaning"]))
    lines = [head]
    if person.get("duty") is not None:
        lines.append(f"duty {person['duty']:.1f} (pages, obligations, approvals) x care "
                     f"{person['care']:.2f} (your own violations and words)")
    rows = [[i["kind"], i["id"], i["what"], _clock(doc, i["t"]), i["outcome"],
             "-" if i["minutes"] is None else f"{i['minutes']:g}", i["note"]]
            for i in person.get("items") or ()]
    if rows:
        lines.append(tabulate(rows, headers=["", "id", "what", "asked", "outcome", "min",
                                             "note"], tablefmt=fmt))
    for action in person.get("actions") or ():
        if action.get("text"):
            lines.append(f"- {_clock(doc, action['t'])} {action['action']}: "
                         f"\"{action['text']}\"")
            lines += [f"    coach: {note}" for note in action.get("notes") or ()]
    violations = person.get("violations") or []
    lines.append("Your violations: " + ("none" if not violations else "; ".join(
        f"{v['action']} ({v['reason']})" for v in violations)))
    baseline = person.get("baseline")
    if baseline:
        lines.append("Compared with doing nothing (the same drill with nobody in your role): "
                     + baseline_sentence(doc, baseline))
    return lines


def baseline_sentence(doc: dict[str, Any], baseline: dict[str, Any]) -> str:
    """The no-show comparison in one sentence: the first statement, then negative reach."""
    parts = []
    yours, theirs = baseline.get("your_statement_t"), baseline.get("statement_t")
    earlier = baseline.get("statement_minutes_earlier")
    action = str(baseline.get("statement_action") or "statement").replace("_", " ")
    if yours is not None and earlier is not None:
        when = "the same minute as" if abs(earlier) < 0.5 else \
            f"{abs(earlier):.0f} minutes {'before' if earlier > 0 else 'after'}"
        parts.append(f"your statement went out at {_clock(doc, yours)}, {when} the "
                     f"{action} {baseline.get('statement_by')} would have made")
    elif yours is not None:
        parts.append(f"your statement went out at {_clock(doc, yours)}; without you no "
                     "statement would have gone out")
    elif theirs is not None:
        parts.append(f"you made no statement; {baseline.get('statement_by')} would have "
                     f"made a {action} at {_clock(doc, theirs)}")
    else:
        parts.append("no statement went out, with you or without")
    change = baseline.get("negative_reach_change_pct")
    if change is not None:
        parts.append("negative reach the same" if abs(change) < 0.5 else
                     f"negative reach {abs(change):.0f}% {'lower' if change < 0 else 'higher'}"
                     f" ({_count(baseline.get('your_negative_reach'))} against "
                     f"{_count(baseline.get('negative_reach'))})")
    return "; ".join(parts)
