"""What the set-up form shows of a scenario before a drill is made: its title, what it is
about, how long it runs, its platforms, its script of injects and breaks, its critical tasks.

Read from the scenario file (a built-in or the server's library), never from a drill: a
facilitator chooses with it. The texts are data for the page, shown as text.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from drills.errors import DrillError
from drills.inputs.durations import countdown
from drills.serve.auth import facilitator
from drills.serve.errors import api_error


def _at(minutes: float | None) -> str:
    return "when something sets it off" if minutes is None else f"after {countdown(minutes)}"


def scenario_preview(name: str, library: Any) -> dict[str, Any]:
    """The preview of scenario ``name`` (a 404 for a name the server does not offer)."""
    from drills.feed.scenario_load import load_scenario
    from drills.inputs.builtins import builtin_names, resolve

    own = library.get("scenario", {}) if library else {}
    if name in own:
        path = own[name][0]
    elif name in builtin_names("scenario"):
        path = resolve("scenario", name)
    else:
        raise api_error(404, f"no scenario {name!r} on this server")
    try:
        scenario = load_scenario(path)
    except DrillError as exc:
        raise api_error(422, str(exc)) from None
    return {
        "id": scenario.id, "title": scenario.title, "description": scenario.description,
        "cluster": scenario.cluster, "locale": scenario.locale,
        "hours": round(scenario.duration / 60, 2),
        "platforms": sorted(scenario.platforms, key=lambda p: -scenario.platforms[p]),
        "injects": [{"id": i.id, "kind": i.kind.replace("_", " "), "when": _at(i.at),
                     "to": [t.replace("_", " ") for t in i.to], "subject": i.subject or ""}
                    for i in scenario.injects],
        "breaks": [{"when": _at(b.at), "minutes": b.minutes, "title": b.title}
                   for b in scenario.breaks],
        "tasks": len(scenario.evaluation),
    }


async def preview(request: Request) -> Response:
    server = facilitator(request)
    return JSONResponse(scenario_preview(request.path_params["name"], server.library))
