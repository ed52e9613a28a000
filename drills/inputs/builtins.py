"""Find built-in rulebooks, scenarios and teams by name, installed or from a checkout.

A wheel carries them in ``drills/builtin/``; a source checkout (or an editable install)
has them at the repository's top level, where reviewers read them.
"""

from __future__ import annotations

import os
from pathlib import Path

from drills.errors import InputError
from drills.inputs.validation import suggest

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_KINDS = {"rulebook": "rules", "scenario": "scenarios", "team": os.path.join("scenarios", "teams")}


def builtin_dir(kind: str) -> Path:
    sub = _KINDS[kind]
    installed = _PACKAGE_DIR / "builtin" / sub
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / sub


def builtin_names(kind: str) -> list[str]:
    folder = builtin_dir(kind)
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.yaml"))


def resolve(kind: str, name_or_path: str) -> str:
    """A path for ``name_or_path``: an existing file path, or a built-in's name.

    Anything that looks like a path (has a separator or a .yaml/.yml ending) is taken as a
    path, so a typo in a path is reported as a missing file, not as an unknown name.
    """
    looks_like_path = (os.sep in name_or_path or "/" in name_or_path
                       or name_or_path.endswith((".yaml", ".yml")))
    if looks_like_path or os.path.exists(name_or_path):
        return name_or_path
    names = builtin_names(kind)
    if name_or_path in names:
        return str(builtin_dir(kind) / f"{name_or_path}.yaml")
    hint = suggest(name_or_path, names)
    raise InputError(f"unknown {kind} {name_or_path!r}{hint}; built-in {kind}s: "
                     f"{', '.join(names) or 'none'} (or give a path to a YAML file)")
