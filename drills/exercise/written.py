"""The three files an import writes, rendered and checked to load before any is written:
an import that reports success makes a drill that lints and runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drills.errors import InputError
from drills.exercise.convert import Imported

NAMES = ("scenario", "team", "rulebook")
#: The most values (injects, recipients, expectations, each text...) an imported file may
#: hold: below what the YAML loader takes (200,000 nodes), counted before any YAML is made.
MAX_VALUES = 150_000


def documents(imported: Imported, source: str) -> dict[str, str]:
    """``{name: YAML text}`` for scenario, team and rulebook; raises InputError, in words,
    when one of them would not load (too large, too long a drill)."""
    import yaml

    from drills.feed.scenario_load import check_scenario_text
    from drills.rulebook.load import check_rulebook_text
    from drills.team.load import check_team_text

    checks: dict[str, Callable[[str, str], Any]] = {
        "scenario": check_scenario_text, "team": check_team_text,
        "rulebook": check_rulebook_text}
    texts: dict[str, str] = {}
    for name in NAMES:
        document = getattr(imported, name)
        size = _values(document)
        if size > MAX_VALUES:
            raise InputError(f"{source}: {imported.rows:,} injects make a {name} of {size:,} "
                             f"values, more than a drill file holds ({MAX_VALUES:,}); split "
                             "the script into several drills")
        text = f"# Imported from {source} by drill import msel; edit freely.\n" + \
            yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
        try:
            checked = checks[name](text, f"{name}.yaml")
        except InputError as exc:
            problem = exc.diagnostics[0].message if exc.diagnostics else str(exc)
            raise InputError(_in_words(source, name, imported, problem)) from None
        if checked.errors:
            raise InputError(_in_words(source, name, imported, checked.errors[0].message))
        texts[name] = text
    return texts


def _in_words(source: str, name: str, imported: Imported, problem: str) -> str:
    problem = problem.split("\n", 1)[0]
    if "too large" in problem:
        return (f"{source}: {imported.rows:,} injects make a {name} too large to load "
                f"({problem}); split the script into several drills")
    return f"{source}: the {name} made from this sheet would not load: {problem}"


def _values(document: Any) -> int:
    """Values as the YAML loader counts its nodes: every mapping, list and scalar, not keys."""
    count, stack = 0, [document]
    while stack:
        value = stack.pop()
        count += 1
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return count
