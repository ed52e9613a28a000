"""The files a server offers: the built-ins, and the facilitator's own folder (``--library``).

A drill spec names its inputs; only these names run, never a file path from the network.
"""

from __future__ import annotations

import os
from typing import Any

from drills.errors import DrillError, InputError
from drills.serve.errors import api_error
from drills.sim.world import DrillConfig

#: kind ("scenario", "rulebook", "team") -> name -> (absolute path, title or roles).
Library = dict[str, dict[str, tuple[str, Any]]]


def load_library(folder: str) -> Library:
    """Every scenario, rulebook and team file under ``folder``, loaded and checked (a bad
    file stops the server at start, with its problems)."""
    from drills.feed.scenario_load import load_scenario
    from drills.inputs.lint import expand
    from drills.inputs.yamldoc import parse_yaml, read_text
    from drills.rulebook.load import load_rulebook
    from drills.team.load import load_team

    if not os.path.isdir(folder):
        raise InputError(f"--library {folder}: not a folder")
    library: Library = {"scenario": {}, "rulebook": {}, "team": {}}
    for path in expand([folder]):
        value = parse_yaml(read_text(path), path).value
        if not isinstance(value, dict):
            continue
        path = os.path.abspath(path)
        if "scenario" in value:
            scenario = load_scenario(path)
            library["scenario"][scenario.id] = (path, scenario.title)
        elif "rulebook" in value:
            rulebook = load_rulebook(path)
            library["rulebook"][rulebook.name] = (path, sorted(rulebook.roles))
        elif "team" in value:
            team = load_team(path)
            library["team"][team.name] = (path, team.name)
    return library


def input_paths(spec: dict[str, Any], library: Library) -> dict[str, str]:
    """What each of the spec's names refers to: a library file's path, or a built-in's name
    (422 for any other name)."""
    from drills.inputs.builtins import builtin_names

    names = {}
    for kind in ("scenario", "rulebook", "team"):
        own = library.get(kind, {})
        if spec[kind] in own:
            names[kind] = own[spec[kind]][0]
        elif spec[kind] in builtin_names(kind):
            names[kind] = spec[kind]
        else:
            known = sorted({*builtin_names(kind), *own})
            raise api_error(422, f"{kind} {spec[kind]!r} is neither a built-in nor in the "
                                 f"server's library: {', '.join(known)}")
    return names


def drill_config(spec: dict[str, Any], library: Library) -> DrillConfig:
    """The checked spec's drill, every input loaded now: a mistake is a 422, not a drill
    thread dying."""
    from drills.api import people_config

    names = input_paths(spec, library)
    try:
        return people_config(scenario=names["scenario"], rulebook=names["rulebook"],
                             team=names["team"], seed=spec["seed"], start=spec["start"],
                             humans=spec["humans"], hours=spec.get("hours"),
                             locale=spec.get("locale"))
    except DrillError as exc:
        raise api_error(422, str(exc)) from None


def options(library: Library) -> dict[str, Any]:
    """What the set-up form offers: scenarios with titles, rulebooks with roles, teams."""
    from drills.feed.scenario_load import load_scenario
    from drills.inputs.builtins import builtin_names, resolve
    from drills.rulebook.load import load_rulebook

    rulebooks = {name: sorted(load_rulebook(resolve("rulebook", name)).roles)
                 for name in builtin_names("rulebook")}
    scenarios = {name: load_scenario(resolve("scenario", name)).title
                 for name in builtin_names("scenario")}
    scenarios.update({n: str(v[1]) for n, v in library.get("scenario", {}).items()})
    rulebooks.update({n: list(v[1]) for n, v in library.get("rulebook", {}).items()})
    teams = sorted({*builtin_names("team"), *library.get("team", {})})
    return {"scenarios": scenarios, "rulebooks": rulebooks, "teams": teams}
