"""Paper tabletop artefacts: importing an exercise script, printing a drill's MSEL."""

from __future__ import annotations

import os
from typing import Any

from drills.api.drills import load_inputs
from drills.errors import InputError


def import_msel(path: str, *, output: str, sheet: str | None = None, preset: str | None = None,
                mapping: tuple[str, ...] = (), start: str | None = None, lang: str = "en",
                strict: bool = False, background: bool = True) -> Any:
    """``drill import msel``: a spreadsheet to DIR/scenario.yaml, team.yaml, rulebook.yaml."""
    from drills.exercise.columns import parse_map
    from drills.exercise.convert import convert
    from drills.exercise.sheet import read_sheet
    from drills.exercise.written import documents
    from drills.log.files import atomic_text

    overrides = parse_map(mapping, preset)
    loaded = read_sheet(path, sheet)
    try:
        imported = convert(loaded, overrides, start=start, lang=lang, background=background)
    except (InputError, ValueError) as exc:
        raise InputError(f"{path}: {exc}") from None
    if strict and imported.bad:
        raise InputError("\n".join([*imported.bad, f"{len(imported.bad)} bad row(s) with "
                                    "--strict: nothing written"]))
    if os.path.exists(output) and not os.path.isdir(output):
        raise InputError(f"-o {output}: is a file, not a folder")
    texts = documents(imported, path)  # each one loads, or nothing is written
    os.makedirs(output, exist_ok=True)
    for name, text in texts.items():
        atomic_text(os.path.join(output, f"{name}.yaml"), text)
    return imported


def exercise_script(*, scenario: str, rulebook: str = "default", team: str = "standard",
                    seed: int = 1, start: str = "mon 09:00", fmt: str = "md",
                    locale: str | None = None, map_roles: str | None = None) -> str | bytes:
    """``drill script``: the MSEL of a drill, from a simulated run of it."""
    from drills.drive.batch import simulate
    from drills.exercise.script import script_of

    loaded_scenario, loaded_rulebook, loaded_team, week_minute = load_inputs(
        scenario=scenario, rulebook=rulebook, team=team, start=start, locale=locale,
        map_roles=map_roles)
    records, _summary = simulate(loaded_scenario, loaded_rulebook, loaded_team, seed=seed,
                                 start=week_minute, log_feed="full")
    text, _rows = script_of(records, loaded_scenario, week_minute, fmt)
    return text
