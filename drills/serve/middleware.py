"""What every request goes through before a view: the body cap, the cross-site check, and the
security headers on every response; and how errors become one line of JSON.

The cross-site check is by header, as Datasette and Go's ``CrossOriginProtection`` do: a
browser says where a request comes from (``Sec-Fetch-Site``, ``Origin``), so an unsafe method
is refused unless it is same-origin. A client that sends neither header is not a browser (no
page can make it act for someone else) and passes.
"""

from __future__ import annotations

import ipaddress
import json
import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from drills.serve.errors import api_error
from drills.serve.validate import MAX_BODY

log = logging.getLogger("drills.serve")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; "
                                 b"style-src 'self'; script-src 'self'; "
                                 b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)


def same_origin(method: str, headers: dict[bytes, bytes]) -> bool:
    """Whether a request may go on: safe methods always; unsafe ones only from the same
    origin (or from a client that is not a browser)."""
    if method in SAFE_METHODS:
        return True
    site = headers.get(b"sec-fetch-site")
    if site in (b"same-origin", b"none"):
        return True
    origin = headers.get(b"origin")
    if origin is None:
        return site is None
    return origin.split(b"://", 1)[-1] == headers.get(b"host")


def host_name(header: bytes | None) -> str:
    """The name in a ``Host`` header, without its port (``[::1]:8765`` -> ``::1``)."""
    text = (header or b"").decode("latin-1").strip().lower()
    if text.startswith("["):
        return text[1:].split("]", 1)[0]
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


def host_names(host: str) -> frozenset[str] | None:
    """The ``Host`` names a server bound to ``host`` answers: a loopback address answers only
    its own names (a web page cannot rebind a name of its own onto it: DNS rebinding); an
    address of all interfaces answers any name (None)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and address.is_unspecified:
        return None
    if host == "localhost" or (address is not None and address.is_loopback):
        return frozenset({"127.0.0.1", "::1", "localhost", host})
    return frozenset({host.lower()})


class Guard:
    """Checks the ``Host`` header, caps request bodies, refuses cross-site writes, and sets
    the security headers."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str] | None = None) -> None:
        self.app = app
        #: The names the ``Host`` header may carry (None: any).
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if self.hosts is not None and host_name(headers.get(b"host")) not in self.hosts:
            await _refuse(send, 400, "this server does not answer to that Host header")
            return
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            await _refuse(send, 413, f"the request body is over {MAX_BODY // 1024} KiB")
            return
        if not same_origin(scope["method"], headers):
            await _refuse(send, 403, "cross-site request refused")
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise api_error(413, f"the request body is over {MAX_BODY // 1024} KiB")
            return message

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = list(message.get("headers", []))
                names = {h[0] for h in present}  # a page's own policy (the report) wins
                message["headers"] = present + [(k, v) for k, v in HEADERS if k not in names]
            await send(message)

        await self.app(scope, limited, with_headers)


async def _refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            *HEADERS]})
    await send({"type": "http.response.body", "body": body})


async def http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code)


async def hung_up(_request: Request, _exc: Exception) -> Response:
    """The client left mid-body: nobody reads the answer, and it is no error of ours."""
    log.info("a client hung up before its request body was complete")
    return Response(status_code=400)


async def crash(_request: Request, _exc: Exception) -> Response:
    return JSONResponse({"error": "internal error (see the server's log)"}, status_code=500)
