"""Cheap necessary conditions on events, checked in Python before posting to the engine.

An event rule whose condition is ``A and B and ...`` cannot fire unless each conjunct that
names only ``event.`` fields is true. Those conjuncts become small closures (built from the
AST, nothing evaluated from text); an event that passes no rule's guard is not posted at all,
so the engine sees only what some rule can match.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drills.rulebook import ast
from drills.rulebook.evaluate import text_matches
from drills.rulebook.operators import COMPARISONS
from drills.rulebook.operators import compare as three_valued

Guard = Callable[[dict[str, Any]], bool]


def _getter(name: str) -> Callable[[dict[str, Any]], Any]:
    path = name.split(".")[1:]  # drop the "event" namespace
    if len(path) == 1:
        key = path[0]
        return lambda event: event.get(key)
    first, second = path[0], path[1]

    def nested(event: dict[str, Any]) -> Any:
        inner = event.get(first)
        return inner.get(second) if isinstance(inner, dict) else None

    return nested


def _leaf_guard(leaf: ast.Node) -> Guard | None:
    if isinstance(leaf, ast.Compare):
        get, symbol, value = _getter(leaf.field.name), leaf.op, leaf.value.value
        op = COMPARISONS[symbol].apply
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            def compare_number(event: dict[str, Any]) -> bool:
                v = get(event)
                if v.__class__ in (int, float):
                    return op(v, value)
                return v is not None and three_valued(symbol, v, value) is True

            return compare_number

        def compare(event: dict[str, Any]) -> bool:
            v = get(event)
            return v is not None and three_valued(symbol, v, value) is True

        return compare
    if isinstance(leaf, ast.In):
        get = _getter(leaf.field.name)
        values = [v.value for v in leaf.values]

        def member(event: dict[str, Any]) -> bool:
            v = get(event)
            return v is not None and any(three_valued("==", v, x) is True for x in values)

        return member
    if isinstance(leaf, ast.Exists):
        get = _getter(leaf.field.name)
        return lambda event: get(event) is not None
    if isinstance(leaf, ast.Truthy):
        get = _getter(leaf.field.name)
        return lambda event: get(event) is True
    if isinstance(leaf, ast.TextMatch):
        get = _getter(leaf.field.name)
        text_op, pattern = leaf.op, str(leaf.pattern.value)

        def text(event: dict[str, Any]) -> bool:
            v = get(event)
            return isinstance(v, str) and text_matches(text_op, v, pattern)

        return text
    return None


def kind_only(condition: ast.Node) -> frozenset[str] | None:
    """The event kinds, when the guard of ``condition`` is just ``event.kind == / in ...``."""
    items = condition.items if isinstance(condition, ast.And) else (condition,)
    event_leaves = [i for i in items if not isinstance(i, (ast.And, ast.Or, ast.Not))
                    and i.field.namespace == "event"]
    if len(event_leaves) != 1:
        return None
    leaf = event_leaves[0]
    if isinstance(leaf, ast.Compare) and leaf.op == "==" and leaf.field.name == "event.kind":
        return frozenset({str(leaf.value.value)})
    if isinstance(leaf, ast.In) and leaf.field.name == "event.kind":
        return frozenset(str(v.value) for v in leaf.values)
    return None


def event_guard(condition: ast.Node) -> Guard | None:
    """A guard for an event rule, or None when its condition gives no event-only conjunct."""
    items = condition.items if isinstance(condition, ast.And) else (condition,)
    guards = []
    for item in items:
        if isinstance(item, (ast.And, ast.Or, ast.Not)):
            continue
        if item.field.namespace != "event" or item.field.name.count(".") > 2:
            continue
        guard = _leaf_guard(item)
        if guard is not None:
            guards.append(guard)
    return all_of(guards)


def all_of(guards: list[Guard]) -> Guard | None:
    """One guard that passes when every guard passes (chained, without a generator)."""
    return _chain(guards, every=True)


def any_of(guards: list[Guard]) -> Guard | None:
    """One guard that passes when some guard passes."""
    return _chain(guards, every=False)


def _chain(guards: list[Guard], *, every: bool) -> Guard | None:
    if not guards:
        return None

    def both(a: Guard, b: Guard) -> Guard:
        return lambda event: a(event) and b(event)

    def either(a: Guard, b: Guard) -> Guard:
        return lambda event: a(event) or b(event)

    join = both if every else either
    combined = guards[0]
    for guard in guards[1:]:
        combined = join(combined, guard)
    return combined
