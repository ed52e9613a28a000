"""The after-action report as text tables (tabulate), from a score document."""

from __future__ import annotations

from functools import partial
from typing import Any

from tabulate import tabulate

from drills.i18n.catalogue import N_, t
from drills.i18n.formats import count, decimal, week_time
from drills.i18n.names import display_name
from drills.i18n.reasons import say_reason
from drills.score.advice import plain
from drills.team.clock import format_start, parse_start


def _clock(doc: dict[str, Any], moment: float | None, lang: str = "en") -> str:
    if moment is None:
        return "-"
    start = doc["drill"].get("start")
    base = parse_start(start) if isinstance(start, str) else 0.0
    return week_time(format_start(base + moment), lang)


def _count(value: Any, lang: str = "en") -> str:
    """A count from the end record, which a hand-written log may leave out."""
    if not isinstance(value, (int, float)):
        return "-"
    return f"{value:,}" if _english(lang) else count(int(value), lang)


#: The status words of a score document, said through the catalogue.
_WORDS = frozenset({
    N_("approved"), N_("missing"), N_("skipped"), N_("met"), N_("late"), N_("missed"),
    N_("open"), N_("cancelled"), N_("partly"), N_("unvalidated"), N_("page"),
    N_("obligation"), N_("approval"), N_("proactive"), N_("in time"), N_("not answered"),
    N_("open at the end"), N_("overdue at the end"), N_("not given"),
    N_("published without approval"), N_("before anyone asked"),
})


def meaning_in(meaning: str, lang: str) -> str:
    """A rating's meaning (as the document says it, in English) in ``lang``."""
    if _english(lang):
        return meaning
    if meaning.startswith("not rated"):
        return t(lang, "not rated")
    return t(lang, meaning) if meaning in _MEANINGS else meaning


_MEANINGS = frozenset({
    N_("performed without challenges"), N_("performed with some challenges"),
    N_("performed with major challenges"), N_("unable to be performed"),
    N_("did not take part"),
})


def render_report(doc: dict[str, Any], fmt: str = "simple", lang: str | None = None) -> str:
    """The report as text, in ``lang`` (default: the drill's own language)."""
    lang = lang or language_of_document(doc)
    w = partial(t, lang)
    drill = doc["drill"]
    sub = doc["subscores"]
    out = doc["outcome"]
    calm = out.get("time_to_calm") or []
    calm_text = w("no escalation") if not calm else ", ".join(
        w("episode {n}: calm after {hours} h", n=c["episode"],
          hours=_num(c["calm_after"] / 60, lang))
        if c["calm_after"] is not None else w("episode {n}: not calm by the end",
                                              n=c["episode"])
        for c in calm)
    scored_with = doc.get("scored_with") or {}
    severity = out.get("final_severity")
    lines = [
        w("Drill: {scenario} x {rulebook} x {team}, seed {seed}, start {start}",
          scenario=drill["scenario"], rulebook=drill["rulebook"], team=drill["team"],
          seed=drill["seed"], start=_week(drill["start"], lang))
        + (w("; scored with rulebook {rulebook}", rulebook=scored_with["rulebook"])
           if scored_with and scored_with.get("rulebook") != drill.get("rulebook") else ""),
        *(w("Warning: {warning}", warning=warning) for warning in doc.get("warnings") or ()),
        w("Score {score} / 100   Rating {rating} - {meaning}", score=_num(doc["score"], lang),
          rating=doc["rating"], meaning=meaning_in(doc["rating_meaning"], lang))
        if doc["score"] is not None else w("Score: {meaning}",
                                           meaning=meaning_in(doc["rating_meaning"], lang)),
        *([w("timeliness {timeliness} | adherence {adherence} | conduct {conduct}   (weights "
             "{a} / {b} / {c})", timeliness=_num(sub["timeliness"], lang),
             adherence=_num(sub["adherence"], lang), conduct=_num(sub["conduct"], lang),
             a=_g(doc["weights"]["timeliness"], lang), b=_g(doc["weights"]["adherence"], lang),
             c=_g(doc["weights"]["conduct"], lang))]
          if doc["score"] is not None else []),
        w("Outcome: peak {peak} mentions/h | negative reach {reach} | final severity "
          "{severity} | {calm}", peak=_count(out.get("peak_mentions_1h"), lang),
          reach=_count(out.get("negative_reach"), lang),
          severity=_shown(severity, lang) if severity is not None else "-", calm=calm_text),
    ]
    rows = []
    for ob in doc["obligations"]:
        notes = []
        for approver, state in ob["approvals"].items():
            notes.append(f"{_shown(approver, lang)}: {_word(state, lang)}")
        if ob.get("rounds", 1) > 1:
            notes.append(w("{rounds} rounds ({rejections})", rounds=ob["rounds"],
                           rejections="; ".join(ob.get("rejections") or ())))
        notes += ob.get("skipped_by") or []
        if ob["channels_missing"]:
            notes.append(w("missing {channels}", channels=",".join(ob["channels_missing"])))
        if ob["status"] == "missed" and ob["reason"]:
            notes.append(say_reason(ob["reason"], lang))
        if ob["status"] == "open":
            notes.append(w("not yet due when the drill ended (not counted)"))
        if ob["status"] == "cancelled":
            notes.append(w("the crisis calmed before it was due (not counted)"))
        by = ob["by"] or "-"
        if ob["as_role"] and ob["as_role"] != ob["role"]:
            by += w(" (as {role})", role=_shown(ob["as_role"], lang))
        rows.append([ob["id"], ob["rule"], plain(ob["action"], ob["role"], lang),
                     _clock(doc, ob["due"], lang),
                     _clock(doc, ob["done"], lang), _word(ob["status"], lang),
                     "-" if ob["latency"] is None else f"{_g(ob['latency'], lang)}m", by,
                     "; ".join(notes)])
    lines += ["", w("Obligations")]
    lines.append(tabulate(rows, headers=[w("id"), w("rule"), w("obligation"), w("due"),
                                         w("done"), w("status"), w("latency"), w("by"),
                                         w("notes")], tablefmt=fmt)
                 if rows else w("(none: no rule demanded anything)"))
    lines += ["", w("Rules")]
    lines.append(tabulate([[r["rule"], r["obligations"], r["met"], r["late"], r["missed"],
                            r["rating"]] for r in doc["rules"]],
                          headers=[w("rule"), w("obligations"), w("met"), w("late"),
                                   w("missed"), w("rating")],
                          tablefmt=fmt) if doc["rules"] else w("(no rule fired)"))
    lines += ["", w("Violations")]
    lines.append(tabulate([[_clock(doc, v["t"], lang), v["rule"], _shown(v["action"], lang),
                            v["member"], v["reason"]] for v in doc["violations"]],
                          headers=[w("when"), w("rule"), w("action"), w("who"),
                                   w("why it matters")],
                          tablefmt=fmt) if doc["violations"] else w("(none)"))
    strategy = doc["strategy"]
    lines.append(w("SCCT ({cluster}): expected {expected}; used {used}",
                   cluster=_shown(strategy["cluster"], lang),
                   expected=", ".join(_shown(s, lang) for s in strategy["expected"]),
                   used=", ".join(_shown(s, lang) for s in strategy["used"])
                   or w("nothing public"))
                 + (w("; misfits: {misfits}", misfits=", ".join(
                     _shown(s, lang) for s in strategy["misfits"]))
                    if strategy["misfits"] else "")
                 + (w("; deny mixed with diminish/rebuild") if strategy["mixed_deny"] else ""))
    updates = doc["updates"]
    silence = updates.get("silence_gaps") or []
    lines.append(w("Updates: {kept} kept, {broken} late or missed; ", kept=updates["kept"],
                   broken=updates["broken"])
                 + (w("silence while in crisis: {gaps}", gaps=", ".join(
                     f"{_clock(doc, g['from'], lang)}-{_clock(doc, g['to'], lang).split()[1]} "
                     f"({_num(g['minutes'] / 60, lang)} h)" for g in silence))
                    if silence else w("no long silence while in crisis")))
    gaps = doc.get("channel_gaps") or []
    if gaps:
        lines.append(w("Statements missing channels: {gaps}", gaps="; ".join(
            w("{action} at {at} missed {channels}", action=_shown(g["action"], lang),
              at=_clock(doc, g["t"], lang), channels=", ".join(g["missing"]))
            for g in gaps)))
    lines += ["", w("Response times (minutes from the obligation arising to done)")]
    times = [[_shown(r["name"], lang), r["count"], r["p50"], r["p90"], r["max"]]
             for r in doc["response_times"]]
    lines.append(tabulate(times, headers=[w("action"), "n", "p50", "p90", "max"], tablefmt=fmt)
                 if times else w("(nothing was done)"))
    by_role = [[_shown(r["name"], lang), r["count"], r["p50"], r["p90"], r["max"]]
               for r in doc["response_times_by_role"]]
    if by_role:
        lines.append("")
        lines.append(tabulate(by_role, headers=[w("role"), "n", "p50", "p90", "max"],
                              tablefmt=fmt))
    if doc.get("objectives"):
        points = doc["objectives_points"]
        lines += ["", w("Exercise objectives ({earned} of {possible} points; met counts fully, "
                        "partly half)", earned=_g(points["earned"], lang),
                        possible=_g(points["possible"], lang))]
        commented = any(o.get("comment") for o in doc["objectives"])
        lines.append(tabulate(
            [[o["id"], o["inject"], _shown(o["role"], lang), o["expected"],
              _g(o["points"], lang), _word(o["status"], lang),
              _clock(doc, o["when"], lang) if o["when"] is not None else "-", o["by"] or "-",
              *([o.get("comment") or ""] if commented else [])]
             for o in doc["objectives"]],
            headers=[w("id"), w("inject"), w("role"), w("expected"), w("points"), w("status"),
                     w("when"), w("by"), *([w("comment")] if commented else [])],
            tablefmt=fmt))
    if doc.get("people"):
        lines += ["", w("People: {people}. Coaching on their words (notes, not violations)",
                        people=", ".join(doc["people"]))]
        coaching = doc.get("coaching") or []
        lines += [f"- {_clock(doc, c['t'], lang)} {c['member']}, {_shown(c['action'], lang)}: "
                  + "; ".join(c["notes"]) for c in coaching] or [w("(nothing to note)")]
    for person in doc.get("persons") or ():
        lines += ["", *person_lines(doc, person, fmt, lang)]
    lines += ["", w("What to improve (the team)")]
    if doc["improvements"]:
        lines += [w("{n}. {text} [log line {line}]", n=i, text=item["text"], line=item["line"])
                  for i, item in enumerate(doc["improvements"], start=1)]
    else:
        lines.append(w("Nothing: every obligation met, no violations."))
    return "\n".join(lines)


def person_lines(doc: dict[str, Any], person: dict[str, Any], fmt: str = "simple",
                 lang: str | None = None) -> list[str]:
    """One person's own score: only what they did and did not do (docs/score.md)."""
    lang = lang or language_of_document(doc)
    w = partial(t, lang)
    score = person.get("score")
    roles = ", ".join(_shown(r, lang) for r in person["roles"])
    meaning = meaning_in(person["rating_meaning"], lang)
    head = (w("Your score, {name} ({roles}): ", name=person["name"], roles=roles)
            + (w("{score} / 100   Rating {rating} - {meaning}", score=_num(score, lang),
                 rating=person["rating"], meaning=meaning)
               if score is not None else meaning))
    lines = [head]
    if person.get("duty") is not None:
        lines.append(w("duty {duty} (pages, obligations, approvals) x care {care} (your own "
                       "violations and words)", duty=_num(person["duty"], lang),
                       care=_num(person["care"], lang, 2)))
    rows = [[_word(i["kind"], lang), i["id"], _shown(i["what"], lang),
             _clock(doc, i["t"], lang), _outcome(i["outcome"], lang),
             "-" if i["minutes"] is None else _g(i["minutes"], lang), i["note"]]
            for i in person.get("items") or ()]
    if rows:
        lines.append(tabulate(rows, headers=["", w("id"), w("what"), w("asked"), w("outcome"),
                                             w("min"), w("note")], tablefmt=fmt))
    for action in person.get("actions") or ():
        if action.get("text"):
            lines.append(f"- {_clock(doc, action['t'], lang)} "
                         f"{_shown(action['action'], lang)}: \"{action['text']}\"")
            lines += [w("    coach: {note}", note=note) for note in action.get("notes") or ()]
    violations = person.get("violations") or []
    lines.append(w("Your violations: {list}", list=w("none") if not violations else "; ".join(
        f"{_shown(v['action'], lang)} ({v['reason']})" for v in violations)))
    baseline = person.get("baseline")
    if baseline:
        lines.append(w("Compared with doing nothing (the same drill with nobody in your role): "
                       "{comparison}", comparison=baseline_sentence(doc, baseline, lang)))
    return lines


def baseline_sentence(doc: dict[str, Any], baseline: dict[str, Any],
                      lang: str | None = None) -> str:
    """The no-show comparison in one sentence: the first statement, then negative reach."""
    lang = lang or language_of_document(doc)
    w = partial(t, lang)
    parts = []
    yours, theirs = baseline.get("your_statement_t"), baseline.get("statement_t")
    earlier = baseline.get("statement_minutes_earlier")
    action = _shown(str(baseline.get("statement_action") or "statement"), lang).replace("_", " ")
    by = baseline.get("statement_by")
    if yours is not None and earlier is not None:
        if abs(earlier) < 0.5:
            parts.append(w("your statement went out at {at}, the same minute as the {action} "
                           "{by} would have made", at=_clock(doc, yours, lang), action=action,
                           by=by))
        elif earlier > 0:
            parts.append(w("your statement went out at {at}, {minutes} minutes before the "
                           "{action} {by} would have made", at=_clock(doc, yours, lang),
                           minutes=f"{abs(earlier):.0f}", action=action, by=by))
        else:
            parts.append(w("your statement went out at {at}, {minutes} minutes after the "
                           "{action} {by} would have made", at=_clock(doc, yours, lang),
                           minutes=f"{abs(earlier):.0f}", action=action, by=by))
    elif yours is not None:
        parts.append(w("your statement went out at {at}; without you no statement would "
                       "have gone out", at=_clock(doc, yours, lang)))
    elif theirs is not None:
        parts.append(w("you made no statement; {by} would have made a {action} at {at}",
                       by=by, action=action, at=_clock(doc, theirs, lang)))
    else:
        parts.append(w("no statement went out, with you or without"))
    change = baseline.get("negative_reach_change_pct")
    if change is not None:
        if abs(change) < 0.5:
            parts.append(w("negative reach the same"))
        else:
            values = {"pct": f"{abs(change):.0f}",
                      "yours": _count(baseline.get("your_negative_reach"), lang),
                      "theirs": _count(baseline.get("negative_reach"), lang)}
            parts.append(w("negative reach {pct}% lower ({yours} against {theirs})", **values)
                         if change < 0 else
                         w("negative reach {pct}% higher ({yours} against {theirs})", **values))
    return "; ".join(parts)


def language_of_document(doc: dict[str, Any]) -> str:
    """The language a score document's drill speaks (its locale; English without one)."""
    locale = doc.get("drill", {}).get("locale")
    return locale.split("_")[0] if isinstance(locale, str) and locale else "en"


def _english(lang: str) -> bool:
    return lang.split("_")[0] == "en"


def _num(value: float | None, lang: str, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if _english(lang) else decimal(value, lang, digits)


def _g(value: float, lang: str) -> str:
    """A number as ``:g`` writes it, with the language's decimal sign."""
    text = f"{value:g}"
    return text if _english(lang) else text.replace(".", ",")


def _week(text: Any, lang: str) -> str:
    return week_time(text, lang) if isinstance(text, str) else str(text)


def _shown(name: str | None, lang: str) -> str:
    """An id (role, action, severity, strategy) as the language shows it; English keeps
    the id, as English reports always have."""
    if name is None:
        return "-"
    return name if _english(lang) else display_name(name, lang)


def _word(word: str, lang: str) -> str:
    """A status word of the score document in ``lang``."""
    return t(lang, word) if word in _WORDS else word


def _outcome(outcome: str, lang: str) -> str:
    if outcome.startswith("taken over by "):
        return t(lang, "taken over by {member}", member=outcome[len("taken over by "):])
    return _word(outcome, lang)
