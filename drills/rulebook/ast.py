"""The condition AST: small immutable types, ours and engine-neutral.

A parsed ``when`` string becomes one of these trees. Backends are visitors over them: the
durable-rules compiler (``drills.engine.compile``) and the pure evaluator
(``drills.rulebook.evaluate``). ``offset`` is the 0-based column in the condition string.
"""

from __future__ import annotations

from dataclasses import dataclass

from drills.rulebook import operators

Scalar = float | int | str | bool

#: Comparison operators and their negations (used to push ``not`` down to the leaves).
COMPARISONS = tuple(operators.COMPARISONS)
NEGATED = {symbol: c.negated for symbol, c in operators.COMPARISONS.items()}


@dataclass(frozen=True)
class Field:
    name: str  # dotted, like "event.author.followers"
    offset: int = 0

    @property
    def namespace(self) -> str:
        return self.name.split(".", 1)[0]


@dataclass(frozen=True)
class Literal:
    value: Scalar
    offset: int = 0
    #: "number", "string", "bool" or "duration" (a duration's value is in minutes).
    type: str = "number"
    #: The literal as written, for messages.
    text: str = ""


@dataclass(frozen=True)
class Compare:
    op: str
    field: Field
    value: Literal
    offset: int = 0


@dataclass(frozen=True)
class In:
    field: Field
    values: tuple[Literal, ...]
    offset: int = 0


@dataclass(frozen=True)
class TextMatch:
    """``contains`` (a substring) or ``matches`` (a glob: ``*`` any run, ``?`` one character).

    Both are case-insensitive and whole-string for ``matches``.
    """

    op: str  # "contains" | "matches"
    field: Field
    pattern: Literal
    offset: int = 0


@dataclass(frozen=True)
class Exists:
    field: Field
    offset: int = 0


@dataclass(frozen=True)
class Truthy:
    """A bare boolean field used as a condition, like ``event.violates_policy``."""

    field: Field
    offset: int = 0


@dataclass(frozen=True)
class Not:
    item: Node
    offset: int = 0


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]
    offset: int = 0


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]
    offset: int = 0


Leaf = Compare | In | TextMatch | Exists | Truthy
Node = Leaf | Not | And | Or


def fields_of(node: Node) -> list[Field]:
    """Every field a condition names, in order of appearance."""
    if isinstance(node, (And, Or)):
        return [f for item in node.items for f in fields_of(item)]
    if isinstance(node, Not):
        return fields_of(node.item)
    return [node.field]


def leaves_of(node: Node) -> list[Leaf]:
    if isinstance(node, (And, Or)):
        return [leaf for item in node.items for leaf in leaves_of(item)]
    if isinstance(node, Not):
        return leaves_of(node.item)
    return [node]


def render(node: Node) -> str:
    """A canonical text of the condition (fully parenthesised where it matters)."""
    if isinstance(node, Compare):
        return f"{node.field.name} {node.op} {_lit(node.value)}"
    if isinstance(node, In):
        return f"{node.field.name} in [{', '.join(_lit(v) for v in node.values)}]"
    if isinstance(node, TextMatch):
        return f"{node.field.name} {node.op} {_lit(node.pattern)}"
    if isinstance(node, Exists):
        return f"exists {node.field.name}"
    if isinstance(node, Truthy):
        return node.field.name
    if isinstance(node, Not):
        return f"not ({render(node.item)})"
    joiner = " and " if isinstance(node, And) else " or "
    return "(" + joiner.join(render(i) for i in node.items) + ")"


def _lit(lit: Literal) -> str:
    if lit.text:
        return lit.text
    if isinstance(lit.value, bool):
        return "true" if lit.value else "false"
    if isinstance(lit.value, str):
        return '"' + lit.value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(lit.value)
