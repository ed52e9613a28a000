"""One thread owns each live drill: its world, its clock, its inputs.

Requests hand their inputs in through a queue and wait for the answer; the thread applies
each at the world's current moment, commits it to the database (before the request
returns), and publishes fresh views for the pages. After a crash the thread is started
again from the stored inputs: the drill is replayed to where it had reached.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from drills.drive.breaks import BreakWatch
from drills.drive.clock import DrillClock
from drills.drive.inputs import PersonInput, apply_input, step_time
from drills.drive.live import LiveDrill
from drills.log.records import TextSink
from drills.serve.db import ServeDB
from drills.serve.views import facilitator_view, live_score, role_view, room_view
from drills.sim.people import PersonError
from drills.sim.world import DrillConfig

log = logging.getLogger("drills.serve")
TICK_SECONDS = 0.1
#: How often the moment reached is saved, and the live score recomputed (wall seconds).
SAVE_SECONDS = 1.0
SCORE_SECONDS = 2.0


class _Stream:
    """Where the log's text goes: the runner's list of lines (served as the drill grows)."""

    def __init__(self, runner: DrillRunner) -> None:
        self.write = runner.lines.append


@dataclass
class Command:
    op: str
    args: dict[str, Any]
    done: Future[Any]


class DrillRunner(threading.Thread):
    def __init__(self, drill_id: str, config: DrillConfig, db: ServeDB, *, status: str,
                 speed: float, reached: float = 0.0, inputs: list[PersonInput] | None = None,
                 on_end: Callable[[str, bytes, dict[str, Any]], None] | None = None) -> None:
        super().__init__(name=f"drill-{drill_id}", daemon=True)
        self.drill_id = drill_id
        self.db = db
        self.status = status
        self.lines: list[str] = []
        self.live = LiveDrill(config, TextSink(_Stream(self)))
        self.clock = DrillClock(speed, time.monotonic)
        if status != "running":
            self.clock.pause()
        self.commands: queue.Queue[Command] = queue.Queue()
        self.breaks = BreakWatch(config.scenario.breaks)
        self.views: dict[str, Any] = {}
        self.version = 0
        self.changed = threading.Condition()
        self._restore = (inputs or [], reached)
        self._seq = len(inputs or [])
        self._score: dict[str, Any] | None = None
        self._on_end = on_end
        self.final: dict[str, Any] | None = None
        self._stopping = False
        self.error: str | None = None

    # -- called from request handlers -------------------------------------------------------------

    def submit(self, command: str, **args: Any) -> Future[Any]:
        done: Future[Any] = Future()
        if not self.is_alive() or self.status == "ended":
            done.set_exception(PersonError("the drill has ended"))
            return done
        self.commands.put(Command(command, args, done))
        return done

    # -- the thread -----------------------------------------------------------------------------

    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # a bug must not take the server down; say it loudly
            log.exception("drill %s stopped", self.drill_id)
            self.error = f"{type(exc).__name__}: {exc}"
            self.status = "failed"
            self._publish()

    def _run(self) -> None:
        live = self.live
        live.begin()
        inputs, reached = self._restore
        for item in inputs:  # recovery: the stored inputs, at their moments
            live.advance(item.t)
            apply_input(live.world, item)
        live.advance(max(reached, live.now))
        self.clock.skip(live.now - self.clock.now())
        self._publish(score=True)
        last_save = last_score = time.monotonic()
        while self.status != "ended" and not self._stopping:
            try:
                command: Command | None = self.commands.get(timeout=TICK_SECONDS)
            except queue.Empty:
                command = None
            target, at_break = self.breaks.stop_at(live.now, self.clock.now())
            live.advance(target)
            self.clock.hold(live.now)
            if at_break is not None and self.status == "running":
                self.clock.pause()  # the script's break: the facilitator resumes
                self.status = "paused"
                self.db.update(self.drill_id, status="paused", reached=live.now)
            if command is not None:
                self._execute(command)
            if live.over and self.status != "ended":
                self._end()
            wall = time.monotonic()
            if wall - last_save >= SAVE_SECONDS and self.status != "ended":
                self.db.update(self.drill_id, reached=live.now)
                last_save = wall
            fresh_score = wall - last_score >= SCORE_SECONDS
            if fresh_score:
                last_score = wall
            self._publish(score=fresh_score)

    def _execute(self, command: Command) -> None:
        try:
            result = getattr(self, f"_op_{command.op}")(**command.args)
        except PersonError as exc:
            command.done.set_exception(exc)
            return
        command.done.set_result(result)

    def _input(self, item: PersonInput) -> Any:
        """Apply one input now; commit it before anyone hears it was accepted."""
        item = PersonInput(step_time(self.live.now), item.member, item.kind, item.obligation,
                           item.action, item.inject, item.adhoc)
        before = len(self.lines)
        apply_input(self.live.world, item)
        self.db.add_input(self.drill_id, self._seq, item)
        self._seq += 1
        return {"t": item.t, "clock": self.live.clock(),
                "records": [line for line in self.lines[before:]]}

    def _op_stop(self) -> Any:
        """The server is shutting down: save where the drill is and let go of it (a restart
        resumes it), without ending it."""
        self.db.update(self.drill_id, reached=self.live.now)
        self._stopping = True
        self.live.close()
        return {"status": self.status}

    def _op_input(self, item: PersonInput) -> Any:
        return self._input(item)

    def _op_control(self, op: str, speed: float | None = None,
                    minutes: float | None = None) -> Any:
        if op == "start" or op == "resume":
            self.clock.resume()
            self.status = "running"
        elif op == "pause":
            self.clock.pause()
            self.status = "paused"
        elif op == "speed":
            assert speed is not None
            self.clock.set_speed(speed)
            self.db.update(self.drill_id, speed=speed)
        elif op == "advance":
            assert minutes is not None
            target = self.live.now + minutes
            upcoming = self.breaks.next_at(self.live.now)
            if upcoming is not None and upcoming <= target:
                target = upcoming  # the script's break stops it; the loop then pauses
            self.live.advance(target)
            self.clock.skip(self.live.now - self.clock.now())
        elif op == "end":
            self._end()
            return {"status": "ended", "clock": self.live.clock()}
        self.db.update(self.drill_id, status=self.status, reached=self.live.now)
        return {"status": self.status, "clock": self.live.clock(), "speed": self.clock.speed}

    def _end(self) -> None:
        document = self.live.finish()
        self.live.close()
        self.status = "ended"
        self.final = document
        data = "".join(self.lines).encode("utf-8")
        self.db.update(self.drill_id, status="ended", reached=self.live.now, log=data,
                       score=json.dumps(document))
        if self._on_end is not None:
            self._on_end(self.drill_id, data, document)

    def _publish(self, score: bool = False) -> None:
        live = self.live
        speed = self.clock.speed
        if score and not live.world.finished:
            self._score = live_score(live)
        status = self.status
        views: dict[str, Any] = {
            "facilitator": facilitator_view(live, status, speed,
                                            (self.final and _summary(self.final))
                                            or self._score),
            "room": room_view(live, status, speed),
        }
        for role in live.world.config.humans:
            views[f"role:{role}"] = role_view(live, role, status, speed)
        with self.changed:
            self.views = views
            self.version += 1
            self.changed.notify_all()


def _summary(document: dict[str, Any]) -> dict[str, Any]:
    return {"score": document["score"], "rating": document["rating"],
            "subscores": document["subscores"], "violations": len(document["violations"]),
            "improvements": [i["text"] for i in document["improvements"]]}
