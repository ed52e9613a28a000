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
