"""A project file for the validation commands: ``drills.toml`` (a ``[compare]`` table) or
``pyproject.toml`` (``[tool.drills.compare]``) in the working directory, so CI runs
``drill compare OLD NEW`` with no flags. A flag on the command line wins over the file.

    [tool.drills.compare]
    scenarios = "all"
    teams = "standard,understaffed"
    seeds = 20
    start = "mon 09:00"
    fail_if_worse = true                  # or "statements,negative_reach"
    max_pages_per_role = 40
    margins = {time_to_first_statement = "10m"}
"""

from __future__ import annotations

import os
import tomllib
from typing import Any

from drills.errors import InputError
from drills.inputs.validation import suggest

#: What a ``[compare]`` table may hold, and the type each value must have.
COMPARE_KEYS: dict[str, tuple[type, ...]] = {
    "scenarios": (str,), "teams": (str,), "seeds": (int,), "start": (str,),
    "workers": (int,), "fail_if_worse": (bool, str), "max_pages_per_role": (int, float),
    "margins": (dict,), "cache": (str,),
}


def project_settings(command: str, folder: str = ".") -> tuple[str | None, dict[str, Any]]:
    """(the file it came from, the settings for ``command``): ``drills.toml`` first, then
    ``pyproject.toml``'s ``[tool.drills]``; (None, {}) when neither has any."""
    for name, table_path in (("drills.toml", (command,)),
                             ("pyproject.toml", ("tool", "drills", command))):
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            continue
        try:
            with open(path, "rb") as handle:
                data: Any = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot be read as TOML ({exc})") from None
        for key in table_path:
            data = data.get(key) if isinstance(data, dict) else None
        if data is None:
            continue
        where = f"{name} [{'.'.join(table_path)}]"
        if not isinstance(data, dict):
            raise InputError(f"{where}: expected a table")
        return where, _checked(where, data)
    return None, {}


def _checked(where: str, table: dict[str, Any]) -> dict[str, Any]:
    for key, value in table.items():
        if key not in COMPARE_KEYS:
            raise InputError(f"{where}: unknown key {key!r}{suggest(key, COMPARE_KEYS)}; "
                             f"keys: {', '.join(COMPARE_KEYS)}")
        kinds = COMPARE_KEYS[key]
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            names = " or ".join(k.__name__ for k in kinds)
            raise InputError(f"{where}: {key} must be {names}, got {value!r}")
    margins = table.get("margins", {})
    if not all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
               for v in margins.values()):
        raise InputError(f"{where}: margins map a metric to a value like \"10m\" or \"5%\"")
    return table
