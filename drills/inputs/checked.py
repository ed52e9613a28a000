"""The outcome of checking one input file: the typed value (None on any error) and findings."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from drills.errors import Diagnostic, InputError
from drills.inputs.yamldoc import Document, parse_yaml, read_text

T = TypeVar("T")


@dataclass
class Checked(Generic[T]):
    value: T | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


Check = Callable[[Document], Checked[T]]


def list_or_empty(value: Any) -> list[Any]:
    """``value`` if it is a list, else an empty list (the schema has said what is wrong)."""
    return value if isinstance(value, list) else []


def mapping_or_empty(value: Any) -> dict[str, Any]:
    """``value`` if it is a mapping, else an empty one (the schema has said what is wrong)."""
    return value if isinstance(value, dict) else {}


def optional_number(value: Any) -> float | None:
    """A finite number, or None for anything else (absent, or already reported)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def number_or(value: Any, default: float) -> float:
    """``value`` if it is a finite number, else ``default``.

    Builders run after the schema has reported a wrong type; they must not crash on it
    (``float('01e999.3')`` raised where a positioned error had already been given).
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return default


KINDS = ("rulebook", "scenario", "team", "actions")


def wrong_kind(doc: Document, expected: str) -> Checked[T] | None:
    """One clear error when a file of another kind is given where ``expected`` is wanted."""
    value = doc.value
    if not isinstance(value, dict) or expected in value:
        return None
    for kind in KINDS:
        if kind != expected and kind in value:
            return Checked[T](None, [doc.diagnostic((), f"this is a {kind} file, not a "
                                                    f"{expected} (it has a '{kind}:' key)")])
    return None


def check_source(text: str, path: str, check: Check[T]) -> Checked[T]:
    """Parse YAML ``text`` (named ``path`` in messages) and check it."""
    try:
        doc = parse_yaml(text, path)
    except InputError as exc:
        return Checked[T](None, exc.diagnostics)
    return check(doc)


def check_path(path: str, check: Check[T]) -> Checked[T]:
    """Read and check the file at ``path``; unreadable files become diagnostics too."""
    try:
        text = read_text(path)
    except InputError as exc:
        return Checked[T](None, exc.diagnostics)
    return check_source(text, path, check)


def load_checked(path: str, check: Check[T]) -> T:
    """The typed value of the file at ``path``; InputError listing every error otherwise."""
    result = check_path(path, check)
    if result.value is None:
        raise InputError(result.errors)
    return result.value
