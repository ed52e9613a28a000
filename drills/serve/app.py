"""The web app of ``drill serve`` (Starlette): one ``create_app`` that wires the rooms together.

Every page is a thin room over the same JSON API; the API only hands requests to the drill's
own thread (``runner.py``). The parts, one concern each: ``validate`` (bodies and the drill
spec), ``auth`` (the facilitator's token, join codes, room codes), ``api`` (the JSON views),
``pages`` (HTML, Jinja2), ``stream`` (Server-Sent Events), ``middleware`` (body cap,
cross-site check, security headers), ``library`` (the files a server offers), ``recording``
(the history store), ``server`` (the drills and their threads), ``evaluation`` (the
evaluator's page and the hot wash) and ``preview`` (a scenario shown before a drill).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from drills.serve import api, evaluation, pages, preview
from drills.serve.db import ServeDB
from drills.serve.library import Library, load_library
from drills.serve.middleware import Guard, crash, http_error, hung_up
from drills.serve.server import Server
from drills.serve.stream import Hub, stream
from drills.serve.validate import Disconnected

__all__ = ["App", "Library", "create_app", "load_library"]


class App(Guard):
    """The ASGI app ``drill serve`` runs; ``server`` is the drills it holds."""

    def __init__(self, app: Starlette, server: Server,
                 hosts: frozenset[str] | None = None) -> None:
        super().__init__(app, hosts)
        self.server = server


def routes() -> list[Route | Mount]:
    static = StaticFiles(directory=str(resources.files("drills.serve").joinpath("static")))
    return [
        Route("/healthz", api.healthz),
        Route("/", pages.facilitator_page),
        Route("/join/{code}", pages.participant_page),
        Route("/room/{room}", pages.room_page),
        Route("/evaluate/{code}", evaluation.evaluator_page),
        Route("/api/drills/{drill_id}/evaluator", evaluation.evaluator_code, methods=["POST"]),
        Route("/api/drills/{drill_id}/evaluation", evaluation.evaluation_state),
        Route("/api/drills/{drill_id}/evaluation", evaluation.rate, methods=["POST"]),
        Route("/api/drills/{drill_id}/hotwash", evaluation.hotwash, methods=["POST"]),
        Route("/drills/{drill_id}/report", pages.report_page),
        Route("/qr/{code}.svg", pages.qr_code),
        Route("/api/options", api.options),
        Route("/api/scenarios/{name}/preview", preview.preview),
        Route("/api/drills", api.list_drills, methods=["GET"]),
        Route("/api/drills", api.create_drill, methods=["POST"]),
        Route("/api/drills/{drill_id}/control", api.control, methods=["POST"]),
        Route("/api/drills/{drill_id}/inject", api.inject, methods=["POST"]),
        Route("/api/drills/{drill_id}/post", api.persona_post, methods=["POST"]),
        Route("/api/drills/{drill_id}/validate", api.validate_objective, methods=["POST"]),
        Route("/api/drills/{drill_id}/state", api.state),
        Route("/api/drills/{drill_id}/actions", api.actions, methods=["POST"]),
        Route("/api/drills/{drill_id}/coach", api.coach_text, methods=["POST"]),
        Route("/api/drills/{drill_id}/log", api.drill_log),
        Route("/api/drills/{drill_id}/score", api.drill_score),
        Route("/api/drills/{drill_id}/stream", stream),
        Mount("/static", app=static, name="static"),
    ]


def create_app(db: ServeDB, token: str, history: str | None = None,
               library: Library | None = None, *, wall: Any = None,
               hosts: frozenset[str] | None = None) -> App:
    """The app over ``db``: drills left unfinished there resume now, by replay.

    ``history`` is the store ended drills are recorded in (None: not recorded); ``library``
    the facilitator's own files (:func:`load_library`); ``wall`` the wall clock handed to each
    drill's thread (the runner's own when None); ``hosts`` the names the ``Host`` header may
    carry (None: any; ``drill serve`` passes :func:`host_names` of its address).
    """
    server = Server(db, token, history, library, wall)
    hubs: dict[str, Hub] = {}

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        for hub in hubs.values():
            hub.close()
        await asyncio.to_thread(server.shutdown)

    app = Starlette(routes=routes(), lifespan=lifespan, exception_handlers={
        HTTPException: http_error, Disconnected: hung_up, Exception: crash})
    app.state.server = server
    app.state.hubs = hubs
    server.resume_all()
    return App(app, server, hosts)
