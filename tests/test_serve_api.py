"""The JSON API of `drill serve`, in-process: the flows and every security case."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from drills.serve.app import create_app
from drills.serve.db import ServeDB
from tests.serve_helpers import TOKEN

H = {"Authorization": f"Bearer {TOKEN}"}


class FakeWall:
    """The served drills' wall clock: it moves only when a test moves it."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture()
def wall() -> FakeWall:
    return FakeWall()


@pytest.fixture()
def client(tmp_path: Path, wall: FakeWall) -> Iterator[TestClient]:
    app = create_app(ServeDB(str(tmp_path / "serve.db")), TOKEN, str(tmp_path / "history.db"),
                     wall=wall)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _drill(client: TestClient, **extra: object) -> dict:
    body = {"humans": ["comms_lead", "legal"], "speed": 0, "seed": 1, "start": "fri 17:30",
            **extra}
    response = client.post("/api/drills", json=body, headers=H)
    assert response.status_code == 201, response.text
    return response.json()


def _state(client: TestClient, drill: dict, role: str | None = None,
           ready: Callable[[dict], bool] = lambda state: "clock" in state) -> dict:
    """The drill's published state, once ``ready`` holds (a bounded wait for the condition,
    never for time: a busy machine only makes it take longer)."""
    headers = H if role is None else {"X-Join-Code": drill["join"][role]}
    deadline = time.monotonic() + 60
    while True:
        response = client.get(f"/api/drills/{drill['id']}/state", headers=headers)
        assert response.status_code == 200, response.text
        state = response.json()
        if ready(state) or time.monotonic() > deadline:
            return state
        time.sleep(0.02)


def _paged(state: dict) -> bool:
    return any(i["kind"] == "page" for i in state.get("inbox", ()))


def _control(client: TestClient, drill: dict, **body: object) -> dict:
    response = client.post(f"/api/drills/{drill['id']}/control", json=body, headers=H)
    assert response.status_code == 200, response.text
    return response.json()


def _act(client: TestClient, drill: dict, as_role: str, **body: object):
    return client.post(f"/api/drills/{drill['id']}/actions", json=body,
                       headers={"X-Join-Code": drill["join"][as_role]})


def test_health(client: TestClient) -> None:
    assert client.get("/healthz").status_code == 200


def test_a_drill_runs_through_the_api_and_its_log_replays(client: TestClient,
                                                          tmp_path: Path) -> None:
    drill = _drill(client)
    assert set(drill["join"]) == {"comms_lead", "legal"} and drill["room"]
    assert _control(client, drill, op="start")["status"] == "running"
    assert _control(client, drill, op="advance", by="2h20m")["clock"] == "fri 19:50"
    state = _state(client, drill, "comms_lead", lambda s: s.get("clock") == "fri 19:50")
    pages = [i for i in state["inbox"] if i["kind"] == "page"]
    assert pages, state["inbox"]
    ack = _act(client, drill, "comms_lead", action="acknowledge", obligation=pages[0]["id"])
    assert ack.status_code == 201
    assert '"status":"acknowledged"' in ack.json()["records"][0]
    done = _act(client, drill, "comms_lead", action=pages[0]["action"],
                obligation=pages[0]["id"])
    assert done.status_code == 201
    triggered = client.post(f"/api/drills/{drill['id']}/inject", json={"inject": "second-outlet"},
                            headers=H)
    assert triggered.status_code == 201, triggered.text
    again = client.post(f"/api/drills/{drill['id']}/inject", json={"inject": "second-outlet"},
                        headers=H)
    assert again.status_code == 409 and "already happened" in again.json()["error"]
    adhoc = client.post(f"/api/drills/{drill['id']}/inject", headers=H,
                        json={"to": "comms_lead", "kind": "press_inquiry",
                              "text": "Hi, <script>alert(1)</script> from the Courier"})
    assert adhoc.status_code == 201
    _control(client, drill, op="advance", by="1m")
    messages = _state(client, drill, "comms_lead",
                      lambda s: s.get("clock") == "fri 19:51")["messages"]
    assert messages[-1]["text"] == "Hi, <script>alert(1)</script> from the Courier"
    assert _control(client, drill, op="end")["status"] == "ended"
    log = client.get(f"/api/drills/{drill['id']}/log", headers=H).text
    score = client.get(f"/api/drills/{drill['id']}/score", headers=H).json()
    path = tmp_path / "served.jsonl"
    path.write_text(log)
    from drills.api import replay_drill, score_drill

    assert replay_drill(str(path)).difference is None
    assert score_drill(str(path))["score"] == score["score"]
    report = client.get(f"/drills/{drill['id']}/report", params={"token": TOKEN})
    assert report.status_code == 200 and "After-action report" in report.text
    from drills.api import drill_history

    recorded = drill_history(db=str(tmp_path / "history.db"))
    assert [(d["kind"], d["score"]) for d in recorded] == [("serve", score["score"])]
    assert recorded[0]["people"] == ["comms lead", "legal"]


def test_pause_holds_simulated_time(client: TestClient, wall: FakeWall) -> None:
    drill = _drill(client, speed=3600)
    _control(client, drill, op="start")
    wall.t += 0.5  # half a wall second at 3600x: 30 simulated minutes
    assert _state(client, drill, ready=lambda s: s["now"] >= 30)["now"] == pytest.approx(30)
    _control(client, drill, op="pause")
    paused_at = _state(client, drill)["now"]
    wall.t += 600
    # Every request is handled after a turn of the drill's loop: this one saw the wall move.
    assert _control(client, drill, op="pause")["status"] == "paused"
    assert _state(client, drill)["now"] == paused_at
    assert _state(client, drill)["status"] == "paused"


@pytest.mark.parametrize(("headers", "status", "message"), [
    ({}, 401, "token is needed"),
    ({"Authorization": "Bearer nope"}, 401, "wrong facilitator token"),
    ({"Authorization": "Basic abc"}, 401, "token is needed"),
])
def test_only_the_facilitator_creates_and_controls(client: TestClient, headers: dict,
                                                   status: int, message: str) -> None:
    created = client.post("/api/drills", json={"humans": ["legal"]}, headers=headers)
    assert created.status_code == status and message in created.json()["error"]
    drill = _drill(client)
    for path, body in (("control", {"op": "start"}), ("inject", {"inject": "x"})):
        response = client.post(f"/api/drills/{drill['id']}/{path}", json=body, headers=headers)
        assert response.status_code == status, response.text
    join = {"X-Join-Code": drill["join"]["legal"]}
    assert client.post(f"/api/drills/{drill['id']}/control", json={"op": "start"},
                       headers=join).status_code == 401
    assert client.get(f"/api/drills/{drill['id']}/log", headers=join).status_code == 401


def test_a_join_code_acts_only_as_its_role_in_its_drill(client: TestClient) -> None:
    mine, other = _drill(client), _drill(client)
    _control(client, mine, op="start")
    _control(client, mine, op="advance", by="2h20m")
    page = next(i for i in _state(client, mine, "comms_lead", _paged)["inbox"]
                if i["kind"] == "page")
    as_legal = _act(client, mine, "legal", action="acknowledge", obligation=page["id"])
    assert as_legal.status_code == 409 and "not yours" in as_legal.json()["error"]
    smuggled = _act(client, mine, "legal", action="notify", role="comms_lead")
    assert smuggled.status_code == 422 and "the role is the join code's" in smuggled.text
    foreign = client.post(f"/api/drills/{other['id']}/actions", json={"action": "notify"},
                          headers={"X-Join-Code": mine["join"]["legal"]})
    assert foreign.status_code == 403 and "another drill" in foreign.json()["error"]
    assert client.get(f"/api/drills/{other['id']}/state",
                      headers={"X-Join-Code": mine["join"]["legal"]}).status_code == 403
    unknown = client.post(f"/api/drills/{mine['id']}/actions", json={"action": "notify"},
                          headers={"X-Join-Code": "ZZZZ-ZZZZ"})
    assert unknown.status_code == 401
    role_view = _state(client, mine, "legal")
    assert role_view["role"] == "legal" and "obligations" not in role_view
    room = client.get(f"/api/drills/{mine['id']}/state", params={"room": "WRONG-CODE"})
    assert room.status_code == 403
    assert "trending" in client.get(f"/api/drills/{mine['id']}/state",
                                    params={"room": mine["room"]}).json()


def test_oversize_cross_site_and_non_json_requests_are_refused(client: TestClient) -> None:
    drill = _drill(client)
    big = client.post(f"/api/drills/{drill['id']}/actions",
                      content=json.dumps({"action": "update", "text": "x" * 100_000}),
                      headers={"X-Join-Code": drill["join"]["comms_lead"],
                               "Content-Type": "application/json"})
    assert big.status_code == 413 and "over 64 KiB" in big.json()["error"]
    long_text = _act(client, drill, "comms_lead", action="update", text="x" * 6000)
    assert long_text.status_code == 422
    form = client.post(f"/api/drills/{drill['id']}/control", content="op=end",
                       headers={**H, "Content-Type": "application/x-www-form-urlencoded"})
    assert form.status_code == 415
    cross = client.post(f"/api/drills/{drill['id']}/control", json={"op": "end"},
                        headers={**H, "Origin": "https://evil.example"})
    assert cross.status_code == 403 and "cross-site" in cross.json()["error"]
    assert _state(client, drill)["status"] == "created"


def test_bad_drills_and_ops_get_one_json_line(client: TestClient) -> None:
    for body, message in (({"humans": ["comms_lad"]}, "comms_lad"),
                          ({"humans": []}, "'humans' must be a list"),
                          ({"humans": ["legal"], "scenario": "../../etc/passwd"},
                           "is neither a built-in nor in the server's library"),
                          ({"humans": ["legal"], "speed": -3}, "'speed'"),
                          ({"humans": ["legal"], "colour": "red"}, "unknown field 'colour'")):
        response = client.post("/api/drills", json=body, headers=H)
        assert response.status_code == 422 and message in response.json()["error"], response.text
    drill = _drill(client)
    assert client.post(f"/api/drills/{drill['id']}/control", json={"op": "explode"},
                       headers=H).status_code == 422
    assert client.post(f"/api/drills/{drill['id']}/control", json={"op": "advance", "by": "soon"},
                       headers=H).status_code == 422
    missing = client.get("/api/drills/00000000/state", headers=H)
    assert missing.status_code == 404 and "no drill '00000000'" in missing.json()["error"]
    assert client.post("/api/drills/nope/control", json={"op": "start"},
                       headers=H).status_code == 404


def test_pages_carry_a_strict_content_security_policy(client: TestClient) -> None:
    drill = _drill(client)
    for path in ("/", f"/join/{drill['join']['legal']}", f"/room/{drill['room']}"):
        response = client.get(path)
        assert response.status_code == 200
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert response.headers["x-frame-options"] == "DENY"
    assert "not valid" in client.get("/join/NOPE-NOPE").text
    assert client.get(f"/qr/{drill['join']['legal']}.svg").text.startswith("<?xml")
