"""The after-action report as data: sections, tables and figures, in the drill's language.

Built from the drill log and its score document; renderers (HTML, Markdown) only lay it
out and escape it. Follows HSEEP's AAR/IP: overview, what happened, capability analysis,
response times, conduct, improvement plan.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from drills import __version__
from drills.i18n.catalogue import has_catalogue, t
from drills.i18n.formats import week_time
from drills.i18n.names import language_name
from drills.log.records import Record
from drills.report.catalogue import Words, language_of
from drills.report.evaluation import (
    DUE_DAYS,
    Evaluation,
    evaluation_tables,
    hotwash_table,
    plan_rows,
    words_of,
)
from drills.report.figures import obligations_figure, response_figure, timeline_figure
from drills.report.narrative import narrative
from drills.report.persons import person_sections
from drills.report.timeline import timeline_of
from drills.team.clock import format_start, parse_start

#: Strengths listed per rule before "and N more".
_SHOWN = 3


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Figure:
    name: str
    png: bytes
    caption: str


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[tuple[str, Table]] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)


@dataclass
class Report:
    lang: str
    title: str
    subtitle: str
    overview: list[tuple[str, str]]
    sections: list[Section]
    footer: str


def build_report(numbered: list[tuple[int, Record]], document: dict[str, Any],
                 lang: str | None = None, *, count: int | None = None,
                 evaluation: Evaluation | None = None) -> Report:
    """The report of a drill (``lang``: en or sv; default: the drill's own language).

    ``count`` is how many records the log has when ``numbered`` holds only those a report
    draws (a streamed log leaves its ordinary feed events out). ``evaluation``: what a
    served drill's evaluators and participants said (sections of their own, rows of the
    improvement plan, and an evaluator's M or U rules out P)."""
    if evaluation is not None and document.get("rating"):
        from drills.score.rating import evaluated_rating

        letter = evaluated_rating(document["rating"], evaluation.final().values())
        if letter != document["rating"]:
            document = dict(document, rating=letter)
    records = [record for _line, record in numbered]
    header = records[0]
    words = Words(lang or language_of(header))
    reasons = words.reasons = _reasons(header, words.lang)
    document = dict(document, violations=[
        dict(v, reason=reasons.get(str(v.get("reason") or ""), v.get("reason")))
        for v in document["violations"]])
    start = parse_start(header["start"]) if isinstance(header.get("start"), str) else 0.0

    def clock(t: float) -> str:
        """A drill moment as the report's language writes it (``fre 17.30`` in Swedish)."""
        return week_time(format_start(start + t), words.lang)

    line = timeline_of(records, document)
    by_line = dict(numbered)
    sections = [
        _what_happened(line, document, words, clock, records),
        _capability(document, words, clock),
        *([_objectives(document, words, clock)] if document.get("objectives") else []),
        _response_times(document, words),
        _conduct(document, words, clock),
        *(_evaluation(evaluation, words, clock) if evaluation is not None else []),
        _plan(document, by_line, words, clock, evaluation),
        *person_sections(document, words, clock),
    ]
    title = str(header.get("title") or header.get("scenario") or "")
    footer = words("footer", version=__version__, records=words.count(count or len(records)))
    own = str(header.get("locale") or "en").split("_")[0].lower()
    if lang is None and not has_catalogue(own):  # a French drill: say why it reads English
        footer += " " + t(words.lang, "There is no catalogue for {language} ({code}): the "
                          "report is in English.", language=language_name(own, words.lang),
                          code=own)
    return Report(words.lang, words("title"), words("subtitle", scenario=title,
                                                    start=clock(0.0)),
                  _overview(header, document, line.end, words, clock), sections, footer)


def _reasons(header: Record, lang: str) -> dict[str, str]:
    """The reasons of a built-in rulebook's forbidden conduct, in ``lang``: the log records
    them as the rulebook wrote them (English); the report says them in its language."""
    name = header.get("rulebook")
    if lang == "en" or not isinstance(name, str):
        return {}
    from drills.errors import DrillError
    from drills.inputs.builtins import builtin_names, resolve
    from drills.rulebook.load import load_rulebook

    if name not in builtin_names("rulebook"):
        return {}
    try:
        book = load_rulebook(resolve("rulebook", name))
    except DrillError:
        return {}
    return {forbid.reason: forbid.reason_in(lang) for forbid in book.forbid}


def minutes(value: float) -> str:
    """Minutes as a person reads them: ``23``, or ``0.4`` under one."""
    return f"{value:.1f}" if abs(value) < 1 else f"{value:.0f}"


def _overview(header: Record, document: dict[str, Any], end: float, words: Words,
              clock: Any) -> list[tuple[str, str]]:
    people = document.get("people") or []
    out = document["outcome"]
    calm = out.get("time_to_calm") or []
    calm_text = words("no_escalation") if not calm else ", ".join(
        words("calm_after", hours=c["calm_after"] / 60) if c["calm_after"] is not None
        else words("not_calm") for c in calm)
    sub = document["subscores"]
    return [
        (words("scenario"), f"{header['title']} ({header.get('scenario')})"
         if header.get("title") else str(header.get("scenario") or "-")),
        (words("cluster"), words.cluster(document["strategy"]["cluster"])),
        (words("rulebook"), words("rulebook_version", name=header.get("rulebook"),
                                  version=header.get("rulebook_version", "-"))),
        (words("team"), str(header.get("team") or "-")),
        (words("start"), clock(0.0)),
        (words("duration"), words("hours", hours=round(end / 60, 1))),
        (words("seed"), str(header.get("seed", "-"))),
        (words("people"), ", ".join(people) if people else words("people_none")),
        (words("score"), (words("score_value", score=document["score"],
                                rating=document["rating"],
                                meaning=words.rating(document["rating"]))
                          if document["score"] is not None else words("not_rated"))
         + "; " + words("subscores", **sub)),
        (words("outcome"), words("outcome_value", peak=out.get("peak_mentions_1h") or "-",
                                 severity=words.name(str(out.get("final_severity") or "-")),
                                 calm=calm_text)),
    ]


def _what_happened(line: Any, document: dict[str, Any], words: Words, clock: Any,
                   records: list[Record]) -> Section:
    section = Section(words("timeline"))
    title, headers, rows = narrative(records, words.lang, clock, words.action, words.reason)
    if rows:
        section.tables.append((title, Table(headers, rows)))
    section.figures.append(Figure("timeline", timeline_figure(line, words, clock),
                                  words("timeline_caption")))
    if document["obligations"]:
        section.figures.append(Figure(
            "obligations", obligations_figure(document["obligations"], line.end, words, clock),
            words("obligations_caption")))
    return section


def _capability(document: dict[str, Any], words: Words, clock: Any) -> Section:
    section = Section(words("capability"), paragraphs=[words("capability_intro")])
    per_rule: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ob in document["obligations"]:
        per_rule[ob["rule"]].append(ob)
    rows = []
    for rule in document["rules"]:
        obs = per_rule.get(rule["rule"], [])
        good = [words("met_at", what=words.what(o["action"], o["role"]), when=clock(o["done"]),
                      minutes=words.minutes(o["latency"] or 0))
                for o in obs if o["status"] == "met"]
        if len(good) > _SHOWN:
            good = [*good[:_SHOWN], f"+{len(good) - _SHOWN}"]
        bad = []
        for o in obs:
            what = words.what(o["action"], o["role"])
            if o["status"] == "late":
                bad.append(words("late_at", what=what, minutes=words.minutes(o["done"] - o["due"]),
                                 when=clock(o["done"]), line=o["line"]))
            elif o["status"] == "missed":
                bad.append(words("missed_at", what=what, when=clock(o["due"]), line=o["line"]))
        rows.append([rule["rule"], rule["rating"], "; ".join(good) or words("none"),
                     "; ".join(bad) or words("none")])
    section.tables.append(("", Table([words("rule"), words("rating"), words("strengths"),
                                      words("improve_areas")], rows)))
    return section


def _objectives(document: dict[str, Any], words: Words, clock: Any) -> Section:
    points = document["objectives_points"]
    section = Section(words("objectives"), paragraphs=[words("objectives_intro", **points)])
    section.tables.append(("", Table(
        [words("role"), words("expected"), words("points"), words("status"), words("when"),
         words("who")],
        [[str(o["role"]), str(o["expected"]), f"{o['points']:g}",
          words(f"objective_{o['status']}") + (f" ({o['comment']})" if o.get("comment")
                                                else ""),
          clock(o["when"]) if o["when"] is not None else "-", str(o["by"] or "-")]
         for o in document["objectives"]])))
    return section


def _response_times(document: dict[str, Any], words: Words) -> Section:
    section = Section(words("response_times"), paragraphs=[words("response_caption")])
    by_action = document["response_times"]
    if not by_action:
        section.paragraphs.append(words("nothing_done"))
        return section
    section.figures.append(Figure("response", response_figure(by_action, words), ""))
    headers = [words("count"), words("median"), words("p90"), words("max")]
    section.tables.append((words("by_action"), Table(
        [words("action"), *headers],
        [[words.action(str(r["name"])), str(r["count"]), *_minutes(r, words)]
         for r in by_action])))
    section.tables.append((words("by_role"), Table(
        [words("role"), *headers],
        [[words.role(str(r["name"])), str(r["count"]), *_minutes(r, words)]
         for r in document["response_times_by_role"]])))
    return section


def _minutes(row: dict[str, Any], words: Words) -> list[str]:
    """Median, 90th percentile and maximum, as ``:g`` writes them in the report's language."""
    return [words.short(float(row[k])) for k in ("p50", "p90", "max")]


def _conduct(document: dict[str, Any], words: Words, clock: Any) -> Section:
    section = Section(words("conduct"))
    violations = document["violations"]
    if violations:
        section.tables.append((words("violations"), Table(
            [words("when"), words("rule"), words("action"), words("who"), words("why")],
            [[clock(v["t"]), str(v["rule"]), words.action(str(v["action"])), str(v["member"]),
              str(v["reason"] or "")] for v in violations])))
    else:
        section.paragraphs.append(words("no_violations"))
    gaps = document["updates"].get("silence_gaps") or []
    section.bullets.append(f"{words('silence')}: " + ("; ".join(
        words("silence_gap", start=clock(g["from"]), end=clock(g["to"]),
              hours=g["minutes"] / 60) for g in gaps) if gaps else words("no_silence")))
    channel_gaps = document.get("channel_gaps") or []
    section.bullets.append(f"{words('channels')}: " + ("; ".join(
        words("channel_gap", what=words.action(g["action"]), when=clock(g["t"] or 0),
              channels=", ".join(g["missing"])) for g in channel_gaps)
        if channel_gaps else words("no_channel_gaps")))
    strategy = document["strategy"]
    fit = words("strategy_value", cluster=words.cluster(strategy["cluster"]),
                expected=", ".join(words.name(s) for s in strategy["expected"]),
                used=", ".join(words.name(s) for s in strategy["used"])
                or words("nothing_public"))
    if strategy["misfits"]:
        fit += " " + words("strategy_misfits",
                           misfits=", ".join(words.name(s) for s in strategy["misfits"]))
    if strategy["mixed_deny"]:
        fit += " " + words("strategy_mixed")
    section.bullets.append(f"{words('strategy')}: {fit}")
    if "coaching" in document:
        coaching = document["coaching"]
        section.tables.append((words("coaching"), Table(
            [words("when"), words("who"), words("action"), words("coaching_notes")],
            [[clock(c["t"]), str(c["member"]), words.action(str(c["action"])),
              "; ".join(c["notes"])] for c in coaching])) if coaching else
            (words("coaching"), Table([], [[words("no_coaching")]])))
    return section


def _evaluation(evaluation: Evaluation, words: Words, clock: Any) -> list[Section]:
    title, intro, tables = evaluation_tables(evaluation, words.lang, clock)
    section = Section(title, paragraphs=[intro])
    section.tables.extend((name, Table(headers, rows)) for name, headers, rows in tables)
    wash_title, headers, rows = hotwash_table(evaluation, words.lang)
    wash = Section(wash_title)
    if rows:
        wash.tables.append(("", Table(headers, rows)))
    else:
        wash.paragraphs.append(words_of(words.lang)["no_hotwash"])
    return [section, wash]


def _plan(document: dict[str, Any], by_line: dict[int, Record], words: Words,
          clock: Any, evaluation: Evaluation | None = None) -> Section:
    """One row per kind of finding: issue, corrective action, capability element (HSEEP's
    POETE), responsible role, and a target date: DUE_DAYS after the report is made
    (a served drill's evaluation gives its day; the team moves it as it sees fit)."""
    section = Section(words("plan"))
    rows: list[list[str]] = []
    for o in document.get("objectives") or []:
        if o["status"] in ("partly", "missed"):
            rows.append([words("plan_objective", id=o.get("id", ""), role=words.role(o["role"]),
                               expected=o["expected"],
                               status=words(f"objective_{o['status']}"),
                               comment=f" ({o['comment']})" if o.get("comment") else ""),
                         words("plan_objective_fix", role=words.role(o["role"])),
                         words("el_training"), words.role(str(o["role"])), ""])
    groups: dict[tuple[str, str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for ob in document["obligations"]:
        if ob["status"] in ("missed", "late"):
            groups[(ob["status"], ob["rule"], ob["action"], ob["role"])].append(ob)
    for (status, rule, action, role), obs in sorted(
            groups.items(), key=lambda kv: (kv[0][0] != "missed", kv[1][0]["due"])):
        more = words("plan_more", n=len(obs)) if len(obs) > 1 else ""
        what = words.what(action, role)
        if status == "missed":
            rows.append([words("plan_missed", what=what, when=clock(obs[0]["due"]), rule=rule,
                               more=more), words("plan_missed_fix", role=words.role(role)),
                         words("el_organisation"), words.role(role), ""])
        else:
            worst = max(o["done"] - o["due"] for o in obs)
            rows.append([words("plan_late", what=what, minutes=words.minutes(worst), rule=rule,
                               more=more),
                         words("plan_late_fix", role=words.role(role)), words("el_training"),
                         words.role(role), ""])
    approvals: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ob in document["obligations"]:
        for approver, state in ob["approvals"].items():
            if state != "approved":
                approvals[approver].append(ob)
    for approver, obs in sorted(approvals.items()):
        rows.append([words("plan_approval", what=words.action(obs[0]["action"]),
                           approver=words.role(approver))
                     + (words("plan_more", n=len(obs)) if len(obs) > 1 else ""),
                     words("plan_approval_fix", approver=words.role(approver)),
                     words("el_planning"), words.role(approver), ""])
    seen: set[str] = set()
    for violation in document["violations"]:
        rule = str(violation["rule"])
        if rule in seen:
            continue
        seen.add(rule)
        record = by_line.get(int(violation.get("line") or 0)) or {}
        role = str(record.get("role") or violation.get("member") or "-")
        rows.append([words("plan_violation", who=violation["member"],
                           action=words.action(str(violation["action"])), rule=rule),
                     words("plan_violation_fix", reason=violation["reason"] or ""),
                     words("el_training"), role, ""])
    for gap in document.get("channel_gaps") or []:
        ob = next((o for o in document["obligations"] if o["id"] == gap["id"]), None)
        rows.append([words("plan_channels", what=words.action(gap["action"]),
                           channels=", ".join(gap["missing"])),
                     words("plan_channels_fix"), words("el_equipment"),
                     ob["role"] if ob else "-", ""])
    for action in document["strategy"]["misfits"]:
        rows.append([words("plan_misfit", action=words.action(action)),
                     words("plan_misfit_fix"), words("el_planning"), "-", ""])
    if evaluation is not None:
        rows.extend(plan_rows(evaluation, words.lang, lambda name: words(f"el_{name}")))
        due = ((evaluation.today or datetime.date.today())
               + datetime.timedelta(days=DUE_DAYS)).isoformat()
        rows = [[*row[:4], row[4] or due] for row in rows]
    if rows:
        section.tables.append(("", Table([words("issue"), words("corrective"),
                                          words("element"), words("responsible"),
                                          words("target_date")], rows)))
    else:
        section.paragraphs.append(words("no_plan"))
    return section
