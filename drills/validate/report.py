"""Validation results as text tables or Markdown (tabulate's ``github`` format)."""

from __future__ import annotations

from typing import Any

from tabulate import tabulate


def coverage_text(doc: dict[str, Any], fmt: str = "simple") -> str:
    rows = []
    for rule, info in doc["rules"].items():
        dead = [b["branch"] for b in info["branches"] if not b["decisive"]]
        rows.append([rule, info["firings"], info["drills"], ", ".join(info["scenarios"]),
                     "; ".join(dead) or "-"])
    lines = [f"Rules fired: {doc['coverage']:g}% over {doc['drills']} drills; branches ever "
             f"decisive: {doc['branches']['decisive']} of {doc['branches']['total']}", "",
             tabulate(rows, headers=["rule", "firings", "drills", "scenarios",
                                     "branches never decisive"], tablefmt=fmt), ""]
    for key, label in (("never_fired", "Rules that never fired"),
                       ("severity_never_reached", "Severity levels never reached"),
                       ("roles_without_work", "Roles that never got work"),
                       ("forbid_never_triggered", "Forbid entries never triggered")):
        items = doc[key]
        lines.append(f"{label}: {', '.join(items) if items else 'none'}")
    return "\n".join(lines)


def readable(value: float, signed: bool = False) -> str:
    """A number a reviewer reads at a glance: no exponents, thousands separated."""
    sign = "+" if signed else ""
    size = abs(value)
    if size < 0.0005:
        return "0"
    if size >= 100 or value == int(value):
        return f"{value:{sign},.0f}"
    return f"{value:{sign}.{3 if size < 1 else 2 if size < 10 else 1}f}"


def _p(value: float) -> str:
    return "p<0.001" if value < 0.001 else f"p={value:.3f}"


def _verdict_cell(m: dict[str, Any], markdown: bool) -> str:
    verdict = m["verdict"]
    claim = "equivalent" if verdict == "equivalent" else verdict
    text = verdict if verdict == "inconclusive" else f"{verdict} ({_p(m['p'][claim])})"
    return f"**{text}**" if markdown and verdict == "worse" else text


def verdict_line(doc: dict[str, Any], max_pages: float | None = None) -> str:
    """The comparison's conclusion in one sentence: what a reviewer reads first."""
    old, new = _given(doc, "old"), _given(doc, "new")
    outcome = doc["verdict"]
    pages = over_pages(doc, max_pages)
    if outcome["worse"]:
        head = f"FAIL: {new} is worse than {old} on {', '.join(outcome['worse'])}"
    elif pages:
        head = f"FAIL: {new} pages {', '.join(pages)} more than {max_pages:g} times a drill"
    elif len(outcome["equivalent"]) == len(doc["primary"]):
        head = f"PASS: {new} is equivalent to {old} on every primary metric"
    else:
        def shown(name: str) -> str:
            m = doc["metrics"][name]
            bad = m["delta"] if m["higher_is_worse"] else -m["delta"]
            leans = m["verdict"] == "inconclusive" and bad > m["margin"]
            return f"{name} (leans worse)" if leans else name

        parts = [f"{v} on {', '.join(shown(n) for n in outcome[v])}"
                 for v in ("better", "equivalent", "inconclusive") if outcome[v]]
        head = f"PASS: {new} is not worse than {old} on any primary metric ({'; '.join(parts)})"
        if outcome["inconclusive"]:
            head += "; more seeds would decide the inconclusive ones"
    return head


def over_pages(doc: dict[str, Any], max_pages: float | None) -> list[str]:
    """Roles NEW pages more than ``max_pages`` times a drill on average."""
    if max_pages is None:
        return []
    return [role for role, v in doc["alert_load_by_role"].items() if v["new"] > max_pages]


def _given(doc: dict[str, Any], side: str) -> str:
    return str(doc[side].get("given") or doc[side]["rulebook"])


def _metric_rows(doc: dict[str, Any], independent: bool, markdown: bool) -> list[list[str]]:
    rows = []
    for name, m in doc["metrics"].items():
        if m["independent"] is not independent:
            continue
        label = f"`{name}`" if markdown else name
        rows.append([label, m["unit"], readable(m["old"]), readable(m["new"]),
                     readable(m["delta"], True),
                     f"{readable(m['ci'][0], True)} to {readable(m['ci'][1], True)}",
                     f"±{readable(m['margin'])}", _verdict_cell(m, markdown)])
    return rows


_HEADERS = ["metric", "unit", "old", "new", "change", "95% interval", "margin", "verdict"]


def compare_text(doc: dict[str, Any], fmt: str = "simple",
                 max_pages: float | None = None) -> str:
    """The comparison, verdict first: a PR comment in Markdown (``github``) or a table."""
    md = fmt == "github"
    old, new = _given(doc, "old"), _given(doc, "new")
    run = doc.get("run") or {}

    def heading(text: str, level: int = 3) -> str:
        return f"{'#' * level} {text}" if md else f"{text}\n{'-' * len(text)}"

    def code(text: str) -> str:
        return f"`{text}`" if md else text

    def table(rows: list[list[Any]], headers: list[str]) -> str:
        return tabulate(rows, headers=headers, tablefmt=fmt, disable_numparse=True)

    line = verdict_line(doc, max_pages)
    lines = [f"**{line}**" if md else line, "",
             heading(f"Rulebook comparison: {code(old)} → {code(new)}", 2), "",
             f"{doc['pairs']} paired drills (same scenario, team and seed under both "
             "rulebooks).", "",
             heading("Outcome: what the public saw (primary, gated)"),
             table(_metric_rows(doc, True, md), _HEADERS), "",
             doc["decision_rule"], ""]
    load = doc.get("alert_load_by_role") or {}
    if load:
        rows = [[code(role), readable(v["old"]), readable(v["new"]),
                 readable(v["new"] - v["old"], True)] for role, v in load.items()]
        lines += [heading("Pages per role (obligations and pages per drill)"),
                  table(rows, ["role", "old", "new", "change"]), ""]
    lines += [heading("Relative to each rulebook's own protocol, and cost (not gated)"),
              "A score measures adherence to its own rulebook, so a rulebook that demands "
              "less scores higher against itself; these are context, not evidence.", "",
              table(_metric_rows(doc, False, md), _HEADERS), ""]
    for key, label in (("by_scenario", "scenario"), ("by_team", "team")):
        groups = doc.get(key) or {}
        if len(groups) < 2:
            continue
        names = list(next(iter(groups.values())))
        lines += [heading(f"Mean change by {label}"),
                  table([[code(group), *(readable(g[m], True) for m in names)]
                         for group, g in groups.items()],
                        [label, *(f"{m} ({doc['metrics'][m]['unit']})" for m in names)]), ""]
    changed = [[code(rule), v["old"], v["new"]] for rule, v in doc["rules"].items()
               if v["old"] != v["new"]]
    lines += [heading("Rule firings that changed (all drills)"),
              table(changed, ["rule", "old", "new"]) if changed else "(none)"]
    for key, label in (("only_old", "Rules that fire only in old"),
                       ("only_new", "Rules that fire only in new")):
        if doc[key]:
            lines.append(f"{label}: {', '.join(code(r) for r in doc[key])}")
    if run:
        lines += ["", heading("Run"),
                  f"- seeds: 1–{run['seeds']}", f"- scenarios: {', '.join(run['scenarios'])}",
                  f"- teams: {', '.join(run['teams'])}", f"- start: {run['start']}",
                  f"- old: {code(old)} ({doc['old']['rulebook']} v{doc['old']['version']}); "
                  f"new: {code(new)} ({doc['new']['rulebook']} v{doc['new']['version']})"]
    return "\n".join(lines)


def sweep_text(doc: dict[str, Any], fmt: str = "simple") -> str:
    """One row per combination, one column per outcome: p [low-high]."""
    names = list(doc["outcomes"])
    parameters = list(doc["combinations"][0]["parameters"]) if doc["combinations"] else []
    rows = []
    for combo in doc["combinations"]:
        cells = [combo["parameters"][p] for p in parameters]
        for name in names:
            o = combo["outcomes"][name]
            cells.append("-" if o["p"] is None else
                         f"{o['p']:.2f} [{o['ci'][0]:.2f}-{o['ci'][1]:.2f}] n={o['n']}")
        rows.append(cells)
    lines = [f"Team {doc['team']} x rulebook {doc['rulebook']}: "
             f"{doc['combinations'][0]['drills'] if doc['combinations'] else 0} drills per "
             "combination; probabilities with 95% intervals", "",
             tabulate(rows, headers=[*parameters, *names], tablefmt=fmt,
                      disable_numparse=True), ""]
    differences = doc.get("differences") or []
    if differences:
        first = doc["combinations"][0]["parameters"]
        base = ", ".join(f"{k}={v}" for k, v in first.items())
        rows = [[*(d["parameters"][p] for p in parameters),
                 *("-" if d["outcomes"][n]["delta"] is None else
                   f"{d['outcomes'][n]['delta']:+.2f} [{d['outcomes'][n]['ci'][0]:+.2f} to "
                   f"{d['outcomes'][n]['ci'][1]:+.2f}]" for n in names)]
                for d in differences]
        lines += [f"Change against {base} (paired: the same seeds; 95% intervals)",
                  tabulate(rows, headers=[*parameters, *names], tablefmt=fmt,
                           disable_numparse=True), ""]
    lines += [f"{name}: {meaning}" for name, meaning in doc["outcomes"].items()]
    lines += [f"Note: {note}" for note in doc.get("notes", [])]
    return "\n".join(lines)
