"""The live stream: pushed when the drill's state changes (unit-tested as a finite stream over
a fake runner), and once against a real `drill serve` under uvicorn (an endless stream hangs
an in-process test client)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from drills.serve.stream import Client, Hub, events
from tests.serve_helpers import TOKEN, RealServer


class FakeRunner:
    """What the stream reads of a drill's thread: views, a version, a condition."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.version = 1
        self.views: dict[str, Any] = {"facilitator": {"clock": "09:00"}, "room": {"n": 1}}
        self.status = "running"

    def publish(self, **views: Any) -> None:
        with self.changed:
            self.views = {**self.views, **views}
            self.version += 1
            self.changed.notify_all()


async def _collect(hub: Hub, view: str, count: int, last_id: str | None,
                   changes: list[dict[str, Any]], runner: FakeRunner) -> list[Any]:
    stream = events(hub, view, last_id, limit=count)
    got = []
    async for event in stream:
        got.append(event)
        while changes:  # however the hub coalesces them, each view's text goes once
            runner.publish(**changes.pop(0))
    return got


def test_a_finite_stream_sends_each_change_of_its_view_once() -> None:
    runner = FakeRunner()
    hub = Hub(runner, min_gap=0)
    changes = [{"room": {"n": 2}},  # another view changed: nothing for the facilitator
               {"facilitator": {"clock": "09:00"}},  # the same text: nothing either
               {"facilitator": {"clock": "09:01"}}]
    got = asyncio.run(asyncio.wait_for(
        _collect(hub, "facilitator", 2, None, changes, runner), 10))
    assert [json.loads(e.data) for e in got] == [{"clock": "09:00"}, {"clock": "09:01"}]
    assert [e.id for e in got] == ["1", "4"]
    assert got[0].retry == 1000 and got[1].retry is None
    assert not hub.clients  # the client left when its stream ended


def test_a_client_that_has_the_last_event_is_sent_only_what_changes() -> None:
    runner = FakeRunner()
    hub = Hub(runner, min_gap=0)

    async def scenario() -> list[Any]:
        collecting = asyncio.ensure_future(_collect(hub, "room", 1, "1", [], runner))
        await asyncio.sleep(0)
        runner.publish(room={"n": 5})
        return await collecting

    got = asyncio.run(asyncio.wait_for(scenario(), 10))
    assert [(e.id, json.loads(e.data)) for e in got] == [("2", {"n": 5})]


def test_a_client_that_does_not_read_is_dropped() -> None:
    async def scenario() -> list[Any]:
        client = Client("room", size=2)
        for n in range(4):
            client.offer(n, json.dumps({"n": n}))
        return [client.queue.get_nowait() for _ in range(client.queue.qsize())]

    assert asyncio.run(scenario()) == [None]


def test_closing_a_hub_ends_every_stream_even_a_full_one() -> None:
    async def scenario() -> list[Any]:
        hub = Hub(FakeRunner(), min_gap=0)
        client = hub.join("room", size=1)  # its queue is full: it was sent the view
        hub.close()
        return [client.queue.get_nowait() for _ in range(client.queue.qsize())]

    assert asyncio.run(asyncio.wait_for(scenario(), 10)) == [None]


def _events(lines: Any, count: int) -> list[dict[str, str]]:
    found, current = [], {}
    for line in lines:
        if not line:
            if "data" in current:
                found.append(current)
                if len(found) == count:
                    return found
            current = {}
            continue
        key, _, value = line.partition(":")
        current[key] = value.strip()
    return found


def test_the_live_stream_of_a_real_server_pushes_changes(tmp_path: Path) -> None:
    server = RealServer(tmp_path).start()
    try:
        made = server.call("POST", "/api/drills", headers=server.facilitator(),
                           json={"humans": ["legal"], "speed": 0, "start": "fri 17:30"})
        drill = made.json()
        path = f"{server.base}/api/drills/{drill['id']}/stream"
        with httpx.stream("GET", path, params={"room": drill["room"]}, timeout=30) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.iter_lines()
            first = _events(lines, 1)[0]
            assert json.loads(first["data"])["clock"] == "fri 17:30"
            server.call("POST", f"/api/drills/{drill['id']}/control",
                        headers=server.facilitator(), json={"op": "advance", "by": "30m"})
            for event in iter(lambda: _events(lines, 1)[0], None):
                if json.loads(event["data"])["clock"] == "fri 18:00":
                    break
            assert int(event["id"]) > int(first["id"])
        # A client that hangs up mid-body leaves no traceback in the server's log.
        with socket.create_connection(("127.0.0.1", server.port)) as raw:
            raw.sendall(b"POST /api/drills HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        b"Content-Type: application/json\r\nContent-Length: 500\r\n"
                        b"Authorization: Bearer " + TOKEN.encode() + b"\r\n\r\n{\"hum")
        # SIGTERM with a live stream open: the server stops within 5 s.
        with httpx.stream("GET", path, params={"room": drill["room"]}, timeout=30) as stream:
            _events(stream.iter_lines(), 1)
            process = server.process
            assert process is not None
            started = time.monotonic()
            process.terminate()
            process.wait(timeout=15)
            stopped = time.monotonic() - started
        output = process.stdout.read() if process.stdout else ""
        server.process = None
    finally:
        server.stop()
    assert stopped < 5, stopped
    assert "Traceback" not in output, output
