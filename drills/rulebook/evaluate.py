"""A pure-Python evaluator of the condition AST: the engine-free second backend.

It exists to cross-check the durable-rules compilation and to explain firings. Logic is
three-valued (Kleene): a leaf naming a missing field is *unknown*; ``not unknown`` is unknown;
a rule fires only when its condition is *true*. The compiled engine rules behave the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from drills.rulebook import ast
from drills.rulebook.operators import COMPARISONS, compare

Context = dict[str, Any]  # {"event": {...}, "signal": {...}, "drill": {...}}
_MISSING = object()


def get_field(context: Context, name: str) -> Any:
    """Walk a dotted name through nested dicts; ``_MISSING`` when any step is absent."""
    value: Any = context
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value or value[part] is None:
            return _MISSING
        value = value[part]
    return value


@cache
def glob_regex(pattern: str, whole: bool) -> re.Pattern[str]:
    """``*`` any run, ``?`` one character, everything else literal; case-insensitive."""
    parts = [".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern]
    body = "".join(parts) if whole else re.escape(pattern)
    return re.compile(body, re.IGNORECASE | re.DOTALL)


def text_matches(op: str, text: str, pattern: str) -> bool:
    if op == "contains":
        return pattern.casefold() in text.casefold()
    return glob_regex(pattern, True).fullmatch(text) is not None


def evaluate(node: ast.Node, context: Context, severities: tuple[str, ...] = ()) -> bool | None:
    """True, False, or None (unknown) for ``node`` in ``context``."""
    if isinstance(node, ast.And):
        results = [evaluate(i, context, severities) for i in node.items]
        if any(r is False for r in results):
            return False
        return None if any(r is None for r in results) else True
    if isinstance(node, ast.Or):
        results = [evaluate(i, context, severities) for i in node.items]
        if any(r is True for r in results):
            return True
        return None if any(r is None for r in results) else False
    if isinstance(node, ast.Not):
        inner = evaluate(node.item, context, severities)
        return None if inner is None else not inner
    value = get_field(context, node.field.name)
    if isinstance(node, ast.Exists):
        return value is not _MISSING
    if value is _MISSING:
        return None
    if isinstance(node, ast.Truthy):
        return value is True
    if isinstance(node, ast.Compare):
        return compare(node.op, value, _value(node.value, severities))
    if isinstance(node, ast.In):
        return any(compare("==", value, _value(v, severities)) for v in node.values)
    if not isinstance(value, str):
        return None
    pattern = node.pattern.value
    assert isinstance(pattern, str)
    return text_matches(node.op, value, pattern)


def _value(lit: ast.Literal, severities: tuple[str, ...]) -> Any:
    if isinstance(lit.value, str) and lit.value in severities:
        return severities.index(lit.value)
    return lit.value


def holds(node: ast.Node, context: Context, severities: tuple[str, ...] = ()) -> bool:
    """Whether a rule with this condition fires in ``context``."""
    return evaluate(node, context, severities) is True


Predicate = Callable[[Context], "bool | None"]


def compile_condition(node: ast.Node, severities: tuple[str, ...] = ()) -> Predicate:
    """``evaluate`` for one condition, compiled once into closures: the same three-valued
    answers (tested against ``evaluate``), without walking the tree on every call. Used
    where a condition is asked thousands of times a drill."""
    if isinstance(node, (ast.And, ast.Or)):
        parts = tuple(compile_condition(i, severities) for i in node.items)
        decisive = isinstance(node, ast.Or)  # an or is decided by a true part, an and by false

        def combine(context: Context) -> bool | None:
            unknown = False
            for part in parts:
                result = part(context)
                if result is decisive:
                    return decisive
                if result is None:
                    unknown = True
            return None if unknown else not decisive
        return combine
    if isinstance(node, ast.Not):
        inner = compile_condition(node.item, severities)

        def negate(context: Context) -> bool | None:
            result = inner(context)
            return None if result is None else not result
        return negate
    path = tuple(node.field.name.split("."))

    def lookup(context: Context) -> Any:
        value: Any = context
        for part in path:
            if not isinstance(value, dict):
                return _MISSING
            value = value.get(part)
            if value is None:
                return _MISSING
        return value

    if len(path) == 2:  # namespace.field, nearly every condition: the same, without a loop
        namespace, name = path

        def lookup(context: Context) -> Any:
            inner = context.get(namespace)
            if not isinstance(inner, dict):
                return _MISSING
            value = inner.get(name)
            return _MISSING if value is None else value

    if isinstance(node, ast.Exists):
        return lambda context: lookup(context) is not _MISSING
    if isinstance(node, ast.Truthy):
        return lambda context: None if (v := lookup(context)) is _MISSING else v is True
    if isinstance(node, ast.Compare):
        op, right = node.op, _value(node.value, severities)
        if type(right) in (int, float):  # a number: a number on the left compares directly
            apply = COMPARISONS[op].apply
            return lambda context: None if (v := lookup(context)) is _MISSING else \
                bool(apply(v, right)) if type(v) in (int, float) else compare(op, v, right)
        return lambda context: None if (v := lookup(context)) is _MISSING else \
            compare(op, v, right)
    if isinstance(node, ast.In):
        options = tuple(_value(v, severities) for v in node.values)
        return lambda context: None if (v := lookup(context)) is _MISSING else \
            any(compare("==", v, o) for o in options)
    pattern = node.pattern.value
    assert isinstance(pattern, str)
    text_op = node.op

    def match(context: Context) -> bool | None:
        value = lookup(context)
        if value is _MISSING or not isinstance(value, str):
            return None
        return text_matches(text_op, value, pattern)
    return match
