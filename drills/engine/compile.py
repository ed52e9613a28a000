"""Compile a rulebook's conditions to durable-rules JSON: one visitor, one operator table.

Messages posted to the engine are flat: ``event.author.followers`` travels as the key
``event__author__followers``. Negation is pushed down to the leaves (durable-rules has no
``not``), which keeps the three-valued semantics of ``drills.rulebook.evaluate``: a leaf on a
missing field never matches, negated or not. Text predicates (``contains``, ``matches``) are
computed by the adapter in Python and travel as booleans (``p0``, ``p1``, ...), because the
engine's own regex dialect cannot escape ``[``, ``]`` or ``\\`` and has no negated match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drills.rulebook import ast
from drills.rulebook.fields import lookup
from drills.rulebook.model import Rulebook
from drills.rulebook.operators import COMPARISONS

#: Our comparison operators -> durable-rules operators (from the one operator table).
OPERATORS = {symbol: c.engine for symbol, c in COMPARISONS.items()}

#: The discriminator key that keeps event, state and action messages apart.
KIND_KEY = "msg"


def field_key(name: str) -> str:
    return name.replace(".", "__")


@dataclass(frozen=True)
class TextPredicate:
    key: str
    field: str
    op: str
    pattern: str


@dataclass
class CompiledRules:
    """Engine JSON plus what the adapter needs to build messages for it."""

    ruleset: dict[str, Any]
    #: Fields each message kind must carry ("event", "state", "action").
    fields: dict[str, list[str]] = field(default_factory=dict)
    predicates: dict[str, list[TextPredicate]] = field(default_factory=dict)
    #: Actions that some forbid entry names.
    forbidden_actions: frozenset[str] = frozenset()


class _Compiler:
    def __init__(self, severities: tuple[str, ...]) -> None:
        self.severities = severities
        self.predicates: list[TextPredicate] = []

    def value(self, leaf_field: ast.Field, lit: ast.Literal) -> Any:
        spec = lookup(leaf_field.name)
        if spec is not None and spec.type == "severity" and isinstance(lit.value, str):
            return self.severities.index(lit.value)
        return lit.value

    def compile(self, node: ast.Node, negate: bool = False) -> dict[str, Any]:
        if isinstance(node, ast.Not):
            return self.compile(node.item, not negate)
        if isinstance(node, (ast.And, ast.Or)):
            conj = isinstance(node, ast.And) != negate
            return {"$and" if conj else "$or": [self.compile(i, negate) for i in node.items]}
        key = field_key(node.field.name)
        if isinstance(node, ast.Compare):
            op = ast.NEGATED[node.op] if negate else node.op
            value = self.value(node.field, node.value)
            return {key: value} if op == "==" else {OPERATORS[op]: {key: value}}
        if isinstance(node, ast.In):
            values = [self.value(node.field, v) for v in node.values]
            if negate:
                return {"$and": [{"$neq": {key: v}} for v in values]}
            return {"$or": [{key: v} for v in values]}
        if isinstance(node, ast.Exists):
            return {"$nex" if negate else "$ex": {key: 1}}
        if isinstance(node, ast.Truthy):
            return {key: not negate}
        pattern = node.pattern.value
        assert isinstance(pattern, str)
        predicate = TextPredicate(f"p{len(self.predicates)}", node.field.name, node.op, pattern)
        self.predicates.append(predicate)
        return {predicate.key: not negate}


def required_event_kinds(node: ast.Node) -> frozenset[str] | None:
    """The event kinds a condition can possibly match, or None when it does not say."""
    if isinstance(node, ast.Compare) and node.field.name == "event.kind" and node.op == "==":
        return frozenset({str(node.value.value)})
    if isinstance(node, ast.In) and node.field.name == "event.kind":
        return frozenset(str(v.value) for v in node.values)
    if isinstance(node, ast.And):
        known = [k for k in (required_event_kinds(i) for i in node.items) if k is not None]
        if not known:
            return None
        result = known[0]
        for kinds in known[1:]:
            result &= kinds
        return result
    if isinstance(node, ast.Or):
        parts = [required_event_kinds(i) for i in node.items]
        if any(p is None for p in parts):
            return None
        return frozenset().union(*(p for p in parts if p is not None))
    return None


def _with_kind(kind: str, condition: dict[str, Any]) -> dict[str, Any]:
    return {"$and": [{KIND_KEY: kind}, condition]}


def rule_name(prefix: str, ident: str) -> str:
    return f"{prefix}:{ident}"


def compile_rulebook(rulebook: Rulebook) -> CompiledRules:
    """Compile every enabled rule, every forbid entry and the calm condition.

    Rule names in the engine are ``rule:<id>``, ``forbid:<id>``, ``excuse:<id>`` and ``calm``.
    """
    ruleset: dict[str, Any] = {}
    fields: dict[str, set[str]] = {"event": set(), "state": set(), "action": set()}
    predicates: dict[str, list[TextPredicate]] = {"event": [], "state": [], "action": []}
    compilers = {k: _Compiler(rulebook.severity) for k in fields}

    def add(name: str, kind: str, node: ast.Node,
            extra: list[dict[str, Any]] | None = None) -> None:
        compiler = compilers[kind]
        condition = compiler.compile(node)
        parts = [*(extra or []), condition]
        body = parts[0] if len(parts) == 1 else {"$and": parts}
        ruleset[name] = {"all": [{"m": _with_kind(kind, body)}]}
        fields[kind].update(f.name for f in ast.fields_of(node))

    for rule in rulebook.enabled_rules:
        add(rule_name("rule", rule.id), rule.trigger, rule.condition)
    for forbid in rulebook.forbid:
        # A forbidden action is a violation unless its exception *holds*; an exception on a
        # missing field does not excuse. So the exception is its own positive rule.
        action_test = {"action": forbid.action}
        match_action = {"all": [{"m": _with_kind("action", action_test)}]}
        ruleset[rule_name("forbid", forbid.id)] = match_action
        if forbid.unless is not None:
            add(rule_name("excuse", forbid.id), "action", forbid.unless, [action_test])
    if rulebook.calm is not None:
        add("calm", "state", rulebook.calm.condition)
    for kind, compiler in compilers.items():
        predicates[kind] = compiler.predicates
    return CompiledRules(
        ruleset=ruleset,
        fields={k: sorted(v) for k, v in fields.items()},
        predicates=predicates,
        forbidden_actions=frozenset(f.action for f in rulebook.forbid),
    )
