"""A load test of `drill serve` on loopback: N participants act every few seconds through a
drill at a speed; their action latency, the server's memory, and whether every accepted
action is in the log. Used by `drill bench` (the figures) and the tests (nothing lost).

It speaks HTTP with the standard library (``http.client``), so the bench runs on a plain
install: httpx comes only with the dev extra."""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

ROLES = ("comms_lead", "community_manager", "legal", "spokesperson", "customer_support",
         "head_of_communications")


class HttpError(Exception):
    """An HTTP answer that is not a success, or no answer at all."""


@dataclass(frozen=True)
class Answer:
    status_code: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text)

    def raise_for_status(self) -> None:
        if not 200 <= self.status_code < 300:
            raise HttpError(f"HTTP {self.status_code}: {self.text[:200]}")


class Client:
    """One keep-alive connection to ``base`` (``http://host:port``), with fixed headers."""

    def __init__(self, base: str, *, timeout: float = 30,
                 headers: dict[str, str] | None = None) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.headers = dict(headers or {})
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, *, headers: dict[str, str] | None = None,
                json_body: Any = None) -> Answer:
        sent = {**self.headers, **(headers or {})}
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode("utf-8")
            sent["Content-Type"] = "application/json"
        while True:
            # A kept-alive connection the server has closed is opened again, once.
            reused = self.connection is not None
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port,
                                                             timeout=self.timeout)
            try:
                self.connection.request(method, path, body=body, headers=sent)
                response = self.connection.getresponse()
                return Answer(response.status, response.read().decode("utf-8"))
            except (http.client.HTTPException, OSError) as exc:
                self.close()
                if not reused:
                    raise HttpError(f"{method} {path}: {exc}") from exc

    def get(self, path: str, *, headers: dict[str, str] | None = None) -> Answer:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, *, headers: dict[str, str] | None = None,
             json: Any = None) -> Answer:
        return self.request("POST", path, headers=headers, json_body=json)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


@dataclass
class LoadResult:
    participants: int
    sent: int = 0
    refused: int = 0
    logged: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    wall_seconds: float = 0.0

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0.0


def run_load(base: str, token: str, *, participants: int = 30, hours: float = 2.0,
             speed: float = 120.0, every: float = 3.0, seed: int = 1,
             rss: Callable[[], float] | None = None) -> LoadResult:
    """One drill of ``hours`` at ``speed`` with ``participants`` people (spread over the
    roles, several to a role) each acting about every ``every`` seconds."""
    facilitator = {"Authorization": f"Bearer {token}"}
    humans = [ROLES[i % len(ROLES)] for i in range(participants)]
    with Client(base, timeout=30) as client:
        made = client.post("/api/drills", headers=facilitator, json={
            "humans": humans, "speed": speed, "seed": seed, "start": "fri 17:30",
            "hours": hours})
        made.raise_for_status()
        drill = made.json()
        codes = [(role, code) for role, found in drill["join"].items()
                 for code in ([found] if isinstance(found, str) else found)]
        result = LoadResult(participants=len(codes))
        lock = threading.Lock()
        stop = threading.Event()
        client.post(f"/api/drills/{drill['id']}/control", headers=facilitator,
                    json={"op": "start"}).raise_for_status()
        started = time.monotonic()
        threads = [threading.Thread(target=_participant, args=(
            base, drill["id"], code, every, random.Random(f"{seed}:{i}"), stop, lock, result))
            for i, (_role, code) in enumerate(codes)]
        for thread in threads:
            thread.start()
        deadline = started + hours * 3600 / speed + 30
        while time.monotonic() < deadline:
            state = client.get(f"/api/drills/{drill['id']}/state", headers=facilitator).json()
            if rss is not None:
                result.peak_rss_mb = max(result.peak_rss_mb, rss())
            if state.get("status") == "ended":
                break
            time.sleep(0.5)
        stop.set()
        for thread in threads:
            thread.join()
        result.wall_seconds = time.monotonic() - started
        client.post(f"/api/drills/{drill['id']}/control", headers=facilitator,
                    json={"op": "end"})
        log = client.get(f"/api/drills/{drill['id']}/log", headers=facilitator).text
    records = [json.loads(line) for line in log.splitlines()]
    result.logged = sum(1 for r in records if r.get("human") and not r.get("with_action")
                        and (r["type"] == "action" or r.get("status") in ("acknowledged",
                                                                          "approved")))
    return result


def _participant(base: str, drill_id: str, code: str, every: float, rng: random.Random,
                 stop: threading.Event, lock: threading.Lock, result: LoadResult) -> None:
    headers = {"X-Join-Code": code}
    with Client(base, timeout=30, headers=headers) as client:
        stop.wait(rng.uniform(0, every))
        while not stop.is_set():
            state = client.get(f"/api/drills/{drill_id}/state").json()
            if state.get("status") == "ended":
                return
            body = _choose(state, rng)
            if body is not None:
                began = time.perf_counter()
                answer = client.post(f"/api/drills/{drill_id}/actions", json=body)
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    if answer.status_code == 201:
                        result.sent += 1
                        result.latencies_ms.append(elapsed)
                    else:
                        result.refused += 1
            stop.wait(rng.uniform(0.5 * every, 1.5 * every))


def _choose(state: dict[str, Any], rng: random.Random) -> dict[str, Any] | None:
    for item in state.get("inbox") or ():
        if item["kind"] == "page":
            return {"action": "acknowledge", "obligation": item["id"]}
        if item["kind"] == "approval":
            return {"action": "approve", "obligation": item["id"]}
        if item["action"] != "acknowledge":
            return {"action": item["action"], "obligation": item["id"],
                    "text": "We are on it. Next update by 21:30."}
    feed = [e for e in state.get("feed") or () if e["platform"] not in ("internal", "mail")]
    if not feed:
        return None
    event = rng.choice(feed[-20:])
    return {"action": rng.choice(["reply", "move_private"]), "event": event["id"],
            "text": "Sorry about this - we are looking into it."}


def serve_benchmark(quick: bool = False) -> dict[str, float]:
    """`drill serve` in a subprocess on loopback, loaded as the issue asks: 30 participants,
    a 2-hour drill at speed 120 (one minute of wall time)."""
    import os
    import secrets
    import socket
    import subprocess
    import sys
    import tempfile

    import psutil

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    token = secrets.token_urlsafe(24)
    with tempfile.TemporaryDirectory() as folder:
        token_file = os.path.join(folder, "token")
        with open(token_file, "w", encoding="utf-8") as handle:
            handle.write(token)
        server = subprocess.Popen(
            [sys.executable, "-m", "drills.cli.main", "serve", "--port", str(port), "--db",
             os.path.join(folder, "serve.db"), "--token-file", token_file],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    with Client(base, timeout=1) as probe_client:
                        if probe_client.get("/healthz").status_code == 200:
                            break
                except HttpError:
                    time.sleep(0.1)
            process = psutil.Process(server.pid)
            result = run_load(base, token, participants=30, hours=0.25 if quick else 2.0,
                              speed=120, every=3.0,
                              rss=lambda: process.memory_info().rss / 2**20)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {"serve.participants": result.participants, "serve.actions": result.sent,
            "serve.actions_lost": result.sent - result.logged,
            "serve.p95_action_ms": round(result.p95_ms, 1),
            "serve.peak_rss_mb": round(result.peak_rss_mb, 1)}
