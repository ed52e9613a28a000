"""`drill serve`'s drill runner on a wall clock the test moves: real time moves a served drill
at every speed, a whole hour runs at speed 1, and a long advance neither depends on its
request nor stops the drill's thread. No test here sleeps to let time pass."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from drills.api import people_config
from drills.drive.inputs import PersonInput
from drills.drive.session import STEP
from drills.errors import InputError
from drills.feed.scenario import Break
from drills.serve import runner as runner_module
from drills.serve.app import create_app
from drills.serve.db import DrillRow, ServeDB
from drills.serve.runner import DrillRunner
from drills.sim.people import PersonError
from tests.serve_helpers import TOKEN

H = {"Authorization": f"Bearer {TOKEN}"}


class FakeWall:
    """Wall seconds that move when the test says, or by ``step`` on every reading."""

    def __init__(self, step: float = 0.0) -> None:
        self.t = 1000.0
        self.step = step
        self.on_read: Callable[[], None] | None = None

    def __call__(self) -> float:
        self.t += self.step
        if self.on_read is not None:
            self.on_read()
        return self.t


def _runner(tmp_path: Path, wall: FakeWall, *, speed: float, hours: float = 2,
            status: str = "running", breaks: tuple[Break, ...] = (),
            inputs: list[PersonInput] | None = None) -> DrillRunner:
    """A runner whose loop the test turns by hand (no thread)."""
    db = ServeDB(str(tmp_path / "serve.db"))
    spec = {"scenario": "overheating-kettle", "rulebook": "default", "team": "standard",
            "seed": 1, "start": "fri 17:30", "humans": {"comms_lead": "comms lead"},
            "speed": speed, "hours": hours}
    db.add_drill(DrillRow("d1", "2026-01-01 00:00:00", spec, status, speed, 0.0, "ROOM"),
                 {"CODE-0001": "comms_lead"})
    config = people_config(scenario="overheating-kettle", rulebook="default", team="standard",
                           seed=1, start="fri 17:30", humans={"comms_lead": "comms lead"},
                           hours=hours)
    config.scenario = replace(config.scenario, breaks=breaks)
    runner = DrillRunner("d1", config, db, status=status, speed=speed, wall=wall,
                         inputs=inputs)
    runner.prepare()
    return runner


@pytest.mark.parametrize("speed", [0.1, 1, 2, 5, 10, 60, 3600])
def test_a_served_drill_moves_at_every_speed(tmp_path: Path, speed: float) -> None:
    """Ticks of 0.1 s: at speed 1 each is a tenth of the world's one-second step (the runner
    used to drop that fraction on every tick, and stood still at speeds 1, 2 and 5)."""
    wall = FakeWall()
    runner = _runner(tmp_path, wall, speed=speed)
    for tick in range(1, 601):
        wall.t += 0.1
        runner.turn()
        if tick % 100 == 0:
            expected = min(speed * tick * 0.1 / 60, runner.live.end)  # simulated minutes
            assert expected - STEP - 1e-9 <= runner.live.now <= expected + 1e-9, tick
    shown = runner.views["facilitator"]
    assert shown["now"] == pytest.approx(min(speed, runner.live.end), abs=STEP + 1e-3)
    assert shown["status"] == ("ended" if speed >= runner.live.end else "running")


def test_a_break_of_the_script_pauses_a_served_drill(tmp_path: Path) -> None:
    wall = FakeWall()
    runner = _runner(tmp_path, wall, speed=60, breaks=(Break(30, 15, "Lunch"),))
    wall.t += 40  # 40 simulated minutes of wall time: the break at 30 stops it
    runner.turn()
    assert runner.status == "paused" and runner.live.now == pytest.approx(30)
    assert runner.db.drills()[0].status == "paused"
    wall.t += 100
    runner.turn()
    assert runner.live.now == pytest.approx(30)
    resumed = runner.submit("control", op="resume")
    runner.turn()
    assert resumed.result(timeout=0)["status"] == "running"
    wall.t += 1
    runner.turn()
    assert runner.live.now == pytest.approx(31)


@pytest.mark.parametrize(("stored", "message"), [
    (PersonInput(1, "comms lead", "approve"),
     r"^drill d1, stored input 0: at fri 17:31, comms lead: nobody is waiting"),
    (PersonInput(500, "comms lead", "approve"),
     r"^drill d1, stored input 0: at 500 minutes, after the drill's end \(120 minutes\)"),
])
def test_recovery_names_a_stored_input_that_does_not_apply(tmp_path: Path,
                                                          stored: PersonInput,
                                                          message: str) -> None:
    """Recovery replays like `drill replay`: the same end-of-drill check, the same errors."""
    with pytest.raises(InputError, match=message):
        _runner(tmp_path, FakeWall(), speed=0, inputs=[stored])


def test_publishing_happens_on_change_and_before_the_answer(tmp_path: Path) -> None:
    wall = FakeWall()
    runner = _runner(tmp_path, wall, speed=0)
    version = runner.version
    runner.turn()
    assert runner.version == version  # nothing moved, nothing new: the pages are not woken
    answer = runner.submit("control", op="advance", minutes=30)
    runner.turn()
    assert answer.result(timeout=0)["clock"] == "fri 18:00"
    assert runner.version > version and runner.views["facilitator"]["clock"] == "fri 18:00"


def test_a_long_advance_goes_in_slices_and_answers_that_it_continues(tmp_path: Path) -> None:
    wall = FakeWall(step=0.05)  # every reading of the wall: 50 ms of work done
    runner = _runner(tmp_path, wall, speed=0, hours=6)
    advance = runner.submit("control", op="advance", minutes=300)
    # The request gives up while it is being carried out: the answer still lands.
    cancelled: list[bool] = []
    wall.on_read = lambda: cancelled.append(advance.cancel())
    first = runner.submit("input", item=_statement())
    runner.turn()
    wall.on_read = None
    assert not any(cancelled)
    answer = advance.result(timeout=0)
    assert answer["advancing"] == "fri 22:30" and runner.live.now < 300
    assert 0 < first.result(timeout=0)["t"] < runner.live.now  # between two slices
    assert runner.db.drills()[0].reached == pytest.approx(runner.live.now)
    # A second advance waits for the first; a request that gave up before its turn is
    # dropped; the drill answers a person between two slices.
    again = runner.submit("control", op="advance", minutes=10)
    gave_up = runner.submit("control", op="speed", speed=60)
    assert gave_up.cancel()
    runner.turn()
    runner.turn()
    with pytest.raises(PersonError, match="an advance to fri 22:30 is under way"):
        again.result(timeout=0)
    assert runner.session.speed == 0
    said = runner.submit("input", item=_statement())
    runner.turn()
    assert 0 < said.result(timeout=0)["t"] < 300  # answered between two slices
    for _ in range(2000):
        if runner.advancing is None:
            break
        runner.turn()
    assert runner.advancing is None and runner.live.now == pytest.approx(300)
    assert runner.views["facilitator"]["clock"] == "fri 22:30"


def _statement() -> Any:
    from drills.sim.people import PersonAction

    return PersonInput(0, "comms lead", "act", action=PersonAction(
        "holding_statement", channels=("x",), text="We are looking into it. More by 23:00."))


@pytest.fixture()
def wall() -> FakeWall:
    return FakeWall()


@pytest.fixture()
def client(tmp_path: Path, wall: FakeWall) -> Iterator[TestClient]:
    app = create_app(ServeDB(str(tmp_path / "serve.db")), TOKEN, None, wall=wall)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _state_until(client: TestClient, drill_id: str, ready: Callable[[dict[str, Any]], bool]
                 ) -> dict[str, Any]:
    """The published state once ``ready`` holds: a bounded wait for the condition."""
    deadline = time.monotonic() + 60
    while True:
        state = client.get(f"/api/drills/{drill_id}/state", headers=H).json()
        if ready(state) or time.monotonic() > deadline:
            return state
        time.sleep(0.01)


def test_a_served_drill_runs_a_whole_hour_at_speed_1(client: TestClient, wall: FakeWall,
                                                     tmp_path: Path) -> None:
    """Issue 19: real time runs. An hour of the test's wall clock is an hour of the drill,
    which then ends by itself, and its log replays byte for byte."""
    made = client.post("/api/drills", headers=H, json={
        "humans": ["comms_lead"], "speed": 1, "seed": 4, "start": "fri 17:30", "hours": 1})
    assert made.status_code == 201, made.text
    drill_id = made.json()["id"]
    assert client.post(f"/api/drills/{drill_id}/control", headers=H,
                       json={"op": "start"}).json()["status"] == "running"
    for minute in range(2, 61, 2):
        wall.t += 120
        state = _state_until(client, drill_id, lambda s, m=minute: s.get("now", 0) >= m - 1e-6
                             or s.get("status") == "ended")
        assert state["now"] == pytest.approx(minute), state.get("clock")
    state = _state_until(client, drill_id, lambda s: s.get("status") == "ended")
    assert state["status"] == "ended" and state["clock"] == "fri 18:30"
    log = client.get(f"/api/drills/{drill_id}/log", headers=H).text
    path = tmp_path / "hour.jsonl"
    path.write_text(log)
    from drills.api import replay_drill

    assert replay_drill(str(path)).difference is None


def test_a_cancelled_answer_does_not_stop_the_thread(tmp_path: Path) -> None:
    """The thread itself: a request that gave up is skipped, the next one is answered."""
    wall = FakeWall()
    runner = _runner(tmp_path, wall, speed=0)
    runner.commands.put(runner_module.Command("control", {"op": "advance", "minutes": 5},
                                              _cancelled()))
    runner.start()
    answer = runner.submit("control", op="advance", minutes=10)
    assert answer.result(timeout=60)["clock"] == "fri 17:40"
    assert runner.is_alive()
    runner.submit("stop").result(timeout=60)
    runner.join(timeout=60)


def _cancelled() -> Future[Any]:
    future: Future[Any] = Future()
    future.cancel()
    return future


def test_a_real_served_drill_at_speed_2_is_seen_moving(tmp_path: Path) -> None:
    """End to end: `drill serve` in a subprocess on its own wall clock. At speed 2 the world
    takes a one-second step every half second of wall time; it used to stand still."""
    from tests.serve_helpers import RealServer

    server = RealServer(tmp_path).start()
    try:
        made = server.call("POST", "/api/drills", headers=server.facilitator(), json={
            "humans": ["comms_lead"], "speed": 2, "seed": 1, "start": "fri 17:30"})
        assert made.status_code == 201, made.text
        drill_id = made.json()["id"]
        started = time.monotonic()
        server.call("POST", f"/api/drills/{drill_id}/control", headers=server.facilitator(),
                    json={"op": "start"})
        deadline = started + 60
        seen: list[float] = []
        while time.monotonic() < deadline:
            state = server.call("GET", f"/api/drills/{drill_id}/state",
                                headers=server.facilitator()).json()
            seen.append(state["now"])
            if state["now"] >= 5 * STEP:  # five simulated seconds: 2.5 s of wall time
                break
            time.sleep(0.1)
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    assert seen[-1] >= 5 * STEP, seen
    assert seen == sorted(seen)
    assert seen[-1] <= 2 * elapsed / 60 + STEP  # never faster than the speed


def test_a_long_advance_through_the_api_answers_and_the_drill_goes_on(tmp_path: Path) -> None:
    """Issue 22: `advance 744h` outlived its request and then killed the drill's thread.
    Here every reading of the wall clock is 50 ms of work: the request is answered once 5
    wall seconds have passed, saying where the drill is heading, and the drill carries on
    to its end."""
    wall = FakeWall(step=0.05)
    app = create_app(ServeDB(str(tmp_path / "serve.db")), TOKEN, None, wall=wall)
    with TestClient(app, raise_server_exceptions=False) as client:
        made = client.post("/api/drills", headers=H, json={
            "humans": ["comms_lead"], "speed": 0, "seed": 2, "start": "fri 17:30", "hours": 8})
        drill_id = made.json()["id"]
        answer = client.post(f"/api/drills/{drill_id}/control", headers=H,
                             json={"op": "advance", "by": "8h"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["advancing"] == "sat 01:30"
        state = _state_until(client, drill_id, lambda s: s.get("status") != "created")
        assert state["status"] == "ended" and state["clock"] == "sat 01:30"
