"""Mutation testing of a rulebook's unit tests (``drill mutate RULEBOOK TESTS``).

Each mutant changes one thing in one enabled rule: a threshold halved or doubled, a
deadline halved or doubled, an obligation's role or action swapped, the escalation one level
lower. The tests *kill* a mutant when at least one of them fails against it; a mutant that
survives is a change to the protocol the tests would not notice: the rulebook owner's
measure of how good the tests are. Mutants are made from the typed rulebook (never by
editing text), and each runs through the real engine like ``drill test``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from drills.rulebook import ast
from drills.rulebook.model import Obligation, Rule, Rulebook
from drills.validate.cases import RuleTestFile
from drills.validate.runner import check_references, run_test
from drills.vocabulary import ACTIONS


@dataclass(frozen=True)
class Mutant:
    """One change to one rule, and the rulebook with it."""

    rule: str
    change: str
    rulebook: Rulebook


def _numbers(node: ast.Node, path: tuple[int, ...] = ()
             ) -> Iterator[tuple[tuple[int, ...], ast.Compare]]:
    """Every comparison with a number or a duration, with its path of child indexes."""
    if isinstance(node, ast.Compare) and node.value.type in ("number", "duration") and \
            isinstance(node.value.value, (int, float)) and not isinstance(node.value.value, bool):
        yield path, node
    elif isinstance(node, (ast.And, ast.Or)):
        for i, child in enumerate(node.items):
            yield from _numbers(child, (*path, i))
    elif isinstance(node, ast.Not):
        yield from _numbers(node.item, (*path, 0))


def _replaced(node: ast.Node, path: tuple[int, ...], new: ast.Node) -> ast.Node:
    """``node`` with the descendant at ``path`` replaced by ``new``."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(node, (ast.And, ast.Or)):
        items = list(node.items)
        items[head] = _replaced(items[head], rest, new)
        return replace(node, items=tuple(items))
    if isinstance(node, ast.Not):
        return replace(node, item=_replaced(node.item, rest, new))
    raise ValueError(f"no child {head} in {type(node).__name__}")  # pragma: no cover


def _number(value: float) -> str:
    return f"{int(value):,}" if value.is_integer() else f"{value:g}"


def _with_rule(rulebook: Rulebook, rule: Rule) -> Rulebook:
    return replace(rulebook, rules=tuple(rule if r.id == rule.id else r
                                         for r in rulebook.rules))


def mutants(rulebook: Rulebook) -> Iterator[Mutant]:
    """Every single-change mutant of the enabled rules, in a fixed order."""
    roles = sorted(rulebook.roles)
    for rule in rulebook.enabled_rules:
        for path, compare in _numbers(rule.condition):
            value = float(compare.value.value)
            for factor, word in ((0.5, "halved"), (2.0, "doubled")):
                moved = value * factor if value else 1.0
                literal = replace(compare.value, value=moved, text=_number(moved))
                condition = _replaced(rule.condition, path, replace(compare, value=literal))
                yield Mutant(rule.id, f"threshold `{ast.render(compare)}` {word} to "
                             f"{_number(moved)}",
                             _with_rule(rulebook, replace(rule, condition=condition)))
        for i, spec in enumerate(rule.require):
            def obliged(new: Obligation, i: int = i, rule: Rule = rule) -> Rule:
                require = list(rule.require)
                require[i] = new
                return replace(rule, require=tuple(require))

            if spec.within is not None:
                for factor, word in ((0.5, "halved"), (2.0, "doubled")):
                    yield Mutant(rule.id, f"{spec.action} by {spec.role} within "
                                 f"{spec.within:g}m {word}", _with_rule(
                                     rulebook, obliged(replace(spec,
                                                               within=spec.within * factor))))
            other_role = next((r for r in roles if r != spec.role), None)
            if other_role is not None:
                yield Mutant(rule.id, f"{spec.action} by {other_role} instead of {spec.role}",
                             _with_rule(rulebook, obliged(replace(spec, role=other_role))))
            other_action = next(a for a in ACTIONS if a != spec.action)
            yield Mutant(rule.id, f"{other_action} instead of {spec.action} by {spec.role}",
                         _with_rule(rulebook, obliged(replace(spec, action=other_action))))
        if rule.escalate:
            yield Mutant(rule.id, f"escalates to {rulebook.severity[rule.escalate - 1]} "
                         f"instead of {rulebook.severity[rule.escalate]}",
                         _with_rule(rulebook, replace(rule, escalate=rule.escalate - 1)))


def mutation_report(rulebook: Rulebook, files: list[RuleTestFile]) -> dict[str, Any]:
    """Run every test file against every mutant: which mutants survive."""
    for cases in files:
        check_references(cases, rulebook)
    survivors = []
    total = 0
    for mutant in mutants(rulebook):
        total += 1
        killed = any(not run_test(test, mutant.rulebook, cases.path).passed
                     for cases in files for test in cases.tests)
        if not killed:
            survivors.append({"rule": mutant.rule, "change": mutant.change})
    killed_count = total - len(survivors)
    return {"mutants": total, "killed": killed_count,
            "score": round(100.0 * killed_count / total, 1) if total else 100.0,
            "survivors": survivors}


def mutation_text(doc: dict[str, Any]) -> str:
    lines = [f"Mutation score: {doc['score']:g}% ({doc['killed']} of {doc['mutants']} mutants "
             "killed by the tests)"]
    if doc["survivors"]:
        lines.append("Changes the tests do not notice:")
        lines += [f"  {s['rule']}: {s['change']}" for s in doc["survivors"]]
    return "\n".join(lines)
