"""The web app of ``drill serve`` (Starlette): pages, the JSON API, the live stream.

Every page is a thin room over the same API; the API only hands requests to the drill's
own thread (``runner.py``). Auth: the facilitator's bearer token, or a join code that acts
only as its role in its drill. Requests carry their credentials in headers, never cookies,
and must be JSON: a cross-site form cannot drive a drill.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from drills.drive.inputs import PersonInput
from drills.errors import DrillError
from drills.serve.db import DrillRow, ServeDB
from drills.serve.runner import DrillRunner
from drills.sim.people import MAX_TEXT, PersonAction, PersonError

MAX_BODY = 64 * 1024
STREAM_SECONDS = 0.5
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_ACTION_FIELDS = {"action", "obligation", "event", "channels", "text"}


def new_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


class ApiError(HTTPException):
    pass


def _error(status: int, message: str) -> ApiError:
    return ApiError(status_code=status, detail=message)


class Server:
    """The drills this server runs: their threads, by id."""

    def __init__(self, db: ServeDB, token: str, history: str | None = None,
                 library: Library | None = None,
                 wall: Callable[[], float] = time.monotonic) -> None:
        #: The wall clock the drills' real time runs on (tests hand in their own).
        self.wall = wall
        #: The facilitator's own files (--library): kind -> name -> (path, title or roles).
        self.library: Library = library or {}
        self.db = db
        self.token = token
        self.runners: dict[str, DrillRunner] = {}
        #: The history store ended drills are recorded in (None: not recorded).
        self.history = history

    def record(self, drill_id: str, log: bytes, score: dict[str, Any]) -> None:
        """An ended drill goes into the history store, like `drill run`'s (best effort: a
        store that fails is said in the server's log, never in the drill)."""
        if self.history is None:
            return
        import sqlite3

        from drills.inputs.builtins import resolve
        from drills.log.files import parse_log_lines
        from drills.store.store import file_hash, open_store

        try:
            numbered = parse_log_lines(log.decode("utf-8").splitlines(keepends=True), drill_id)
            header = numbered[0][1]
            spec = next(r.spec for r in self.db.drills() if r.id == drill_id)
            hashes = {kind: file_hash(resolve(kind, spec[kind]))
                      for kind in ("scenario", "rulebook", "team")}
            with open_store(self.history) as store:
                store.record(recorded=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                             kind="serve", header=header, score=score, log=log,
                             records=len(numbered), hashes=hashes)
        except (DrillError, sqlite3.Error, OSError) as exc:
            logging.getLogger("drills.serve").warning("drill %s not recorded in %s: %s",
                                                      drill_id, self.history, exc)

    def resume_all(self) -> list[str]:
        """After a restart: every unfinished drill, replayed to where it had reached."""
        resumed = []
        for row in self.db.drills():
            if row.status in ("created", "running", "paused"):
                self._start_runner(row, self.db.inputs(row.id))
                resumed.append(row.id)
        return resumed

    def _start_runner(self, row: DrillRow, inputs: list[PersonInput]) -> DrillRunner:
        config = _config(row.spec, self.library)
        runner = DrillRunner(row.id, config, self.db, status=row.status, speed=row.speed,
                             reached=row.reached, inputs=inputs, on_end=self.record,
                             wall=self.wall)
        self.runners[row.id] = runner
        runner.start()
        return runner

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        spec, people = _spec(body)
        # Checks every input now: a mistake is a 422, not a drill thread dying.
        _config(spec, self.library)
        drill_id = secrets.token_hex(4)
        codes = {new_code(): role for role in people}
        row = DrillRow(drill_id, datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                       spec, "created", float(spec["speed"]), 0.0, new_code())
        self.db.add_drill(row, codes)
        self._start_runner(row, [])
        join: dict[str, list[str]] = {}
        for code, role in codes.items():
            join.setdefault(role, []).append(code)
        return {"id": drill_id, "join": {r: c[0] if len(c) == 1 else c for r, c in join.items()},
                "room": row.room}

    def shutdown(self) -> None:
        """Stop every drill's thread, saving where it was (a restart resumes it)."""
        waiting = [runner.submit("stop") for runner in self.runners.values()
                   if runner.is_alive()]
        for answer in waiting:
            with contextlib.suppress(PersonError, TimeoutError):
                answer.result(timeout=10)
        for runner in self.runners.values():
            runner.join(timeout=10)

    def runner(self, drill_id: str) -> DrillRunner:
        runner = self.runners.get(drill_id)
        if runner is None:
            raise _error(404, f"no running drill {drill_id!r}")
        return runner


def _spec(body: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    allowed = {"scenario", "rulebook", "team", "seed", "start", "humans", "speed", "hours",
               "locale"}
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise _error(422, f"unknown field {unknown[0]!r}; fields: {', '.join(sorted(allowed))}")
    humans = body.get("humans") or []
    if not isinstance(humans, list) or not humans:
        raise _error(422, "'humans' must be a list of the roles people play, like "
                          "[\"comms_lead\", \"legal\"]")
    people: list[str] = []
    names: dict[str, str] = {}
    for item in humans:
        role, name = (item.get("role"), item.get("name")) if isinstance(item, dict) else \
            (item, None)
        if not isinstance(role, str) or not role:
            raise _error(422, "each of 'humans' is a role name or {role, name}")
        people.append(role)
        names.setdefault(role, str(name) if name else role.replace("_", " "))
    seed, speed = body.get("seed", 1), body.get("speed", 30)
    if not isinstance(seed, int) or seed < 0:
        raise _error(422, "'seed' must be a whole number, 0 or more")
    if not isinstance(speed, (int, float)) or not 0 <= speed <= 3600:
        raise _error(422, "'speed' must be a number from 0 to 3600")
    spec = {"scenario": str(body.get("scenario") or "overheating-kettle"),
            "rulebook": str(body.get("rulebook") or "default"),
            "team": str(body.get("team") or "standard"), "seed": seed,
            "start": str(body.get("start") or "mon 09:00"), "humans": names,
            "speed": float(speed), "hours": body.get("hours"), "locale": body.get("locale")}
    return spec, people


def _config(spec: dict[str, Any], library: Library) -> Any:
    from drills.api import people_config
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
            raise _error(422, f"{kind} {spec[kind]!r} is neither a built-in nor in the "
                              f"server's library: {', '.join(known)}")
    try:
        return people_config(scenario=names["scenario"], rulebook=names["rulebook"],
                             team=names["team"], seed=spec["seed"], start=spec["start"],
                             humans=spec["humans"], hours=spec.get("hours"),
                             locale=spec.get("locale"))
    except DrillError as exc:
        raise _error(422, str(exc)) from None


# -- auth --------------------------------------------------------------------------------------


def _server(request: Request) -> Server:
    server: Server = request.app.state.server
    return server


def _facilitator(request: Request) -> Server:
    server = _server(request)
    header = request.headers.get("authorization", "")
    token = header[7:] if header.lower().startswith("bearer ") else \
        request.query_params.get("token", "")
    if not token:
        raise _error(401, "the facilitator's token is needed (Authorization: Bearer TOKEN)")
    if not hmac.compare_digest(token.encode(), server.token.encode()):
        raise _error(401, "wrong facilitator token")
    return server


def _participant(request: Request, drill_id: str) -> str:
    """The role of the join code sent (header, or ``code`` for the stream), in this drill."""
    code = request.headers.get("x-join-code") or request.query_params.get("code", "")
    if not code:
        raise _error(401, "a join code is needed (X-Join-Code: CODE)")
    found = _server(request).db.code(code)
    if found is None:
        raise _error(401, "unknown join code")
    if not hmac.compare_digest(found[0].encode(), drill_id.encode()):
        raise _error(403, "this join code is for another drill")
    return found[1]


def _viewer(request: Request, drill_id: str) -> str:
    """Which view a request may see: the facilitator's, a role's, or the room's."""
    if request.headers.get("authorization") or request.query_params.get("token"):
        _facilitator(request)
        return "facilitator"
    room = request.query_params.get("room")
    if room:
        row = next((r for r in _server(request).db.drills() if r.id == drill_id), None)
        if row is None or not hmac.compare_digest(room.encode(), row.room.encode()):
            raise _error(403, "wrong room code for this drill")
        return "room"
    return f"role:{_participant(request, drill_id)}"


async def _json_body(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise _error(415, "send JSON (Content-Type: application/json)")
    origin = request.headers.get("origin")
    if origin and origin.split("://", 1)[-1] != request.headers.get("host"):
        raise _error(403, "cross-site request refused")
    try:
        body = json.loads(await request.body() or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise _error(400, "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise _error(400, "the body must be a JSON object")
    return body


async def _answer(runner: DrillRunner, command: str, **args: Any) -> Any:
    try:
        return await asyncio.wait_for(asyncio.wrap_future(runner.submit(command, **args)), 15)
    except PersonError as exc:
        raise _error(409, str(exc)) from None
    except ValueError as exc:
        raise _error(422, str(exc)) from None


# -- the API -----------------------------------------------------------------------------------


async def healthz(_request: Request) -> Response:
    return JSONResponse({"ok": True})


async def options(request: Request) -> Response:
    server = _facilitator(request)
    from drills.feed.scenario_load import load_scenario
    from drills.inputs.builtins import builtin_names, resolve
    from drills.rulebook.load import load_rulebook

    rulebooks = {name: sorted(load_rulebook(resolve("rulebook", name)).roles)
                 for name in builtin_names("rulebook")}
    scenarios = {name: load_scenario(resolve("scenario", name)).title
                 for name in builtin_names("scenario")}
    library = server.library
    scenarios.update({n: str(v[1]) for n, v in library.get("scenario", {}).items()})
    rulebooks.update({n: list(v[1]) for n, v in library.get("rulebook", {}).items()})
    teams = sorted({*builtin_names("team"), *library.get("team", {})})
    return JSONResponse({"scenarios": scenarios, "rulebooks": rulebooks, "teams": teams})


async def list_drills(request: Request) -> Response:
    server = _facilitator(request)
    drills = []
    for row in server.db.drills():
        runner = server.runners.get(row.id)
        drills.append({"id": row.id, "created": row.created, "status": runner.status
                       if runner else row.status, "spec": row.spec, "room": row.room,
                       "join": _join(server.db.codes(row.id))})
    return JSONResponse(drills)


def _join(codes: dict[str, str]) -> dict[str, Any]:
    join: dict[str, list[str]] = {}
    for code, role in codes.items():
        join.setdefault(role, []).append(code)
    return {r: c[0] if len(c) == 1 else c for r, c in join.items()}


async def create_drill(request: Request) -> Response:
    server = _facilitator(request)
    body = await _json_body(request)
    return JSONResponse(server.create(body), status_code=201)


async def control(request: Request) -> Response:
    server = _facilitator(request)
    runner = server.runner(request.path_params["drill_id"])
    body = await _json_body(request)
    op = body.get("op")
    if op not in ("start", "pause", "resume", "end", "speed", "advance"):
        raise _error(422, "op must be one of start, pause, resume, end, speed, advance")
    args: dict[str, Any] = {"op": op}
    if op == "speed":
        speed = body.get("speed")
        if not isinstance(speed, (int, float)) or not 0 <= speed <= 3600:
            raise _error(422, "speed must be a number from 0 to 3600")
        args["speed"] = float(speed)
    if op == "advance":
        from drills.play.commands import CommandError, parse_command

        try:
            command = parse_command(f"wait {body.get('by', '')}")
        except CommandError as exc:
            raise _error(422, f"'by': {exc}") from None
        assert command is not None
        args["minutes"] = command.minutes
    return JSONResponse(await _answer(runner, "control", **args))


async def inject(request: Request) -> Response:
    server = _facilitator(request)
    runner = server.runner(request.path_params["drill_id"])
    body = await _json_body(request)
    if "inject" in body:
        item = PersonInput(0.0, "facilitator", "trigger", inject=str(body["inject"]))
    else:
        to, kind, text = body.get("to"), body.get("kind", "press_inquiry"), body.get("text")
        if not all(isinstance(v, str) for v in (to, kind, text)):
            raise _error(422, "an ad-hoc inject needs 'to' (a role), 'kind' and 'text'")
        item = PersonInput(0.0, "facilitator", "inject", adhoc=(str(to), str(kind), str(text)))
    return JSONResponse(await _answer(runner, "input", item=item), status_code=201)


async def validate_objective(request: Request) -> Response:
    server = _facilitator(request)
    runner = server.runner(request.path_params["drill_id"])
    body = await _json_body(request)
    objective, status, comment = body.get("objective"), body.get("status"), \
        body.get("comment", "")
    if not all(isinstance(v, str) for v in (objective, status, comment)):
        raise _error(422, "send {objective: \"x1\", status: met|partly|missed, comment?}")
    item = PersonInput(0.0, "facilitator", "validate", inject=str(objective),
                       adhoc=(str(status), str(comment), ""))
    return JSONResponse(await _answer(runner, "input", item=item), status_code=201)


async def state(request: Request) -> Response:
    drill_id = request.path_params["drill_id"]
    view = _viewer(request, drill_id)
    runner = _server(request).runners.get(drill_id)
    if runner is None:
        _log, score = _server(request).db.finished(drill_id)
        return JSONResponse({"status": "ended", "score": score})
    return JSONResponse(runner.views.get(view) or {"status": runner.status})


async def actions(request: Request) -> Response:
    drill_id = request.path_params["drill_id"]
    role = _participant(request, drill_id)
    runner = _server(request).runner(drill_id)
    body = await _json_body(request)
    unknown = sorted(set(body) - _ACTION_FIELDS)
    if unknown:
        raise _error(422, f"unknown field {unknown[0]!r} (the role is the join code's)")
    action = body.get("action")
    text = body.get("text")
    channels = body.get("channels")
    if not isinstance(action, str):
        raise _error(422, "'action' is needed, like \"acknowledge\" or \"holding_statement\"")
    if text is not None and (not isinstance(text, str) or len(text) > MAX_TEXT):
        raise _error(422, f"'text' must be a string of at most {MAX_TEXT:,} characters")
    if channels is not None and not (isinstance(channels, list) and
                                     all(isinstance(c, str) for c in channels)):
        raise _error(422, "'channels' must be a list of platform names")
    name = runner.live.world.config.humans[role]
    obligation = body.get("obligation")
    if obligation is not None and not isinstance(obligation, str):
        raise _error(422, "'obligation' must be an id like \"o3\"")
    if action == "acknowledge":
        item = PersonInput(0.0, name, "ack", obligation)
    elif action == "approve":
        item = PersonInput(0.0, name, "approve", obligation)
    else:
        event = body.get("event")
        item = PersonInput(0.0, name, "act", action=PersonAction(
            action, obligation, event if isinstance(event, str) else None,
            tuple(channels) if channels is not None else None, text, role))
    return JSONResponse(await _answer(runner, "input", item=item), status_code=201)


async def coach_text(request: Request) -> Response:
    drill_id = request.path_params["drill_id"]
    _participant(request, drill_id)
    runner = _server(request).runner(drill_id)
    body = await _json_body(request)
    from drills.score.coaching import coach

    text = body.get("text")
    channels = body.get("channels") or []
    if not isinstance(text, str) or len(text) > MAX_TEXT or not isinstance(channels, list):
        raise _error(422, "send {action, channels, text}")
    notes = coach(text, str(body.get("action", "")), [str(c) for c in channels],
                  runner.live.world.lang)
    return JSONResponse({"notes": notes})


async def drill_log(request: Request) -> Response:
    server = _facilitator(request)
    drill_id = request.path_params["drill_id"]
    runner = server.runners.get(drill_id)
    if runner is not None:
        text = "".join(runner.lines)
    else:
        data, _score = server.db.finished(drill_id)
        if data is None:
            raise _error(404, f"no drill {drill_id!r}")
        text = data.decode("utf-8")
    return Response(text, media_type="application/x-ndjson")


async def drill_score(request: Request) -> Response:
    server = _facilitator(request)
    drill_id = request.path_params["drill_id"]
    runner = server.runners.get(drill_id)
    if runner is not None and runner.final is not None:
        return JSONResponse(runner.final)
    _data, score = server.db.finished(drill_id)
    if score is None:
        raise _error(409, "the drill has not ended: its score comes at the end")
    return JSONResponse(score)


async def stream(request: Request) -> Response:
    drill_id = request.path_params["drill_id"]
    view = _viewer(request, drill_id)
    runner = _server(request).runner(drill_id)

    async def events() -> Any:
        last = -1
        yield "retry: 1000\n\n"
        while not await request.is_disconnected():
            if runner.version != last:
                last = runner.version
                data = json.dumps(runner.views.get(view) or {"status": runner.status})
                yield f"data: {data}\n\n"
            await asyncio.sleep(STREAM_SECONDS)

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache"})


# -- pages -------------------------------------------------------------------------------------


def _page(name: str, **values: str) -> HTMLResponse:
    from html import escape

    text = resources.files("drills.serve").joinpath(f"pages/{name}.html").read_text("utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", escape(value, quote=True))
    return HTMLResponse(text)


async def facilitator_page(_request: Request) -> Response:
    return _page("facilitator")


async def participant_page(request: Request) -> Response:
    code = request.path_params["code"]
    found = _server(request).db.code(code)
    if found is None:
        return _page("message", title="Unknown join code",
                     message="This join link is not valid. Ask the facilitator for yours.")
    return _page("participant", drill=found[0], code=code, role=found[1])


async def room_page(request: Request) -> Response:
    room = request.path_params["room"]
    row = next((r for r in _server(request).db.drills()
                if hmac.compare_digest(r.room.encode(), room.encode())), None)
    if row is None:
        return _page("message", title="Unknown room", message="This room link is not valid.")
    return _page("room", drill=row.id, room=room)


async def report_page(request: Request) -> Response:
    server = _facilitator(request)
    drill_id = request.path_params["drill_id"]
    data, _score = server.db.finished(drill_id)
    if data is None:
        raise _error(409, "the drill has not ended: the report comes at the end")
    from drills.api import report_from_lines
    from drills.log.files import parse_log_lines

    numbered = parse_log_lines(data.decode("utf-8").splitlines(keepends=True), drill_id)
    rendered = report_from_lines(numbered, source=f"drill {drill_id}")
    return HTMLResponse(rendered.text, headers={
        "Content-Security-Policy": "default-src 'none'; img-src data:; style-src "
                                   "'unsafe-inline'"})


async def qr_code(request: Request) -> Response:
    code = request.path_params["code"]
    if _server(request).db.code(code) is None:
        raise _error(404, "unknown join code")
    import io

    import segno

    url = f"{request.base_url}join/{code}"
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, border=2)
    return Response(buffer.getvalue(), media_type="image/svg+xml")


# -- the app -----------------------------------------------------------------------------------


async def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code)


async def _crash(_request: Request, _exc: Exception) -> Response:
    return JSONResponse({"error": "internal error (see the server's log)"}, status_code=500)


class Guard:
    """Caps request bodies and sets the security headers on every response."""

    HEADERS: tuple[tuple[bytes, bytes], ...] = (
        (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; "
                                     b"style-src 'self'; script-src 'self'; "
                                     b"frame-ancestors 'none'"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
    )

    def __init__(self, app: ASGIApp, server: Server) -> None:
        self.app = app
        self.server = server

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            await _reject(send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise _error(413, f"the request body is over {MAX_BODY // 1024} KiB")
            return message

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {h[0] for h in headers}  # a page's own policy (the report) wins
                message["headers"] = headers + [(k, v) for k, v in self.HEADERS
                                                if k not in names]
            await send(message)

        await self.app(scope, limited, with_headers)


async def _reject(send: Send) -> None:
    body = json.dumps({"error": f"the request body is over {MAX_BODY // 1024} KiB"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


Library = dict[str, dict[str, tuple[str, Any]]]


def load_library(folder: str) -> Library:
    """Every scenario, rulebook and team file under ``folder``, loaded and checked (a bad
    file stops the server at start, with its problems)."""
    import os

    from drills.errors import InputError
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


def create_app(db: ServeDB, token: str, history: str | None = None,
               library: Library | None = None,
               wall: Callable[[], float] = time.monotonic) -> Guard:
    server = Server(db, token, history, library, wall)
    static = StaticFiles(directory=str(resources.files("drills.serve").joinpath("static")))
    routes = [
        Route("/healthz", healthz),
        Route("/", facilitator_page),
        Route("/join/{code}", participant_page),
        Route("/room/{room}", room_page),
        Route("/drills/{drill_id}/report", report_page),
        Route("/qr/{code}.svg", qr_code),
        Route("/api/options", options),
        Route("/api/drills", list_drills, methods=["GET"]),
        Route("/api/drills", create_drill, methods=["POST"]),
        Route("/api/drills/{drill_id}/control", control, methods=["POST"]),
        Route("/api/drills/{drill_id}/inject", inject, methods=["POST"]),
        Route("/api/drills/{drill_id}/validate", validate_objective, methods=["POST"]),
        Route("/api/drills/{drill_id}/state", state),
        Route("/api/drills/{drill_id}/actions", actions, methods=["POST"]),
        Route("/api/drills/{drill_id}/coach", coach_text, methods=["POST"]),
        Route("/api/drills/{drill_id}/log", drill_log),
        Route("/api/drills/{drill_id}/score", drill_score),
        Route("/api/drills/{drill_id}/stream", stream),
        Mount("/static", app=static, name="static"),
    ]
    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        await asyncio.to_thread(server.shutdown)

    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error,
                                                       Exception: _crash}, lifespan=lifespan)
    app.state.server = server
    server.resume_all()
    return Guard(app, server)
