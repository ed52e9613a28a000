"""The project's exceptions: one base class, a one-line docstring each."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding about an input file, with the position a user can jump to."""

    path: str
    line: int
    col: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.path}:{self.line}:{self.col}: {tag}{self.message}"


class DrillError(Exception):
    """Base class of every error crisis-drills raises on purpose."""


class InputError(DrillError):
    """The user's input is wrong; carries every diagnostic found, positioned."""

    def __init__(self, diagnostics: list[Diagnostic] | str) -> None:
        if isinstance(diagnostics, str):
            self.diagnostics: list[Diagnostic] = []
            text = diagnostics
        else:
            self.diagnostics = sorted(diagnostics)
            text = "\n".join(str(d) for d in self.diagnostics)
        super().__init__(text)


class ConditionSyntaxError(DrillError):
    """A rule condition does not parse; `offset` is the 0-based column inside the condition."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class RefusedError(DrillError):
    """An input to a running drill that cannot be done now (a command, a person's action)."""


class EngineError(DrillError):
    """The rule engine failed inside a drill (durable-rules swallowed an action's exception)."""


class LogError(DrillError):
    """A drill log cannot be read: wrong schema version, truncated or not a log."""


class DrillInterrupted(DrillError):
    """The user interrupted a drill (Ctrl-C); what it wrote so far was kept (exit 130)."""

    def __init__(self, message: str, *, log: str | None = None, minute: float = 0.0) -> None:
        super().__init__(message)
        self.log = log
        self.minute = minute


class RecordsOutOfOrder(LogError):
    """A log record comes before one with a later time; ``line`` is where (hand-written logs
    are sorted instead, unless ``--strict``)."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line
