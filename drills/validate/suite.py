"""Run rulebook test files (``drill test``): each file against its own rulebook or a given
one, filtered by name, each test timed for JUnit."""

from __future__ import annotations

import time
from dataclasses import dataclass

from drills.errors import Diagnostic, InputError
from drills.inputs.builtins import resolve
from drills.rulebook.load import load_rulebook
from drills.validate.cases import RuleTest, load_rule_tests, select
from drills.validate.runner import TestResult, check_references, run_test


@dataclass(frozen=True)
class Ran:
    """One test's result and how long it took (wall seconds, for JUnit only)."""

    result: TestResult
    seconds: float

    @property
    def test(self) -> RuleTest:
        return self.result.test

    @property
    def path(self) -> str:
        return self.result.path

    @property
    def failures(self) -> tuple[str, ...]:
        return self.result.failures

    @property
    def passed(self) -> bool:
        return self.result.passed


def run_tests(rulebook: str | None, test_files: list[str], keyword: str | None = None,
              broken: list[Diagnostic] | None = None) -> list[Ran]:
    """Every test of every file, in file order; ``rulebook`` None: each file's own.

    A file with mistakes raises InputError, unless ``broken`` is given: then its
    diagnostics go there and the other files still run (for a report written anyway)."""
    given = load_rulebook(resolve("rulebook", rulebook)) if rulebook else None
    ran: list[Ran] = []
    for path in test_files:
        try:
            cases = select(load_rule_tests(path), keyword)
            book = given or load_rulebook(cases.rulebook)
            check_references(cases, book)
        except InputError as exc:
            if broken is None:
                raise
            broken += exc.diagnostics or [Diagnostic(path, 1, 1, str(exc))]
            continue
        for test in cases.tests:
            started = time.perf_counter()
            result = run_test(test, book, cases.path)
            ran.append(Ran(result, time.perf_counter() - started))
    return ran
