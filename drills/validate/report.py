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


def _number(value: float) -> str:
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def compare_text(doc: dict[str, Any], fmt: str = "simple") -> str:
    """The comparison as a table: rulebook-independent metrics first."""
    old, new = doc["old"]["rulebook"], doc["new"]["rulebook"]
    lines = [f"{old} (old) vs {new} (new): {doc['pairs']} paired drills "
             "(same scenario, team and seed)", ""]
    sections = (("Outcome (independent of the rulebook)", True),
                ("Relative to each rulebook's own protocol, and cost", False))
    for title, independent in sections:
        rows = []
        for name, m in doc["metrics"].items():
            if m["independent"] is not independent:
                continue
            verdict = "WORSE" if m["worse"] else ""
            rows.append([name, _number(m["old"]), _number(m["new"]),
                         f"{m['delta']:+,.3g}", f"[{m['ci'][0]:+,.3g}, {m['ci'][1]:+,.3g}]",
                         f"{m['p']:.3g}", verdict])
        lines += [title, tabulate(rows, headers=["metric", "old", "new", "delta", "95% CI",
                                                 "p", ""], tablefmt=fmt,
                                  disable_numparse=True), ""]
    for key, label in (("by_scenario", "scenario"), ("by_team", "team")):
        groups = doc.get(key) or {}
        if len(groups) < 2:
            continue
        # Only metrics whose effect differs in direction between groups.
        metrics = [m for m in next(iter(groups.values()))
                   if len({(g[m] > 0) - (g[m] < 0) for g in groups.values()}) > 1]
        if metrics:
            lines += [f"Where the effect differs by {label} (mean paired difference)",
                      tabulate([[name, *(f"{g[m]:+,.3g}" for m in metrics)]
                                for name, g in groups.items()], headers=[label, *metrics],
                               tablefmt=fmt, disable_numparse=True), ""]
    changed = [[rule, v["old"], v["new"]] for rule, v in doc["rules"].items()
               if v["old"] != v["new"]]
    lines.append("Rule firings that changed")
    lines.append(tabulate(changed, headers=["rule", "old", "new"], tablefmt=fmt)
                 if changed else "(none)")
    for key, label in (("only_old", "Rules that fire only in old"),
                       ("only_new", "Rules that fire only in new")):
        if doc[key]:
            lines.append(f"{label}: {', '.join(doc[key])}")
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
                         f"{o['p']:.2f} [{o['ci'][0]:.2f}-{o['ci'][1]:.2f}]")
        rows.append(cells)
    lines = [f"Team {doc['team']} x rulebook {doc['rulebook']}: "
             f"{doc['combinations'][0]['drills'] if doc['combinations'] else 0} drills per "
             "combination; probabilities with 95% intervals", "",
             tabulate(rows, headers=[*parameters, *names], tablefmt=fmt,
                      disable_numparse=True), ""]
    lines += [f"{name}: {meaning}" for name, meaning in doc["outcomes"].items()]
    return "\n".join(lines)
