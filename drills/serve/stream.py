"""The live stream of a view (Server-Sent Events, with sse-starlette): pushed when the drill's
state changes, never polled.

One hub per drill waits on its runner's ``changed`` condition off the event loop, and fans the
new views out to one small queue per client. A view is sent only when its text changed, at
most every ``MIN_GAP`` seconds; its event id is the runner's ``version``. A client whose queue
fills (it does not read) is dropped: its browser reconnects and starts from the state.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import AsyncIterator
from typing import Any, Protocol

from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.requests import Request
from starlette.responses import Response

from drills.serve.auth import server_of, viewer

log = logging.getLogger("drills.serve")
#: How long one wait for a change lasts before it is renewed (bounds shutdown).
WAIT_SECONDS = 1.0
#: The least time between two events of one drill (the runner publishes every 0.1 s; the
#: pages were sent the state every 0.5 s before the stream was pushed).
MIN_GAP = 0.5
#: Events a client may have waiting before it counts as too slow and is dropped.
QUEUE_SIZE = 8
PING_SECONDS = 15
#: A send blocked this long (a client that stopped reading) ends its stream.
SEND_TIMEOUT = 30
RETRY_MS = 1000


class Published(Protocol):
    """What a hub reads of a drill's thread (``DrillRunner``)."""

    changed: threading.Condition
    version: int
    views: dict[str, Any]
    status: str


def wait_for_change(runner: Published, seen: int, timeout: float) -> int:
    """The runner's version once it differs from ``seen``, or after ``timeout`` seconds."""
    with runner.changed:
        runner.changed.wait_for(lambda: runner.version != seen, timeout)
        return runner.version


class Client:
    """One open stream: its view, its queue, and the text it was sent last."""

    def __init__(self, view: str, size: int = QUEUE_SIZE) -> None:
        self.view = view
        self.queue: asyncio.Queue[ServerSentEvent | None] = asyncio.Queue(size)
        self.last: str | None = None
        self.dropped = False
        self.retry: int | None = RETRY_MS

    def offer(self, version: int, text: str) -> None:
        if self.dropped or text == self.last:
            return
        self.last = text
        try:
            self.queue.put_nowait(ServerSentEvent(data=text, id=str(version),
                                                  retry=self.retry))
            self.retry = None
        except asyncio.QueueFull:
            self.end()
            log.info("a %s stream was dropped: the client does not keep up", self.view)

    def end(self) -> None:
        """End this client's stream: what it has not read yet is dropped."""
        self.dropped = True
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(None)


class Hub:
    """One drill's clients, and the task that waits for the drill to change."""

    def __init__(self, runner: Published, min_gap: float = MIN_GAP) -> None:
        self.runner = runner
        self.min_gap = min_gap
        self.clients: set[Client] = set()
        self.task: asyncio.Task[None] | None = None
        self.closed = False

    def join(self, view: str, last_id: str | None = None, size: int = QUEUE_SIZE) -> Client:
        """A new client, sent the view now unless its ``Last-Event-ID`` is the current one."""
        client = Client(view, size)
        self.clients.add(client)
        version, views = self._snapshot()
        if last_id != str(version):
            client.offer(version, self._text(views, view))
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._pump(version))
        return client

    def leave(self, client: Client) -> None:
        self.clients.discard(client)

    def close(self) -> None:
        """The server stops: end every stream and wake the waiting thread."""
        self.closed = True
        for client in list(self.clients):
            client.end()
        with self.runner.changed:
            self.runner.changed.notify_all()

    def _snapshot(self) -> tuple[int, dict[str, Any]]:
        """The version and its views, read together."""
        with self.runner.changed:
            return self.runner.version, self.runner.views

    def _text(self, views: dict[str, Any], view: str) -> str:
        return json.dumps(views.get(view) or {"status": self.runner.status})

    async def _pump(self, seen: int) -> None:
        """From version ``seen`` on, each change to every client (``seen``: what the first
        client was sent at its join)."""
        last = 0.0
        while self.clients and not self.closed:
            version = await asyncio.to_thread(wait_for_change, self.runner, seen, WAIT_SECONDS)
            if version == seen:
                continue
            gap = last + self.min_gap - time.monotonic()
            if gap > 0:
                await asyncio.sleep(gap)  # coalesce: what changed meanwhile goes in one event
            seen, views = self._snapshot()
            texts: dict[str, str] = {}
            for client in list(self.clients):
                if client.view not in texts:
                    texts[client.view] = self._text(views, client.view)
                client.offer(seen, texts[client.view])
            last = time.monotonic()


async def events(hub: Hub, view: str, last_id: str | None = None,
                 limit: int | None = None) -> AsyncIterator[ServerSentEvent]:
    """The events of one client (``limit``: stop after that many, for tests)."""
    client = hub.join(view, last_id)
    try:
        sent = 0
        while limit is None or sent < limit:
            event = await client.queue.get()
            if event is None:
                return
            yield event
            sent += 1
    finally:
        hub.leave(client)


def hub_of(request: Request, drill_id: str) -> Hub:
    hubs: dict[str, Hub] = request.app.state.hubs
    runner = server_of(request).runner(drill_id)
    hub = hubs.get(drill_id)
    if hub is None or hub.runner is not runner:
        hub = hubs[drill_id] = Hub(runner)
    return hub


async def stream(request: Request) -> Response:
    drill_id = request.path_params["drill_id"]
    view = viewer(request, drill_id)
    hub = hub_of(request, drill_id)
    return EventSourceResponse(events(hub, view, request.headers.get("last-event-id")),
                               ping=PING_SECONDS, send_timeout=SEND_TIMEOUT,
                               headers={"Cache-Control": "no-cache"})
