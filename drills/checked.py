"""The outcome of checking one input file: the typed value (None on any error) and findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from drills.errors import Diagnostic

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
