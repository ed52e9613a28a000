"""``drill lint``: check rulebooks, scenarios and teams, every problem of every file at once."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from drills.errors import Diagnostic, InputError
from drills.inputs.yamldoc import Document, parse_yaml, read_text

Checker = Callable[[Document], list[Diagnostic]]


def _checkers() -> dict[str, Checker]:
    from drills.feed.scenario_load import check_scenario
    from drills.inputs.actions_file import check_actions
    from drills.rulebook.load import check_rulebook
    from drills.team.load import check_team

    checkers: dict[str, Checker] = {
        "rulebook": lambda d: check_rulebook(d).diagnostics,
        "scenario": lambda d: check_scenario(d).diagnostics,
        "team": lambda d: check_team(d).diagnostics,
        "actions": lambda d: check_actions(d).diagnostics,
    }
    return checkers


def expand(paths: Iterable[str]) -> list[str]:
    """Files to lint: a directory stands for the YAML files inside it (recursively)."""
    result: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found = sorted(
                os.path.join(root, name)
                for root, _dirs, files in os.walk(path)
                for name in files if name.endswith((".yaml", ".yml"))
            )
            if not found:
                result.append(path)  # reported as "a directory with no YAML files"
            result.extend(found)
        else:
            result.append(path)
    return result


def lint_file(path: str) -> list[Diagnostic]:
    """Every diagnostic for one file, whatever kind of file it is."""
    if os.path.isdir(path):
        return [Diagnostic(path, 1, 1, "is a directory with no .yaml files in it")]
    try:
        doc = parse_yaml(read_text(path), path)
    except InputError as exc:
        return exc.diagnostics
    if not isinstance(doc.value, dict):
        return [doc.diagnostic((), "expected a mapping with a 'rulebook:', 'scenario:', "
                               "'team:' or 'actions:' key at the top")]
    if "tests" in doc.value:  # rulebook unit tests name their rulebook too
        from drills.validate.cases import check_rule_tests

        return check_rule_tests(doc).diagnostics
    checkers = _checkers()
    kinds = [k for k in checkers if k in doc.value]
    if len(kinds) != 1:
        what = "both " + " and ".join(kinds) if kinds else "none"
        return [doc.diagnostic((), "cannot tell what this file is: it needs exactly one of "
                               f"the top-level keys {', '.join(checkers)} (found {what})")]
    return checkers[kinds[0]](doc)


def lint_paths(paths: Iterable[str]) -> list[Diagnostic]:
    return [d for path in expand(paths) for d in lint_file(path)]
