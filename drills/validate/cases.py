"""Rulebook unit tests as data (``drill test``): inputs at times, and what must happen.

Like Prometheus' ``promtool test rules``: each test feeds signals, events and drill state at
given minutes and expects firings, obligations and severity. The format is in
``docs/rulebook-tests.md``; the JSON Schema is ``drills/inputs/schemas/rulebook-tests.schema.json``.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from drills.errors import Diagnostic, InputError
from drills.inputs.builtins import builtin_names, resolve
from drills.inputs.checked import Checked, check_path, load_checked
from drills.inputs.durations import parse_duration
from drills.inputs.validation import suggest, validate
from drills.inputs.yamldoc import Document, Path
from drills.rulebook.fields import DRILL_FIELDS, EVENT_FIELDS, SIGNAL_FIELDS, FieldSpec
from drills.team.clock import parse_start

INPUT_KINDS = ("signal", "event", "drill", "action", "advance")
EXPECT_KINDS = ("fires", "obligation", "severity", "never", "violation", "allowed")
FIELD_TABLES = {"signal": SIGNAL_FIELDS, "event": EVENT_FIELDS, "drill": DRILL_FIELDS}


@dataclass(frozen=True)
class Input:
    at: float
    kind: str  # signal | event | drill | action | advance
    #: advance: {"minutes": m}; action: {"name": action, "event": {...}}
    values: dict[str, Any]
    line: int


@dataclass(frozen=True)
class Expect:
    kind: str  # fires | obligation | severity | never | violation | allowed
    at: float | None
    value: Any
    line: int
    #: With ``fires``: how many times (at ``at``, or in the whole test).
    times: int | None = None


@dataclass(frozen=True)
class RuleTest:
    name: str
    start: float
    cluster: str
    inputs: tuple[Input, ...]
    expects: tuple[Expect, ...]
    line: int


@dataclass(frozen=True)
class RuleTestFile:
    path: str
    rulebook: str  # a path or a built-in's name, as resolved from the file's folder
    tests: tuple[RuleTest, ...]


def load_rule_tests(path: str) -> RuleTestFile:
    """Load and check a test file; InputError with every positioned problem otherwise."""
    return load_checked(path, check_rule_tests)


def check_rule_tests_file(path: str) -> Checked[RuleTestFile]:
    return check_path(path, check_rule_tests)


#: Ranges of numeric input fields (inclusive); a value outside is a typo, not a test.
RANGES: dict[str, tuple[float, float]] = {
    "sentiment": (-1.0, 1.0), "arousal": (0.0, 1.0), "negative_share": (0.0, 1.0),
    "misinformation_share": (0.0, 1.0), "arousal_1h": (0.0, 1.0),
}
#: Every other number is a count or a size: never negative.
NON_NEGATIVE = (0.0, 1e12)
#: Smaller non-zero numbers reach durable-rules as ``1e-05`` and make it fail (error 204).
MIN_MAGNITUDE = 1e-4


def _shown(value: Any) -> str:
    """A value as the YAML author wrote it: ``true``, not ``True``."""
    return ("true" if value else "false") if isinstance(value, bool) else repr(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _bad_text(value: str) -> str | None:
    """Why a string cannot be a test's text (a lone surrogate cannot be printed or stored)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (not valid Unicode text)"
    return None


def _field_problem(name: str, spec: FieldSpec, value: Any) -> tuple[str | None, Any]:
    """(what is wrong with ``value`` for the field, the value to use: durations in minutes)."""
    if spec.type == "number":
        if not _is_number(value):
            return f"must be a number, got {_shown(value)}", value
        if not math.isfinite(value):
            return f"must be a finite number, got {_shown(value)}", value
        if value and abs(value) < MIN_MAGNITUDE:  # the engine refuses 1e-05 (DESIGN.md)
            return (f"is too close to 0 to test: write 0, or at least {MIN_MAGNITUDE:g} in "
                    f"size; got {_shown(value)}"), value
        low, high = RANGES.get(name.rpartition(".")[2], NON_NEGATIVE)
        if not low <= value <= high:
            span = f"from {low:g} to {high:g}" if high < NON_NEGATIVE[1] else \
                "0 or more" if value < low else "at most 10^12"
            return f"must be {span}, got {_shown(value)}", value
        return None, value
    if spec.type == "bool":
        return (None if isinstance(value, bool) else f"must be true or false, got {_shown(value)}",
                value)
    if spec.type == "duration":
        try:
            return None, parse_duration(value)
        except ValueError as exc:
            return str(exc), value
    if spec.type == "severity":  # a level name or number; the rulebook checks which
        ok = isinstance(value, str) or (_is_number(value) and not isinstance(value, float)
                                        and value >= 0)
        return (None if ok else f"must be a severity level name or number, got {_shown(value)}",
                value)
    if not isinstance(value, str):
        return f"must be text, got {_shown(value)}", value
    if spec.choices and value not in spec.choices:
        return (f"unknown value {value!r}{suggest(value, spec.choices)}; one of "
                f"{', '.join(spec.choices)}"), value
    return _bad_text(value), value


def _check_values(doc: Document, where: Path, kind: str, values: dict[str, Any],
                  found: list[Diagnostic], prefix: str = "") -> dict[str, Any]:
    """``values`` checked against the documented fields of ``kind``: unknown names, types,
    choices and ranges, each at its own line and column. Returns the values to use."""
    table = FIELD_TABLES[kind]
    checked: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        nested = sorted(k[len(name) + 1:] for k in table if k.startswith(f"{name}."))
        if nested:
            if isinstance(value, dict):
                checked[key] = _check_values(doc, (*where, key), kind, value, found,
                                             f"{name}.")
            else:
                found.append(doc.diagnostic((*where, key), f"{kind} field {name!r} is a "
                                            f"mapping of {', '.join(nested)}; got {_shown(value)}"))
            continue
        if name not in table:
            found.append(doc.diagnostic((*where, key), f"unknown {kind} field {name!r}"
                                        f"{suggest(name, table)}", key=True))
            continue
        problem, checked[key] = _field_problem(name, table[name], value)
        if problem:
            found.append(doc.diagnostic((*where, key), f"{kind} field {name!r} {problem}"))
    return checked


def _strings(value: Any, where: Path) -> Iterator[tuple[Path, str]]:
    """Every string in a document, keys included, with where it stands."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield (*where, key), key
            yield from _strings(item, (*where, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*where, i))


def check_rule_tests(doc: Document) -> Checked[RuleTestFile]:
    broken = [doc.diagnostic(where, f"{text!r} {problem}") for where, text in
              _strings(doc.value, ()) if (problem := _bad_text(text))]
    if broken:  # nothing else can be said safely about text that cannot be printed
        return Checked[RuleTestFile](None, sorted(broken))
    diags = validate(doc, "rulebook-tests")
    raw = doc.value
    if not isinstance(raw, dict) or any(d.severity == "error" for d in diags):
        return Checked[RuleTestFile](None, diags)
    found: list[Diagnostic] = list(diags)
    reference = raw["rulebook"]
    folder = os.path.dirname(os.path.abspath(doc.path))
    looks_like_path = reference.endswith((".yaml", ".yml")) or "/" in reference
    if looks_like_path:
        rulebook = os.path.normpath(os.path.join(folder, reference))
        if not os.path.isfile(rulebook):
            found.append(doc.diagnostic(("rulebook",), f"no rulebook at {rulebook} (paths are "
                                        "relative to this file)"))
    elif reference in builtin_names("rulebook"):
        rulebook = resolve("rulebook", reference)
    else:
        found.append(doc.diagnostic(("rulebook",), f"unknown rulebook {reference!r}"
                                    f"{suggest(reference, builtin_names('rulebook'))}"))
        rulebook = reference
    tests = []
    names: dict[str, int] = {}
    for i, item in enumerate(raw["tests"]):
        where: Path = ("tests", i)
        line = doc.at(where).line
        if item["name"] in names:
            found.append(doc.diagnostic((*where, "name"), f"duplicate test name "
                                        f"{item['name']!r} (first at line "
                                        f"{names[item['name']]})"))
        names.setdefault(item["name"], line)
        start = 0.0
        if "start" in item:
            try:
                start = parse_start(item["start"])
            except ValueError as exc:
                found.append(doc.diagnostic((*where, "start"), str(exc)))
        inputs: list[Input] = []
        end = 0.0  # where the last input left the clock (an ``advance`` moves it on)
        for j, entry in enumerate(item["input"]):
            here: Path = (*where, "input", j)
            kinds = [k for k in INPUT_KINDS if k in entry]
            if len(kinds) != 1:
                found.append(doc.diagnostic(here, "an input is 'at' with one of signal, event, "
                                            "drill, action or advance"))
                continue
            kind = kinds[0]
            at_minute = parse_duration(entry["at"])
            if at_minute < end - 1e-9:
                found.append(doc.diagnostic((*here, "at"), "inputs must be in time order: "
                                            f"{entry['at']} comes after {end:g}m "
                                            f"(line {inputs[-1].line})"))
            times = _series(doc, here, entry, at_minute, found)
            values = _input_values(doc, here, kind, entry[kind], found)
            input_line = doc.at(here).line
            for t in times:
                inputs.append(Input(t, kind, values, input_line))
            end = times[-1] + (values["minutes"] if kind == "advance" else 0.0)
        expects = []
        for j, entry in enumerate(item["expect"]):
            kinds = [k for k in EXPECT_KINDS if k in entry]
            at: Path = (*where, "expect", j)
            if len(kinds) != 1 or (kinds[0] not in ("never", "fires") and "at" not in entry) \
                    or ("times" in entry and kinds[0] != "fires") \
                    or (kinds[0] == "fires" and "at" not in entry and "times" not in entry):
                found.append(doc.diagnostic(at, "an expectation is 'at' with one of fires, "
                                            "obligation, severity, violation or allowed; "
                                            "'fires' with 'times'; or 'never'"))
                continue
            kind = kinds[0]
            value = entry[kind]
            if kind == "obligation" and "due" in value:
                value = {**value, "due": parse_duration(value["due"])}
            expects.append(Expect(kind, parse_duration(entry["at"]) if "at" in entry else None,
                                  value, doc.at(at).line, entry.get("times")))
        tests.append(RuleTest(item["name"], start, item.get("cluster", "accidental"),
                              tuple(inputs), tuple(expects), line))
    if any(d.severity == "error" for d in found):
        return Checked[RuleTestFile](None, sorted(found))
    return Checked(RuleTestFile(doc.path, rulebook, tuple(tests)), sorted(found))


#: The most inputs one series may stand for: a typo like ``every: 1s`` over a day is not a test.
MAX_SERIES = 1000


def _series(doc: Document, where: Path, entry: dict[str, Any], at: float,
            found: list[Diagnostic]) -> list[float]:
    """The minutes an input stands for: ``at`` alone, or ``at``, ``at + every``, ... up to
    ``until`` (inclusive), the shorthand for a state that repeats."""
    if "every" not in entry and "until" not in entry:
        return [at]
    if "every" not in entry or "until" not in entry:
        found.append(doc.diagnostic(where, "a series needs both 'every' and 'until'"))
        return [at]
    every, until = parse_duration(entry["every"]), parse_duration(entry["until"])
    if every <= 0 or until < at:
        found.append(doc.diagnostic((*where, "every" if every <= 0 else "until"),
                                    "a series is 'every' more than 0 'until' a time at or "
                                    "after 'at'"))
        return [at]
    count = int((until - at) / every + 1e-9) + 1
    if count > MAX_SERIES:
        found.append(doc.diagnostic((*where, "every"), f"a series of {count:,} inputs; at "
                                    f"most {MAX_SERIES:,}"))
        return [at]
    return [round(at + k * every, 6) for k in range(count)]


def _input_values(doc: Document, where: Path, kind: str, raw: Any,
                  found: list[Diagnostic]) -> dict[str, Any]:
    """One input's values, checked: fields for signal, event and drill; the minutes of an
    ``advance``; the action's name and its event (checked as an event) for ``action``."""
    if kind == "advance":
        return {"minutes": parse_duration(raw)}
    if kind == "action":
        spec: dict[str, Any] = {"name": raw} if isinstance(raw, str) else raw
        event = spec.get("event")
        checked = None if event is None else \
            _check_values(doc, (*where, "action", "event"), "event", event, found)
        return {"name": spec["name"], "event": checked}
    return _check_values(doc, (*where, kind), kind, raw if isinstance(raw, dict) else {}, found)


def select(cases: RuleTestFile, keyword: str | None) -> RuleTestFile:
    """Only the tests whose name contains ``keyword`` (case-insensitive), like ``pytest -k``."""
    if not keyword:
        return cases
    wanted = keyword.casefold()
    return replace(cases, tests=tuple(t for t in cases.tests if wanted in t.name.casefold()))


def is_test_file(path: str) -> bool:
    """Whether ``path`` holds rulebook tests (a ``tests:`` key) rather than a rulebook."""
    from drills.inputs.yamldoc import parse_yaml, read_text

    if not os.path.isfile(path):
        return False
    try:
        text = read_text(path)
        value = parse_yaml(text, path).value
    except InputError:
        # A test file with a mistake in it is still a test file: its loader then says
        # where the mistake is (``path:line:col``), not "name a test file too".
        try:
            return re.search(r"(?m)^tests\s*:", read_text(path)) is not None
        except InputError:
            return False
    return isinstance(value, dict) and "tests" in value
