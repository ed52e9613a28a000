"""Golden files: the compiled engine JSON of every built-in rulebook, as a readable diff.

A change to compiled output fails here; regenerate deliberately with
``UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from drills.engine.compile import compile_rulebook
from drills.inputs.builtins import builtin_names, resolve
from drills.rulebook.load import load_rulebook

GOLDEN = Path(__file__).parent / "golden"


def _compiled(name: str) -> str:
    compiled = compile_rulebook(load_rulebook(resolve("rulebook", name)))
    document = {"ruleset": compiled.ruleset, "fields": compiled.fields,
                "forbidden_actions": sorted(compiled.forbidden_actions)}
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


@pytest.mark.parametrize("name", builtin_names("rulebook"))
def test_compiled_rulebook_matches_its_golden_file(name: str) -> None:
    path = GOLDEN / f"{name}.compiled.json"
    actual = _compiled(name)
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with UPDATE_GOLDEN=1 and review it"
    assert actual == path.read_text(encoding="utf-8")


def test_golden_files_have_no_orphans() -> None:
    names = {f"{n}.compiled.json" for n in builtin_names("rulebook")}
    assert {p.name for p in GOLDEN.glob("*.json")} == names
