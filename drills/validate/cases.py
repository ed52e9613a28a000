"""Rulebook unit tests as data (``drill test``): inputs at times, and what must happen.

Like Prometheus' ``promtool test rules``: each test feeds signals, events and drill state at
given minutes and expects firings, obligations and severity. The format is in
``docs/rulebook-tests.md``; the JSON Schema is ``drills/inputs/schemas/rulebook-tests.schema.json``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from drills.errors import Diagnostic
from drills.inputs.builtins import builtin_names, resolve
from drills.inputs.checked import Checked, check_path, load_checked
from drills.inputs.durations import parse_duration
from drills.inputs.validation import suggest, validate
from drills.inputs.yamldoc import Document, Path
from drills.rulebook.fields import DRILL_FIELDS, EVENT_FIELDS, SIGNAL_FIELDS
from drills.team.clock import parse_start

INPUT_KINDS = ("signal", "event", "drill")
EXPECT_KINDS = ("fires", "obligation", "severity", "never")


@dataclass(frozen=True)
class Input:
    at: float
    kind: str  # signal | event | drill
    values: dict[str, Any]
    line: int


@dataclass(frozen=True)
class Expect:
    kind: str  # fires | obligation | severity | never
    at: float | None
    value: Any
    line: int


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


def _known_keys(values: dict[str, Any], table: dict[str, Any], prefix: str = "") -> list[str]:
    """Dotted keys of ``values`` that ``table`` does not define."""
    unknown = []
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and any(k.startswith(f"{name}.") for k in table):
            unknown += _known_keys(value, table, f"{name}.")
        elif name not in table:
            unknown.append(name)
    return unknown


def check_rule_tests(doc: Document) -> Checked[RuleTestFile]:
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
    tables = {"signal": SIGNAL_FIELDS, "event": EVENT_FIELDS, "drill": DRILL_FIELDS}
    for i, item in enumerate(raw["tests"]):
        where: Path = ("tests", i)
        start = 0.0
        if "start" in item:
            try:
                start = parse_start(item["start"])
            except ValueError as exc:
                found.append(doc.diagnostic((*where, "start"), str(exc)))
        inputs = []
        for j, entry in enumerate(item["input"]):
            kind = next(k for k in INPUT_KINDS if k in entry)
            values = entry[kind]
            for name in _known_keys(values, tables[kind]):
                found.append(doc.diagnostic((*where, "input", j, kind), f"unknown {kind} "
                             f"field {name!r}{suggest(name, tables[kind])}"))
            inputs.append(Input(parse_duration(entry["at"]), kind, values,
                                doc.at((*where, "input", j)).line))
        expects = []
        for j, entry in enumerate(item["expect"]):
            kinds = [k for k in EXPECT_KINDS if k in entry]
            at: Path = (*where, "expect", j)
            if len(kinds) != 1 or (kinds[0] == "never") == ("at" in entry):
                found.append(doc.diagnostic(at, "an expectation is 'at' with one of fires, "
                                            "obligation or severity; or 'never' alone"))
                continue
            kind = kinds[0]
            value = entry[kind]
            if kind == "obligation" and "due" in value:
                value = {**value, "due": parse_duration(value["due"])}
            expects.append(Expect(kind, parse_duration(entry["at"]) if "at" in entry else None,
                                  value, doc.at(at).line))
        tests.append(RuleTest(item["name"], start, item.get("cluster", "accidental"),
                              tuple(sorted(inputs, key=lambda x: x.at)), tuple(expects),
                              doc.at(where).line))
    if any(d.severity == "error" for d in found):
        return Checked[RuleTestFile](None, sorted(found))
    return Checked(RuleTestFile(doc.path, rulebook, tuple(tests)), sorted(found))
