"""The HTML pages: Jinja2 templates over one base (autoescaped; what a page's script needs goes
in as JSON through ``|tojson``), the after-action report, and the join codes' QR codes."""

from __future__ import annotations

import hmac
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from drills.serve.auth import COOKIE, facilitator, server_of, token_valid
from drills.serve.errors import api_error

REPORT_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


@cache
def templates() -> Environment:
    return Environment(loader=PackageLoader("drills.serve", "templates"),
                       autoescape=select_autoescape(default=True), auto_reload=False)


def render(name: str, **context: Any) -> HTMLResponse:
    return HTMLResponse(templates().get_template(f"{name}.html").render(**context))


def _message(title: str, message: str) -> HTMLResponse:
    return render("message", title=title, message=message)


async def facilitator_page(request: Request) -> Response:
    """The first visit brings the token in the URL: it moves to a cookie, and the address
    bar (history, screen shares, the Referer) no longer carries it."""
    token = request.query_params.get("token")
    if token is None:
        return render("facilitator", scripts=["common", "facilitator", "facilitator_room"])
    if not token_valid(server_of(request), token):
        page = _message("Wrong facilitator link",
                        "This link does not carry this server's token. Use the one "
                        "'drill serve' printed.")
        page.status_code = 401
        return page
    moved = RedirectResponse("/", status_code=303)
    moved.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")
    return moved


async def participant_page(request: Request) -> Response:
    code = request.path_params["code"]
    found = server_of(request).db.code(code)
    if found is None:
        return _message("Unknown join code",
                        "This join link is not valid. Ask the facilitator for yours.")
    drill_id, role = found
    return render("participant", role=role.replace("_", " "),
                  scripts=["common", "participant", "hotwash"],
                  page={"drill": drill_id, "code": code, "role": role})


async def room_page(request: Request) -> Response:
    room = request.path_params["room"]
    row = next((r for r in server_of(request).db.drills()
                if hmac.compare_digest(r.room.encode(), room.encode())), None)
    if row is None:
        return _message("Unknown room", "This room link is not valid.")
    return render("room", scripts=["common", "room"], page={"drill": row.id, "room": room})


async def report_page(request: Request) -> Response:
    server = facilitator(request)
    drill_id = request.path_params["drill_id"]
    data, _score = server.db.finished(drill_id)
    if data is None:
        raise api_error(409, "the drill has not ended: the report comes at the end")
    from drills.api import report_from_lines
    from drills.log.files import parse_log_lines
    from drills.serve.evaluation import evaluation_of, stored_config

    numbered = parse_log_lines(data.decode("utf-8").splitlines(keepends=True), drill_id)
    lang = request.query_params.get("lang")
    if lang not in (None, "en", "sv"):
        raise api_error(422, "lang must be en or sv")
    evaluation = evaluation_of(server.db, drill_id, stored_config(request, drill_id))
    rendered = report_from_lines(numbered, source=f"drill {drill_id}", lang=lang,
                                 evaluation=evaluation)
    return HTMLResponse(rendered.text, headers={"Content-Security-Policy": REPORT_POLICY})


async def qr_code(request: Request) -> Response:
    code = request.path_params["code"]
    db = server_of(request).db
    if db.code(code) is not None:
        url = f"{request.base_url}join/{code}"
    elif db.evaluator(code) is not None:
        url = f"{request.base_url}evaluate/{code}"
    else:
        raise api_error(404, "unknown join code")
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, border=2)
    return Response(buffer.getvalue(), media_type="image/svg+xml")
