"""What a rulebook exercised over many drills (``drill coverage``), like ``opa test
--coverage``: rules that fired, and where; rules, severity levels, roles and forbid entries
never reached; and for each condition, which ``and``/``or`` branches were ever decisive.

A branch is *decisive* in an evaluation when it alone decided its ``and``/``or``: the only
true branch of a true ``or``, or the only false branch of a false ``and``. A branch never
decisive over the whole sweep is dead weight or an untested path.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from drills.log.records import Record
from drills.rulebook import ast
from drills.rulebook.evaluate import evaluate
from drills.rulebook.model import Rulebook


@dataclass
class DrillCoverage:
    """What one drill exercised: counts only, so it travels cheaply between processes."""

    scenario: str
    firings: dict[str, int] = field(default_factory=dict)
    levels: set[int] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    forbids: set[str] = field(default_factory=set)
    #: (rule id, branch text) pairs that were decisive at least once.
    decisive: set[tuple[str, str]] = field(default_factory=set)


def branches(node: ast.Node) -> list[tuple[ast.Node, ast.Node]]:
    """(and/or node, child) for every branch in a condition, outermost first."""
    found: list[tuple[ast.Node, ast.Node]] = []
    if isinstance(node, (ast.And, ast.Or)):
        for child in node.items:
            found.append((node, child))
            found += branches(child)
    elif isinstance(node, ast.Not):
        found += branches(node.item)
    return found


def _decisive(node: ast.Node, context: dict[str, Any], severities: tuple[str, ...],
              rule: str, out: set[tuple[str, str]]) -> None:
    if isinstance(node, ast.Not):
        _decisive(node.item, context, severities, rule, out)
        return
    if not isinstance(node, (ast.And, ast.Or)):
        return
    values = [evaluate(child, context, severities) for child in node.items]
    wanted = isinstance(node, ast.Or)  # an or is decided by a true child, an and by a false
    deciders = [c for c, v in zip(node.items, values, strict=True) if v is wanted]
    if len(deciders) == 1:
        out.add((rule, ast.render(deciders[0])))
    for child in node.items:
        _decisive(child, context, severities, rule, out)


def drill_coverage(records: list[Record], rulebook: Rulebook) -> DrillCoverage:
    """Coverage of one drill, from its log (a full feed log: events are evaluated too)."""
    header = records[0]
    result = DrillCoverage(str(header.get("scenario")))
    firings: dict[str, int] = defaultdict(int)
    severity = 0
    result.levels.add(0)
    state_rules = [r for r in rulebook.enabled_rules if r.trigger == "state" and
                   branches(r.condition)]
    event_rules = [r for r in rulebook.enabled_rules if r.trigger == "event" and
                   branches(r.condition)]
    signal: dict[str, Any] = {}
    for record in records:
        kind = record["type"]
        if kind == "firing":
            firings[record["rule"]] += 1
        elif kind == "severity":
            severity = int(record["level"])
            result.levels.add(severity)
        elif kind == "obligation" and record.get("status") == "acknowledged":
            result.roles.add(str(record.get("role")))
        elif kind == "violation":
            result.forbids.add(str(record.get("rule")))
        elif kind == "signal":
            signal = {k: v for k, v in record.items() if k not in ("type", "t")}
            context = {"signal": signal, "drill": {"severity": severity, "elapsed": record["t"],
                                                   "cluster": header.get("cluster")}}
            for rule in state_rules:
                _decisive(rule.condition, context, rulebook.severity, rule.id, result.decisive)
        elif kind == "event" and event_rules:
            context = {"event": record, "signal": signal,
                       "drill": {"severity": severity, "cluster": header.get("cluster")}}
            for rule in event_rules:
                _decisive(rule.condition, context, rulebook.severity, rule.id, result.decisive)
    result.firings = dict(firings)
    return result


def coverage_report(drills: list[DrillCoverage], rulebook: Rulebook) -> dict[str, Any]:
    """The coverage document (``drill coverage --json``)."""
    rules: dict[str, dict[str, Any]] = {}
    for rule in rulebook.rules:
        counts = [d.firings.get(rule.id, 0) for d in drills]
        rules[rule.id] = {
            "firings": sum(counts), "drills": sum(1 for c in counts if c),
            "scenarios": sorted({d.scenario for d in drills if d.firings.get(rule.id)}),
            "branches": [{"branch": ast.render(child), "decisive": any(
                (rule.id, ast.render(child)) in d.decisive for d in drills)}
                for _node, child in branches(rule.condition)],
        }
    never = [r for r, v in rules.items() if not v["firings"]]
    reached = set().union(*(d.levels for d in drills)) if drills else {0}
    worked = set().union(*(d.roles for d in drills)) if drills else set()
    triggered = set().union(*(d.forbids for d in drills)) if drills else set()
    fired_share = 100.0 * (len(rules) - len(never)) / len(rules) if rules else 100.0
    total_branches = [b for v in rules.values() for b in v["branches"]]
    return {
        "drills": len(drills),
        "coverage": round(fired_share, 1),
        "rules": rules,
        "never_fired": never,
        "severity_never_reached": [name for level, name in enumerate(rulebook.severity)
                                   if level not in reached],
        "roles_without_work": sorted(set(rulebook.roles) - worked),
        "forbid_never_triggered": [f.id for f in rulebook.forbid if f.id not in triggered],
        "branches": {"total": len(total_branches),
                     "decisive": sum(1 for b in total_branches if b["decisive"])},
    }


def coverage_job(job: Any) -> DrillCoverage:
    """One drill of a coverage sweep (runs in a worker process)."""
    from drills.drive.batch import simulate
    from drills.validate.sweep import loaded

    scenario, rulebook, team = loaded(job.scenario, job.rulebook, job.team)
    records, _summary = simulate(scenario, rulebook, team, seed=job.seed, start=job.start,
                                 log_feed="full")
    return drill_coverage(records, rulebook)


def coverage_findings(doc: dict[str, Any], rulebook_path: str) -> list[Any]:
    """What coverage found, at the rulebook's lines (for ``--format github`` and SARIF): a
    rule that never fired is a warning; untested branches, idle roles, levels never reached
    and forbid entries never triggered are notes."""
    from drills.inputs.yamldoc import parse_yaml, read_text
    from drills.validate.ci import Finding

    source = parse_yaml(read_text(rulebook_path), rulebook_path)
    raw = source.value if isinstance(source.value, dict) else {}

    def at(section: str, key: str, field: str = "id") -> tuple[int, int]:
        items = raw.get(section)
        if isinstance(items, list):
            for i, item in enumerate(items):
                if isinstance(item, dict) and item.get(field) == key:
                    pos = source.at((section, i, field))
                    return pos.line, pos.col
                if item == key:
                    pos = source.at((section, i))
                    return pos.line, pos.col
        pos = source.key_at((section, key)) if isinstance(items, dict) else source.at(
            (section,))
        return pos.line, pos.col

    drills = f"{doc['drills']} drill{'s' * (doc['drills'] != 1)}"
    found = []
    for rule in doc["never_fired"]:
        found.append(Finding(rulebook_path, *at("rules", rule), f"rule {rule!r} never fired "
                             f"in {drills}", "warning", "coverage/never-fired"))
    for rule, info in doc["rules"].items():
        for branch in info["branches"]:
            if not branch["decisive"] and info["firings"]:
                found.append(Finding(rulebook_path, *at("rules", rule),
                                     f"rule {rule!r}: branch `{branch['branch']}` never "
                                     f"decided the condition in {drills}", "note",
                                     "coverage/branch-never-decisive"))
    for role in doc["roles_without_work"]:
        found.append(Finding(rulebook_path, *at("roles", role), f"role {role!r} never got "
                             "work", "note", "coverage/role-without-work"))
    for level in doc["severity_never_reached"]:
        found.append(Finding(rulebook_path, *at("severity", level), f"severity {level!r} "
                             "was never reached", "note", "coverage/severity-never-reached"))
    for entry in doc["forbid_never_triggered"]:
        found.append(Finding(rulebook_path, *at("forbid", entry), f"forbid entry {entry!r} "
                             "was never triggered", "note", "coverage/forbid-never-triggered"))
    return found
