"""The drive layer: one session moves every drill with people in it, in real time that is
never lost below a step, and no front end moves the world itself."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from drills.api import people_config
from drills.drive.inputs import PersonInput
from drills.drive.live import LiveDrill
from drills.drive.recorded import play_inputs
from drills.drive.session import STEP, LiveSession
from drills.errors import InputError
from drills.feed.scenario import Break
from drills.play.console import Console
from drills.sim.people import PersonAction
from drills.sim.world import DrillConfig
from tests.live_helpers import live_drill

PACKAGE = Path(__file__).resolve().parent.parent / "drills"


class FakeWall:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.mark.parametrize("speed", [0.1, 1, 2, 5, 10, 60, 3600])
def test_a_played_drill_keeps_every_fraction_of_a_step(speed: float) -> None:
    """Ticks of 0.1 s: at speed 1 each is a tenth of the world's one-second step."""
    wall = FakeWall()
    live, _out = live_drill({"comms_lead": "Ana"}, seed=2, hours=2)
    console = Console(LiveSession(live, speed=speed, wall=wall), "Ana")
    for tick in range(1, 601):
        wall.t += 0.1
        console.tick()
        if tick % 50 == 0:
            expected = min(speed * tick * 0.1 / 60, live.end)  # simulated minutes
            assert expected - STEP - 1e-9 <= live.now <= expected + 1e-9, (tick, live.now)
    # 60 wall seconds: ``speed`` simulated minutes (or the drill's end)
    assert live.now == pytest.approx(min(speed, live.end), abs=STEP)
    live.finish()


def test_the_clock_keeps_its_fraction_across_pause_and_speed() -> None:
    wall = FakeWall()
    live, _out = live_drill({"comms_lead": "Ana"}, seed=2, hours=2)
    session = LiveSession(live, speed=1, wall=wall)
    for _ in range(25):  # 2.5 s: 2 whole steps and half of one
        wall.t += 0.1
        session.tick()
    assert live.now == pytest.approx(2 * STEP)
    session.pause()
    wall.t += 100
    session.tick()
    session.set_speed(2)
    session.resume()
    for _ in range(3):  # 0.3 s at 2x: the half step kept, plus 0.6
        wall.t += 0.1
        session.tick()
    assert live.now == pytest.approx(3 * STEP)
    live.finish()


def test_a_wait_stops_when_something_calls_for_the_person_or_falls_due() -> None:
    live, _out = live_drill({"comms_lead": "Ana"}, seed=1, hours=6)
    session = LiveSession(live, speed=0, wall=FakeWall())
    assert session.wait(600, person="Ana") == "needed"
    paged = [i for i in live.inbox("Ana") if i.kind == "page"]
    assert paged, live.inbox("Ana")
    live.ack("Ana", paged[0].ob.id)
    due = session.next_due("Ana")
    assert due is not None and due > live.now
    assert session.wait(600, person="Ana", due=True) in ("due", "needed")
    assert live.now <= due + 1e-9
    assert session.wait(30) == "done"  # nobody named: only time stops it
    assert session.wait(24 * 60) == "end" and live.over
    live.finish()


def _config(hours: float) -> DrillConfig:
    return people_config(scenario="overheating-kettle", rulebook="default", team="standard",
                         seed=1, start="fri 17:30", humans={"comms_lead": "Ana"}, hours=hours)


def test_a_break_stops_the_clock_and_a_wait() -> None:
    config = _config(3)
    config.scenario = replace(config.scenario, breaks=(Break(30, 15, "Lunch"),))
    live = LiveDrill(config)
    live.begin()
    wall = FakeWall()
    session = LiveSession(live, speed=60, wall=wall)
    wall.t += 40  # 40 simulated minutes of wall time: the break at 30 stops the world
    reached = session.tick()
    assert reached is not None and reached.title == "Lunch"
    assert live.now == pytest.approx(30) and session.paused
    wall.t += 100
    assert session.tick() is None and live.now == pytest.approx(30)
    session.resume()
    wall.t += 1
    session.tick()
    assert live.now == pytest.approx(31)
    live.finish()

    live = LiveDrill(config)
    live.begin()
    session = LiveSession(live, speed=0, wall=FakeWall())
    assert session.wait(60) == "break" and live.now == pytest.approx(30)
    assert session.tick() is not None and session.paused  # the front end says BREAK
    live.finish()


def test_replay_says_which_input_does_not_apply() -> None:
    late = PersonInput(500, "Ana", "act", action=PersonAction("update", text="x"))
    with pytest.raises(InputError, match=r"^here:3: at 500 minutes, after the drill's end"):
        play_inputs(LiveDrill(_config(2)), [(late, "here:3")])
    refused = PersonInput(1, "Ana", "approve")
    with pytest.raises(InputError, match=r"^here:4: at fri 17:31, Ana: nobody is waiting"):
        play_inputs(LiveDrill(_config(2)), [(refused, "here:4")])


def _advance_calls(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute) and node.func.attr == "advance"]


def test_no_front_end_moves_the_world_itself() -> None:
    """Only the drive layer (and the world itself) call ``advance``: a second loop would be
    a second set of bugs (serve's froze real time; see issue 17)."""
    outside = {f"{path.relative_to(PACKAGE.parent)}:{line}"
               for path in PACKAGE.rglob("*.py")
               if path.parent.name not in ("drive", "sim") or path.parent.parent != PACKAGE
               for line in _advance_calls(path)}
    assert outside == set()
    # The check can fail: the drive layer itself does call it.
    assert _advance_calls(PACKAGE / "drive" / "session.py")
