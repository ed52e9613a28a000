"""The README's main command, run as a new user would: a clean clone, a fresh environment.

Slow (it builds environments), but part of the suite that CI runs. The test command itself
is what CI runs, so it is not recursed into here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _clone(tmp_path: Path) -> Path:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    target = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(target)], check=True)
    # Uncommitted work is part of what is being tested: copy tracked files over the clone.
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                            "--exclude-standard"], cwd=ROOT, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if ".venv" not in p)
    return env


@pytest.mark.slow
def test_main_command_from_a_clean_clone(tmp_path: Path) -> None:
    clone = _clone(tmp_path)
    result = subprocess.run([sys._base_executable, "tasks.py", "drill"], cwd=clone, env=_env(),
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert (clone / ".venv" / "bin" / "drill").exists()
    assert "Score " in result.stdout and "What to improve" in result.stdout


@pytest.mark.slow
def test_pip_install_ships_the_builtins(tmp_path: Path) -> None:
    """After ``pip install .``, ``drill`` run from elsewhere finds built-ins by name."""
    clone = _clone(tmp_path)
    venv = tmp_path / "venv"
    subprocess.run([sys._base_executable, "-m", "venv", str(venv)], check=True)
    install = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                              "--disable-pip-version-check", str(clone)], env=_env(),
                             capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr[-3000:]
    shutil.rmtree(clone)  # nothing may be read from the checkout any more
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    listing = subprocess.run([str(venv / "bin" / "drill"), "list"], cwd=elsewhere,
                             capture_output=True, text=True, env=_env(), timeout=120)
    assert listing.returncode == 0, listing.stderr
    for name in ("default", "strict", "overheating-kettle", "sv-data-breach", "standard",
                 "well-drilled"):
        assert name in listing.stdout, name
    shown = subprocess.run([str(venv / "bin" / "drill"), "rules", "show", "strict"],
                           cwd=elsewhere, capture_output=True, text=True, env=_env(), timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert "press-inquiry" in shown.stdout
    ran = subprocess.run([str(venv / "bin" / "drill"), "run", "--seed", "2", "--hours", "3",
                          "--team", "well-drilled", "--scenario", "sv-boycott-call"],
                         cwd=elsewhere, capture_output=True, text=True, env=_env(), timeout=300)
    assert ran.returncode == 0, ran.stderr
    # A Swedish drill speaks Swedish: the message catalogue ships in the wheel too.
    assert "Poäng " in ran.stdout and "Att förbättra" in ran.stdout
