"""The JSON API's views: each checks who asks, reads the body, calls the server or the drill's
thread, and sends the answer as JSON. Nothing else happens here."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from drills.errors import DrillError
from drills.inputs.durations import parse_span
from drills.serve.auth import facilitator, participant, server_of, viewer
from drills.serve.errors import api_error
from drills.serve.library import options as library_options
from drills.serve.runner import DrillRunner
from drills.serve.validate import (
    CONTROL_OPS,
    coach_body,
    edit_input,
    inject_input,
    is_message,
    json_body,
    message_input,
    person_input,
    persona_input,
    project_input,
    speed_of,
    verdict_input,
)
from drills.sim.people import PersonError

#: How long a request waits for the drill's thread to answer.
ANSWER_SECONDS = 15


async def answer(runner: DrillRunner, command: str, **args: Any) -> Any:
    """Hand a command to the drill's thread and wait for its answer (409: the drill refuses;
    422: the input is wrong). A command that outlasts the wait goes on in the drill's thread
    (503): a request that gives up never cancels what the drill is doing."""
    waiting = asyncio.wrap_future(runner.submit(command, **args))
    waiting.add_done_callback(_consume)
    try:
        return await asyncio.wait_for(asyncio.shield(waiting), ANSWER_SECONDS)
    except TimeoutError:
        raise api_error(503, f"the drill is still busy with this after {ANSWER_SECONDS:g} s; "
                             "it goes on, and the drill's state will show it") from None
    except PersonError as exc:
        raise api_error(409, str(exc)) from None
    except DrillError as exc:
        raise api_error(422, str(exc)) from None


def _consume(done: asyncio.Future[Any]) -> None:
    """An answer nobody waited for any more: its error is not an unhandled one."""
    if not done.cancelled():
        done.exception()


async def healthz(_request: Request) -> Response:
    return JSONResponse({"ok": True})


async def options(request: Request) -> Response:
    server = facilitator(request)
    return JSONResponse(library_options(server.library))


async def list_drills(request: Request) -> Response:
    return JSONResponse(facilitator(request).listing())


async def create_drill(request: Request) -> Response:
    server = facilitator(request)
    body = await json_body(request)
    return JSONResponse(server.create(body), status_code=201)


async def control(request: Request) -> Response:
    server = facilitator(request)
    runner = server.runner(request.path_params["drill_id"])
    body = await json_body(request)
    op = body.get("op")
    if op not in CONTROL_OPS:
        raise api_error(422, f"op must be one of {', '.join(CONTROL_OPS)}")
    if op == "project":
        item = project_input(body)
        return JSONResponse(await answer(runner, "input", item=item))
    args: dict[str, Any] = {"op": op}
    if op == "speed":
        args["speed"] = speed_of(body)
    if op == "advance":
        try:
            args["minutes"] = parse_span(str(body.get("by", "")))
        except ValueError as exc:
            raise api_error(422, f"'by': {exc}") from None
    return JSONResponse(await answer(runner, "control", **args))


async def inject(request: Request) -> Response:
    """A scripted inject now (``inject``), an edit of a waiting one (``edit``), a message to
    roles now or later (``to`` with ``at``, ``in``, ``channel``...), or the ad-hoc form."""
    server = facilitator(request)
    runner = server.runner(request.path_params["drill_id"])
    body = await json_body(request)
    now = runner.live.now
    item = edit_input(body, now) if "edit" in body else \
        message_input(body, now) if is_message(body) else inject_input(body)
    return JSONResponse(await answer(runner, "input", item=item), status_code=201)


async def persona_post(request: Request) -> Response:
    """A post or a reply in the public feed as a persona."""
    server = facilitator(request)
    runner = server.runner(request.path_params["drill_id"])
    item = persona_input(await json_body(request))
    return JSONResponse(await answer(runner, "input", item=item), status_code=201)


async def validate_objective(request: Request) -> Response:
    server = facilitator(request)
    runner = server.runner(request.path_params["drill_id"])
    item = verdict_input(await json_body(request))
    return JSONResponse(await answer(runner, "input", item=item), status_code=201)


async def state(request: Request) -> Response:
    drill_id = request.path_params["drill_id"]
    view = viewer(request, drill_id)
    server = server_of(request)
    runner = server.runners.get(drill_id)
    if runner is not None:
        return JSONResponse(runner.views.get(view) or {"status": runner.status})
    row = server.db.drill(drill_id)
    if row is None:
        raise api_error(404, f"no drill {drill_id!r}")
    _log, score = server.db.finished(drill_id)
    return JSONResponse({"status": row.status, "score": score})


async def actions(request: Request) -> Response:
    drill_id = request.path_params["drill_id"]
    role = participant(request, drill_id)
    runner = server_of(request).runner(drill_id)
    body = await json_body(request)
    item = person_input(body, role, runner.live.world.config.humans[role])
    return JSONResponse(await answer(runner, "input", item=item), status_code=201)


async def coach_text(request: Request) -> Response:
    drill_id = request.path_params["drill_id"]
    participant(request, drill_id)
    runner = server_of(request).runner(drill_id)
    text, action, channels = coach_body(await json_body(request))
    from drills.score.coaching import coach

    return JSONResponse({"notes": coach(text, action, channels, runner.live.world.lang)})


async def drill_log(request: Request) -> Response:
    server = facilitator(request)
    drill_id = request.path_params["drill_id"]
    runner = server.runners.get(drill_id)
    if runner is not None:
        text = "".join(runner.lines)
    else:
        data, _score = server.db.finished(drill_id)
        if data is None:
            raise api_error(404, f"no drill {drill_id!r}")
        text = data.decode("utf-8")
    return Response(text, media_type="application/x-ndjson")


async def drill_score(request: Request) -> Response:
    server = facilitator(request)
    drill_id = request.path_params["drill_id"]
    runner = server.runners.get(drill_id)
    if runner is not None and runner.final is not None:
        return JSONResponse(runner.final)
    _data, score = server.db.finished(drill_id)
    if score is None:
        raise api_error(409, "the drill has not ended: its score comes at the end")
    return JSONResponse(score)
