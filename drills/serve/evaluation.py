"""The evaluator's page and the hot wash: what the people who watch and who played say.

An evaluator (own code, not a role: it acts on nothing in the drill) rates the drill's
critical tasks P/S/M/U, HSEEP's Exercise Evaluation Guide shape (objective -> capability ->
critical task), with notes tied to the drill's moment. The tasks are the scenario's
(``evaluation:``), else the rulebook's obligations: each rule an objective, the role a
capability, each required action a critical task. When the drill ends, each participant
answers a short hot wash. Both are committed to the server's database before the request
hears they were accepted, so a killed server comes back with them, and both go into the
served drill's after-action report.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from drills.errors import DrillError
from drills.inputs.durations import countdown
from drills.report.evaluation import Evaluation, EvaluationRow, HotWashRow, Task
from drills.rulebook.model import Rulebook
from drills.serve.auth import facilitator, participant, server_of
from drills.serve.db import HotWash, ServeDB
from drills.serve.errors import api_error
from drills.serve.library import drill_config
from drills.serve.pages import drill_lang, render
from drills.serve.server import new_code
from drills.serve.validate import checked_spec, json_body
from drills.sim.config import DrillConfig

RATINGS = ("P", "S", "M", "U")
#: Longest note or hot-wash answer, in characters.
NOTE_CHARS = 2000
EVALUATOR = "evaluator"


def tasks_of(config: DrillConfig) -> list[Task]:
    """The critical tasks of a drill: the scenario's (``evaluation:``), else the rulebook's."""
    declared = config.scenario.evaluation
    if declared:
        return [Task(t.id, t.objective, t.capability or t.role.replace("_", " ") or "-",
                     t.task) for t in declared]
    return rulebook_tasks(config.rulebook)


def rulebook_tasks(rulebook: Rulebook) -> list[Task]:
    """One critical task per action a rule requires of a role (objective: the rule)."""
    out: list[Task] = []
    for rule in rulebook.rules:
        if not rule.enabled:
            continue
        for n, ob in enumerate(rule.require):
            when = f" within {countdown(ob.within)}" if ob.within is not None else \
                f" every {countdown(ob.every)}" if ob.every is not None else ""
            approve = f", approved by {', '.join(ob.approve)}" if ob.approve else ""
            out.append(Task(f"{rule.id}/{n + 1}", rule.description or rule.id,
                            ob.role.replace("_", " "),
                            f"{ob.action.replace('_', ' ')}{when}{approve}"))
    return out


def evaluation_of(db: ServeDB, drill_id: str, config: DrillConfig | None) -> Evaluation:
    """What the report needs: the tasks, the ratings and notes, the hot wash."""
    tasks = tasks_of(config) if config is not None else []
    return Evaluation(
        tasks, [EvaluationRow(r.t, r.evaluator, r.task, r.rating, r.note)
                for r in db.ratings(drill_id)],
        [HotWashRow(h.role, h.well, h.improve, h.change) for h in db.hotwash(drill_id)])


def _text(body: dict[str, Any], key: str, *, required: bool = False) -> str:
    value = body.get(key, "")
    if not isinstance(value, str):
        raise api_error(422, f"'{key}' must be text")
    value = value.strip()
    if len(value) > NOTE_CHARS:
        raise api_error(422, f"'{key}' is {len(value)} characters; at most {NOTE_CHARS}")
    if required and not value:
        raise api_error(422, f"'{key}' is empty")
    return value


def _evaluator(request: Request) -> tuple[str, str]:
    code = request.headers.get("x-evaluator-code") or request.query_params.get("code", "")
    found = server_of(request).db.evaluator(code) if code else None
    if found is None:
        raise api_error(401, "an evaluator code is needed (X-Evaluator-Code: CODE)")
    if not secrets.compare_digest(found[0].encode(),
                                  str(request.path_params.get("drill_id", found[0])).encode()):
        raise api_error(403, "this evaluator code is for another drill")
    return found


async def evaluator_code(request: Request) -> Response:
    """The facilitator asks for the drill's evaluator link (made once, then the same)."""
    server = facilitator(request)
    drill_id = request.path_params["drill_id"]
    if server.db.drill(drill_id) is None:
        raise api_error(404, f"no drill {drill_id!r}")
    code = server.db.evaluator_code(drill_id, new_code(), EVALUATOR)
    return JSONResponse({"code": code, "url": f"/evaluate/{code}"})


async def evaluator_page(request: Request) -> Response:
    code = request.path_params["code"]
    found = server_of(request).db.evaluator(code)
    if found is None:
        return render("message", title="Unknown evaluator code",
                      message="This evaluator link is not valid. Ask the facilitator for yours.")
    return render("evaluator", drill_lang(request, found[0]), scripts=["common", "evaluator"],
                  page={"drill": found[0], "code": code})


def _drill(request: Request, drill_id: str) -> tuple[DrillConfig | None, str, float, str]:
    """The drill's set-up, its status, its moment and its clock ("" when it ended before
    this server process started)."""
    server = server_of(request)
    runner = server.runners.get(drill_id)
    if runner is not None:
        live = runner.live
        return live.world.config, runner.status, live.now, live.clock()
    row = server.db.drill(drill_id)
    if row is None:
        raise api_error(404, f"no drill {drill_id!r}")
    return stored_config(request, drill_id), row.status, row.reached, ""


def stored_config(request: Request, drill_id: str) -> DrillConfig | None:
    """The set-up of a drill, live or stored (None: its files are gone or changed)."""
    server = server_of(request)
    runner = server.runners.get(drill_id)
    if runner is not None:
        return runner.live.world.config
    row = server.db.drill(drill_id)
    if row is None:
        return None
    try:
        return drill_config(checked_spec(row.spec), server.library)
    except (DrillError, HTTPException):
        return None


async def evaluation_state(request: Request) -> Response:
    drill_id = request.path_params["drill_id"]
    _evaluator(request)
    config, status, _now, clock = _drill(request, drill_id)
    server = server_of(request)
    evaluation = evaluation_of(server.db, drill_id, config)
    row = server.db.drill(drill_id)
    # The room's code: the evaluator follows the drill as the room wall shows it (public).
    return JSONResponse({"status": status, "clock": clock, "room": row.room if row else "",
                         "tasks": [asdict(t) for t in evaluation.tasks],
                         "ratings": [dict(asdict(r), clock=_clock_at(request, drill_id, r.t))
                                     for r in evaluation.ratings]})


def _clock_at(request: Request, drill_id: str, t: float) -> str:
    """The drill's clock at ``t`` ("" once its thread is gone)."""
    runner = server_of(request).runners.get(drill_id)
    return runner.live.clock(t) if runner is not None else ""


async def rate(request: Request) -> Response:
    """A rating or a note, at the drill's current moment; committed before the answer."""
    drill_id = request.path_params["drill_id"]
    _own, name = _evaluator(request)
    body = await json_body(request)
    config, status, now, clock = _drill(request, drill_id)
    task = _text(body, "task", required=True)
    if config is not None and task not in {t.id for t in tasks_of(config)}:
        raise api_error(422, f"no critical task {task!r} in this drill")
    rating = _text(body, "rating").upper()
    if rating and rating not in RATINGS:
        raise api_error(422, f"'rating' must be one of {', '.join(RATINGS)}, or empty")
    note = _text(body, "note")
    if not rating and not note:
        raise api_error(422, "give a rating, a note, or both")
    stored = server_of(request).db.add_rating(drill_id, round(now, 3), name, task, rating, note)
    return JSONResponse(dict(asdict(stored), clock=clock, status=status), status_code=201)


async def hotwash(request: Request) -> Response:
    """A participant's hot wash, once the drill has ended."""
    drill_id = request.path_params["drill_id"]
    role = participant(request, drill_id)
    server = server_of(request)
    row = server.db.drill(drill_id)
    if row is None or row.status != "ended":
        raise api_error(409, "the hot wash opens when the drill ends")
    body = await json_body(request)
    answer = HotWash(role, _text(body, "well"), _text(body, "improve"), _text(body, "change"))
    if not (answer.well or answer.improve or answer.change):
        raise api_error(422, "answer at least one question")
    server.db.add_hotwash(drill_id, answer)
    return JSONResponse(asdict(answer), status_code=201)
