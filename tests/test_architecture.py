"""The folders keep showing the architecture: these boundaries are held by a test, so a
shortcut across them fails here instead of in review (harlequin keeps its core free of its
front ends the same way)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "drills"
CORE = ("rulebook", "engine", "feed", "team", "sim", "score", "drive", "log", "inputs")
FRONT_END_LIBRARIES = ("click", "textual", "starlette", "uvicorn", "jinja2", "sse_starlette")
FRONT_ENDS = ("play", "serve")


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function (lazy imports count)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def _starts(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("folder", CORE)
def test_the_core_never_imports_a_front_end_library(folder: str) -> None:
    offenders = {f"{path.relative_to(PACKAGE)}: {name}" for path in modules(folder)
                 for name in imports_of(path) if _starts(name, FRONT_END_LIBRARIES)}
    assert not offenders, sorted(offenders)


@pytest.mark.parametrize("folder", CORE)
def test_the_core_never_imports_a_front_end(folder: str) -> None:
    ours = tuple(f"drills.{f}" for f in (*FRONT_ENDS, "cli", "report", "store", "bench"))
    offenders = {f"{path.relative_to(PACKAGE)}: {name}" for path in modules(folder)
                 for name in imports_of(path) if _starts(name, ours)}
    assert not offenders, sorted(offenders)


def test_the_simulation_does_not_import_scoring() -> None:
    offenders = {f"{path.name}: {name}" for path in modules("sim")
                 for name in imports_of(path) if _starts(name, ("drills.score",))}
    assert not offenders, sorted(offenders)


@pytest.mark.parametrize("front", FRONT_ENDS)
def test_no_front_end_imports_another(front: str) -> None:
    others = (*(f"drills.{f}" for f in FRONT_ENDS if f != front), "drills.cli")
    offenders = {f"{path.relative_to(PACKAGE)}: {name}" for path in modules(front)
                 for name in imports_of(path) if _starts(name, others)}
    assert not offenders, sorted(offenders)


def test_only_one_module_talks_to_durable_rules() -> None:
    users = {str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
             if any(_starts(name, ("durable",)) for name in imports_of(path))}
    assert users == {"engine/durable_engine.py"}


def test_no_module_is_over_600_lines() -> None:
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text("utf-8").splitlines())) > 600}
    assert not long, long


def test_few_modules_stay_at_the_root() -> None:
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert loose == ["__init__.py", "errors.py", "vocabulary.py"], loose


def test_the_checker_sees_lazy_imports(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text("def f():\n    import click\n    from drills.serve import app\n")
    assert imports_of(sample) == {"click", "drills.serve"}
