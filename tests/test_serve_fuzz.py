"""A seeded fuzz of `drill serve`'s JSON API: mutated bodies of every POST, and mutated raw
bytes. Every answer is a JSON error line with a 4xx status (or a success): never a 500."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from drills.serve.app import create_app
from drills.serve.db import ServeDB
from tests.serve_helpers import TOKEN

H = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
ODD: list[Any] = [None, True, False, 0, -1, 1e-9, 1e308, -1e308, float("nan"), float("inf"),
                  "", "x" * 300, "\ud800", "<script>", [], [1], [[[]]], {}, {"a": {}}, 2**70,
                  "2", "fri 17:30", "legal", ["legal"], 3.5]
BODIES: dict[str, dict[str, Any]] = {
    "create": {"humans": ["legal"], "speed": 0, "seed": 1, "hours": 1, "start": "fri 17:30",
               "scenario": "overheating-kettle", "rulebook": "default", "team": "standard",
               "locale": None},
    # Not "advance": moved past its end, the drill ends, and the fuzz needs it running.
    "control": {"op": "speed", "by": "10m", "speed": 5},
    "inject": {"to": "legal", "kind": "press_inquiry", "text": "hello", "inject": "x"},
    "validate": {"objective": "x1", "status": "met", "comment": ""},
    "actions": {"action": "notify", "obligation": "o1", "event": "e1", "channels": ["x"],
                "text": "hi"},
    "coach": {"action": "update", "channels": ["x"], "text": "hello"},
}


def _mutant(rng: random.Random, body: dict[str, Any]) -> dict[str, Any]:
    mutant = dict(body)
    for _ in range(rng.randint(1, 3)):
        key = rng.choice([*mutant, "extra"])
        choice = rng.random()
        if choice < 0.2:
            mutant.pop(key, None)
        else:
            mutant[key] = rng.choice(ODD)
    return mutant


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict]]:
    folder = tmp_path_factory.mktemp("fuzz")
    app = create_app(ServeDB(str(folder / "serve.db")), TOKEN)
    with TestClient(app, raise_server_exceptions=False) as client:
        drill = client.post("/api/drills", headers=H, json=BODIES["create"]).json()
        client.post(f"/api/drills/{drill['id']}/control", headers=H, json={"op": "start"})
        yield client, drill
        state = client.get(f"/api/drills/{drill['id']}/state", headers=H)
        assert state.status_code == 200 and state.json()["status"] == "running"


@pytest.mark.parametrize("seed", range(4))
def test_mutated_bodies_never_crash_the_server(served: tuple[TestClient, dict],
                                               seed: int) -> None:
    client, drill = served
    rng = random.Random(seed)
    base = f"/api/drills/{drill['id']}"
    paths = {"create": "/api/drills", "control": f"{base}/control",
             "inject": f"{base}/inject", "validate": f"{base}/validate",
             "actions": f"{base}/actions", "coach": f"{base}/coach"}
    join = {**H, "X-Join-Code": drill["join"]["legal"]}
    for _ in range(60):
        kind = rng.choice(sorted(BODIES))
        if kind == "create" and rng.random() < 0.8:
            kind = "actions"  # a drill that is made starts a thread: keep them few
        body = _mutant(rng, BODIES[kind])
        text = json.dumps(body, allow_nan=True)
        if rng.random() < 0.15:  # and raw bytes: cut short, a stray byte, deep nesting
            cut = rng.randrange(len(text))
            text = rng.choice([text[:cut], text[:cut] + "\xff" + text[cut:],
                               "[" * rng.randint(30, 5000) + text])
        headers = join if kind in ("actions", "coach") else H
        response = client.post(paths[kind], content=text.encode("utf-8", "surrogatepass"),
                               headers=headers)
        assert response.status_code < 500, (kind, text[:200], response.text)
        answer = response.json()
        assert response.is_success or set(answer) == {"error"}, answer
