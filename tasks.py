#!/usr/bin/env python3
"""The project's two commands, needing nothing but Python 3.11 (or 3.12) and git.

    python3 tasks.py drill   # create .venv, install, run a default drill (seed 1, fri 17:30)
    python3 tasks.py test    # create .venv, install with dev extras, run ruff, mypy, pytest

Extra arguments after the task name are passed on (to `drill` or to pytest).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _check_python() -> None:
    if not ((3, 11) <= sys.version_info[:2] < (3, 13)):
        sys.exit(
            f"crisis-drills needs Python 3.11 or 3.12 (durable-rules does not build on 3.13); "
            f"this is {sys.version.split()[0]}"
        )


def _run(*args: str | Path) -> None:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, check=False)
    if result.returncode != 0:
        sys.exit(result.returncode)


def _ensure_env(extras: str) -> None:
    _check_python()
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    stamp = VENV / f".installed-{extras or 'base'}"
    spec = f".[{extras}]" if extras else "."
    sources = [ROOT / "pyproject.toml"]
    if not stamp.exists() or any(s.stat().st_mtime > stamp.stat().st_mtime for s in sources):
        _run(BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "-e", spec)
        stamp.touch()


#: The default drill's options; each is kept unless the arguments give that option.
DRILL_DEFAULTS = {"--seed": "1", "--start": "fri 17:30"}


def drill_args(args: list[str]) -> list[str]:
    """``args`` plus every default option they do not override (``--seed 3`` or ``--seed=3``)."""
    given = {a.split("=", 1)[0] for a in args if a.startswith("--")}
    extra = [part for flag, value in DRILL_DEFAULTS.items() if flag not in given
             for part in (flag, value)]
    return [*args, *extra]


def drill(args: list[str]) -> None:
    _ensure_env("")
    _run(BIN / "drill", "run", *drill_args(args))


def test(args: list[str]) -> None:
    _ensure_env("dev")
    _run(BIN / "ruff", "check", ".")
    _run(BIN / "mypy")
    _run(BIN / "python", "-m", "pytest", "-q", *args)


TASKS = {"drill": drill, "test": test}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in TASKS:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(TASKS)}}} [ARGS...]")
    TASKS[sys.argv[1]](sys.argv[2:])
