"""Check a parsed condition against the field schema: unknown fields, wrong literal types.

Returns findings as ``(offset, message)`` pairs; the loader turns them into ``path:line:col``.
"""

from __future__ import annotations

from drills.inputs.validation import suggest
from drills.rulebook import ast
from drills.rulebook.fields import NAMESPACES, FieldSpec, lookup

#: Which literal types each field type accepts.
_ACCEPTS = {
    "number": {"number"},
    "duration": {"number", "duration"},
    "severity": {"number", "string"},
    "string": {"string"},
    "bool": {"bool"},
}
_ORDERED = {"number", "duration", "severity"}


def check(node: ast.Node, severities: tuple[str, ...]) -> list[tuple[int, str]]:
    findings: list[tuple[int, str]] = []
    for leaf in ast.leaves_of(node):
        spec = _field_spec(leaf.field, findings)
        if spec is None:
            continue
        if isinstance(leaf, ast.Compare):
            _check_literal(leaf.field, spec, leaf.value, severities, findings)
            if leaf.op not in ("==", "!=") and spec.type not in _ORDERED:
                findings.append((leaf.offset, f"{leaf.field.name} is a {spec.type}; "
                                 f"{leaf.op} needs a number, duration or severity"))
        elif isinstance(leaf, ast.In):
            if not leaf.values:
                findings.append((leaf.offset, "an empty list never matches"))
            for value in leaf.values:
                _check_literal(leaf.field, spec, value, severities, findings)
        elif isinstance(leaf, ast.TextMatch):
            if spec.type != "string":
                findings.append((leaf.offset, f"{leaf.op} needs a text field; "
                                 f"{leaf.field.name} is a {spec.type}"))
        elif isinstance(leaf, ast.Truthy) and spec.type != "bool":
            findings.append((leaf.offset, f"{leaf.field.name} is a {spec.type}, not true/false; "
                             "compare it, like signal.mentions_1h > 0"))
    return findings


def _field_spec(field: ast.Field, findings: list[tuple[int, str]]) -> FieldSpec | None:
    spec = lookup(field.name)
    if spec is not None:
        return spec
    namespace = field.namespace
    if namespace not in NAMESPACES:
        hint = suggest(namespace, list(NAMESPACES))
        findings.append((field.offset, f"unknown namespace {namespace!r} in {field.name}{hint}; "
                         "use event., signal. or drill."))
        return None
    names = [f"{namespace}.{n}" for n in NAMESPACES[namespace]]
    findings.append((field.offset, f"unknown field {field.name}{suggest(field.name, names)}"))
    return None


def _check_literal(field: ast.Field, spec: FieldSpec, lit: ast.Literal,
                   severities: tuple[str, ...], findings: list[tuple[int, str]]) -> None:
    if lit.type not in _ACCEPTS[spec.type]:
        findings.append((lit.offset, f"{field.name} is a {spec.type}; "
                         f"cannot compare it with {lit.text or lit.value}"))
        return
    if spec.type == "severity":
        if not severities:
            return  # levels unknown here (a scenario, or a rulebook whose list is broken)
        if isinstance(lit.value, str) and lit.value not in severities:
            levels = ", ".join(severities)
            findings.append((lit.offset, f"unknown severity {lit.value!r}"
                             f"{suggest(lit.value, severities)}; levels are {levels}"))
        elif not isinstance(lit.value, str) and not 0 <= lit.value < len(severities):
            findings.append((lit.offset, f"severity {lit.value} is out of range "
                             f"0..{len(severities) - 1}"))
    elif spec.choices and isinstance(lit.value, str) and lit.value not in spec.choices:
        findings.append((lit.offset, f"{lit.value!r} is never a value of {field.name}"
                         f"{suggest(lit.value, spec.choices)}; it is one of "
                         f"{', '.join(spec.choices)}"))

