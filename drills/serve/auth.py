"""Who a request is: the facilitator (a bearer token), a role in one drill (its join code), or
the room wall (the drill's room code). Secrets are compared in constant time."""

from __future__ import annotations

import hmac

from starlette.requests import Request

from drills.serve.errors import api_error
from drills.serve.server import Server

#: The facilitator's token after the first visit (HttpOnly, SameSite=Strict): not in URLs.
COOKIE = "drill_token"


def server_of(request: Request) -> Server:
    server: Server = request.app.state.server
    return server


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def facilitator(request: Request) -> Server:
    """The server, for the facilitator only (401 otherwise): the token as a bearer header,
    the cookie the facilitator's first visit set, or ``?token=``."""
    server = server_of(request)
    header = request.headers.get("authorization", "")
    token = header[7:] if header.lower().startswith("bearer ") else \
        request.cookies.get(COOKIE) or request.query_params.get("token", "")
    if not token:
        raise api_error(401, "the facilitator's token is needed (Authorization: Bearer TOKEN)")
    if not _same(token, server.token):
        raise api_error(401, "wrong facilitator token")
    return server


def participant(request: Request, drill_id: str) -> str:
    """The role of the join code sent (header, or ``code`` for the stream), in this drill."""
    code = request.headers.get("x-join-code") or request.query_params.get("code", "")
    if not code:
        raise api_error(401, "a join code is needed (X-Join-Code: CODE)")
    found = server_of(request).db.code(code)
    if found is None:
        raise api_error(401, "unknown join code")
    if not _same(found[0], drill_id):
        raise api_error(403, "this join code is for another drill")
    return found[1]


def viewer(request: Request, drill_id: str) -> str:
    """Which view a request may see: ``facilitator``, ``role:ROLE`` or ``room``. A credential
    the request names wins over the facilitator's cookie (one browser may hold both)."""
    if request.headers.get("authorization") or request.query_params.get("token"):
        facilitator(request)
        return "facilitator"
    if request.headers.get("x-join-code") or request.query_params.get("code"):
        return f"role:{participant(request, drill_id)}"
    room = request.query_params.get("room")
    if room:
        row = server_of(request).db.drill(drill_id)
        if row is None or not _same(room, row.room):
            raise api_error(403, "wrong room code for this drill")
        return "room"
    if request.cookies.get(COOKIE):
        facilitator(request)
        return "facilitator"
    return f"role:{participant(request, drill_id)}"


def token_valid(server: Server, token: str) -> bool:
    return _same(token, server.token)
