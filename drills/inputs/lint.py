"""``drill lint``: check rulebooks, scenarios and teams, every problem of every file at once.

Rulebooks also get a static analysis of their conditions, for what no drill can show:

- An ``and`` whose comparisons on one field leave no value (``signal.mentions_1h >= 100 and
  signal.mentions_1h < 50``) can never be true: the rule never fires, or the branch is dead.
- Thresholds inverted between levels: a rule that escalates *higher* on a *lower* threshold
  of the same field than a rule escalating lower (``watch`` at ``mentions_1h >= 40``,
  ``issue`` at ``mentions_1h >= 15``) skips the lower level whenever it fires.

Both are warnings at the rule's ``when``: the rulebook is valid, and probably wrong.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from drills.errors import Diagnostic, InputError
from drills.inputs.yamldoc import Document, parse_yaml, read_text
from drills.rulebook import ast
from drills.rulebook.model import Rulebook

Checker = Callable[[Document], list[Diagnostic]]


def _checkers() -> dict[str, Checker]:
    from drills.feed.scenario_load import check_scenario
    from drills.inputs.actions_file import check_actions
    from drills.rulebook.load import check_rulebook
    from drills.team.load import check_team

    def rulebook(doc: Document) -> list[Diagnostic]:
        checked = check_rulebook(doc)
        if checked.value is None:
            return checked.diagnostics
        return sorted([*checked.diagnostics, *analyse(checked.value, doc)])

    checkers: dict[str, Checker] = {
        "rulebook": rulebook,
        "scenario": lambda d: check_scenario(d).diagnostics,
        "team": lambda d: check_team(d).diagnostics,
        "actions": lambda d: check_actions(d).diagnostics,
    }
    return checkers


def expand(paths: Iterable[str]) -> list[str]:
    """Files to lint: a directory stands for the YAML files inside it (recursively)."""
    result: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found = sorted(
                os.path.join(root, name)
                for root, _dirs, files in os.walk(path)
                for name in files if name.endswith((".yaml", ".yml"))
            )
            if not found:
                result.append(path)  # reported as "a directory with no YAML files"
            result.extend(found)
        else:
            result.append(path)
    return result


def lint_file(path: str) -> list[Diagnostic]:
    """Every diagnostic for one file, whatever kind of file it is."""
    if os.path.isdir(path):
        return [Diagnostic(path, 1, 1, "is a directory with no .yaml files in it")]
    try:
        doc = parse_yaml(read_text(path), path)
    except InputError as exc:
        return exc.diagnostics
    if not isinstance(doc.value, dict):
        return [doc.diagnostic((), "expected a mapping with a 'rulebook:', 'scenario:', "
                               "'team:' or 'actions:' key at the top")]
    if "tests" in doc.value:  # rulebook unit tests name their rulebook too
        from drills.validate.cases import check_rule_tests

        return check_rule_tests(doc).diagnostics
    checkers = _checkers()
    kinds = [k for k in checkers if k in doc.value]
    if len(kinds) != 1:
        what = "both " + " and ".join(kinds) if kinds else "none"
        return [doc.diagnostic((), "cannot tell what this file is: it needs exactly one of "
                               f"the top-level keys {', '.join(checkers)} (found {what})")]
    return checkers[kinds[0]](doc)


def lint_paths(paths: Iterable[str]) -> list[Diagnostic]:
    return [d for path in expand(paths) for d in lint_file(path)]


@dataclass(frozen=True)
class Bounds:
    """The values of one field an ``and`` of comparisons allows."""

    low: float = -math.inf
    low_open: bool = False
    high: float = math.inf
    high_open: bool = False

    def empty(self) -> bool:
        return self.low > self.high or (self.low == self.high and
                                         (self.low_open or self.high_open))

    def narrowed(self, op: str, value: float) -> Bounds:
        low, low_open, high, high_open = self.low, self.low_open, self.high, self.high_open
        if op in (">=", ">", "==") and (value > low or (value == low and op == ">")):
            low, low_open = value, op == ">"
        if op in ("<=", "<", "==") and (value < high or (value == high and op == "<")):
            high, high_open = value, op == "<"
        return Bounds(low, low_open, high, high_open)


def _numeric(node: ast.Node) -> tuple[str, str, float] | None:
    """(field, op, value) of a comparison with a number or a duration, else None."""
    if isinstance(node, ast.Compare) and node.value.type in ("number", "duration") \
            and isinstance(node.value.value, (int, float)) \
            and not isinstance(node.value.value, bool):
        return node.field.name, node.op, float(node.value.value)
    return None


def _empty_ands(node: ast.Node) -> list[tuple[ast.And, str]]:
    """Every ``and`` (at any depth) that no value of some field satisfies, with that field."""
    found: list[tuple[ast.And, str]] = []
    if isinstance(node, ast.And):
        bounds: dict[str, Bounds] = {}
        for item in node.items:
            compare = _numeric(item)
            if compare is not None:
                name, op, value = compare
                bounds[name] = bounds.get(name, Bounds()).narrowed(op, value)
        found += [(node, name) for name, b in bounds.items() if b.empty()]
    for child in getattr(node, "items", ()):
        found += _empty_ands(child)
    if isinstance(node, ast.Not):
        found += _empty_ands(node.item)
    return found


def _lower_thresholds(node: ast.Node) -> dict[str, float]:
    """Field -> the least value the condition needs, from its top-level ``>=``/``>``."""
    items = node.items if isinstance(node, ast.And) else (node,)
    result: dict[str, float] = {}
    for item in items:
        compare = _numeric(item)
        if compare is not None and compare[1] in (">=", ">"):
            result[compare[0]] = max(result.get(compare[0], -math.inf), compare[2])
    return result


def analyse(rulebook: Rulebook, doc: Document) -> list[Diagnostic]:
    """Warnings about conditions that cannot be true and thresholds inverted between levels."""
    index = {rule.id: i for i, rule in enumerate(rulebook.rules)}
    found: list[Diagnostic] = []

    def warn(rule_id: str, message: str) -> None:
        found.append(doc.diagnostic(("rules", index[rule_id], "when"), message,
                                    severity="warning"))

    for rule in rulebook.rules:
        for node, name in _empty_ands(rule.condition):
            what = f"rule {rule.id!r} can never fire" if node is rule.condition else \
                "a branch can never be true"
            warn(rule.id, f"{what}: no value of {name} satisfies `{ast.render(node)}`")
    escalating = [(rule, _lower_thresholds(rule.condition)) for rule in rulebook.rules
                  if rule.enabled and rule.escalate is not None and rule.trigger == "state"]
    for higher, high_needs in escalating:
        for lower, low_needs in escalating:
            if (lower.escalate or 0) >= (higher.escalate or 0):
                continue
            for name, need in sorted(high_needs.items()):
                if name in low_needs and need < low_needs[name]:
                    warn(higher.id, f"thresholds inverted between levels: {higher.id!r} "
                         f"escalates to {rulebook.severity[higher.escalate or 0]} at "
                         f"{name} >= {need:g}, below {lower.id!r} "
                         f"({rulebook.severity[lower.escalate or 0]}) at >= "
                         f"{low_needs[name]:g}")
    return found
