"""What a rulebook's unit tests exercise (``drill test --coverage``), like ``opa test
--coverage``: which rules the tests assert to fire, and which ``and``/``or`` branches of each
condition some test input made decisive.

A rule is *covered* when a passing test expects it to fire (``fires: RULE``, or an
``obligation`` naming its ``rule``): a rule that fires in a test nobody checks is not tested.
A rule only expected ``never`` to fire is listed apart: its negative side is tested. Branches
are judged at every input of every test with the pure evaluator, the input's own values and
the severity the inputs set (a ``drill`` input, or a rule expected to fire earlier that
escalates). Disabled rules are listed apart and not counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drills.rulebook import ast
from drills.rulebook.model import Rulebook
from drills.validate.cases import RuleTest
from drills.validate.coverage import _decisive, branches
from drills.validate.runner import NEUTRAL_EVENT, NEUTRAL_SIGNAL
from drills.validate.suite import Ran


def _level(rulebook: Rulebook, value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return rulebook.severity.index(value) if value in rulebook.severity else 0


def _decided(test: RuleTest, rulebook: Rulebook) -> set[tuple[str, str]]:
    """(rule, branch) pairs some input of ``test`` made decisive."""
    rules = {r.id: r for r in rulebook.enabled_rules}
    escalations = sorted((e.at or 0.0, rules[e.value].escalate or 0) for e in test.expects
                         if e.kind == "fires" and e.value in rules and e.times != 0)
    signal: dict[str, Any] = dict(NEUTRAL_SIGNAL)
    drill: dict[str, Any] = {"severity": 0, "cluster": test.cluster, "episode": 0,
                             "statements": 0}
    found: set[tuple[str, str]] = set()
    for item in test.inputs:
        event: dict[str, Any] | None = None
        if item.kind == "signal":
            signal = {**NEUTRAL_SIGNAL, **item.values}
        elif item.kind == "drill":
            values = dict(item.values)
            if "severity" in values:
                values["severity"] = _level(rulebook, values["severity"])
            drill.update(values)
        elif item.kind == "event":
            author = {**NEUTRAL_EVENT["author"], **item.values.get("author", {})}
            event = {**NEUTRAL_EVENT, **item.values, "author": author, "t": item.at}
        else:  # an action is judged by forbid entries, time passing changes no input
            continue
        raised = max((level for at, level in escalations if at <= item.at), default=0)
        state = {**drill, "severity": max(drill["severity"], raised), "elapsed": item.at,
                 "since_statement": drill.get("since_statement", item.at)}
        context = {"signal": signal, "drill": state, **({"event": event} if event else {})}
        for rule in rules.values():
            if (rule.trigger == "event") == (event is not None):
                _decisive(rule.condition, context, rulebook.severity, rule.id, found)
    return found


def rule_test_coverage(ran: Sequence[Ran], rulebook: Rulebook) -> dict[str, Any]:
    """The coverage document of ``drill test --coverage --json``."""
    fired: set[str] = set()
    never: set[str] = set()
    decided: set[tuple[str, str]] = set()
    for item in ran:
        decided |= _decided(item.test, rulebook)
        if not item.passed:
            continue
        for expect in item.test.expects:
            if expect.kind == "fires" and expect.times == 0:  # "fires 0 times" is a never
                never.add(str(expect.value))
            elif expect.kind == "fires":
                fired.add(str(expect.value))
            elif expect.kind == "obligation" and "rule" in expect.value:
                fired.add(str(expect.value["rule"]))
            elif expect.kind == "never":
                never.add(str(expect.value))
    enabled = [r for r in rulebook.rules if r.enabled]
    rules: dict[str, dict[str, Any]] = {
        r.id: {"asserted_to_fire": r.id in fired, "asserted_never": r.id in never,
               "branches": [{"branch": ast.render(child),
                             "decisive": (r.id, ast.render(child)) in decided}
                            for _node, child in branches(r.condition)]}
        for r in enabled}
    all_branches = [b for info in rules.values() for b in info["branches"]]
    covered = [name for name, info in rules.items() if info["asserted_to_fire"]]
    return {
        "tests": len(ran),
        "coverage": round(100.0 * len(covered) / len(rules), 1) if rules else 100.0,
        "rules": rules,
        "untested": [name for name, info in rules.items()
                     if not info["asserted_to_fire"] and not info["asserted_never"]],
        "only_never": [name for name, info in rules.items()
                       if info["asserted_never"] and not info["asserted_to_fire"]],
        "disabled": [r.id for r in rulebook.rules if not r.enabled],
        "branches": {"total": len(all_branches),
                     "decisive": sum(1 for b in all_branches if b["decisive"])},
    }


def rule_test_coverage_text(doc: dict[str, Any]) -> str:
    """A short report: the share, then what is not covered."""
    lines = [f"Rules asserted to fire: {doc['coverage']:g}% of "
             f"{len(doc['rules'])} enabled rules over {doc['tests']} tests; branches "
             f"decisive in some input: {doc['branches']['decisive']} of "
             f"{doc['branches']['total']}"]
    for key, label in (("untested", "Rules no test mentions"),
                       ("only_never", "Rules only tested not to fire"),
                       ("disabled", "Disabled rules (not counted)")):
        lines.append(f"{label}: {', '.join(doc[key]) or 'none'}")
    dead = [f"{rule}: {b['branch']}" for rule, info in doc["rules"].items()
            for b in info["branches"] if not b["decisive"]]
    if dead:
        lines.append("Branches no test input decided: " + "; ".join(dead))
    return "\n".join(lines)
