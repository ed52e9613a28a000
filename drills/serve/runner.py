"""One thread owns each live drill: its world, its clock, its inputs.

Requests hand their inputs in through a queue and wait for the answer; the thread applies
each at the world's current moment, commits it to the database and publishes fresh views
(both before the request hears the answer). Time moves through the drive layer's session,
as in ``drill play``: the wall clock is handed in (``wall``), so tests move it by hand.
After a crash the thread is started again from the stored inputs: the drill is replayed to
where it had reached.
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

from drills.drive.inputs import PersonInput
from drills.drive.live import LiveDrill
from drills.drive.session import LiveSession
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
#: A long advance answers after this long at most (saying it continues), well within the
#: time a request waits; and it runs in slices of about SLICE_SECONDS between requests.
ANSWER_SECONDS = 5.0
SLICE_SECONDS = 0.2


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
                 on_end: Callable[[str, bytes, dict[str, Any]], None] | None = None,
                 wall: Callable[[], float] = time.monotonic) -> None:
        super().__init__(name=f"drill-{drill_id}", daemon=True)
        self.drill_id = drill_id
        self.db = db
        self.status = status
        self.lines: list[str] = []
        self.live = LiveDrill(config, TextSink(_Stream(self)))
        #: The wall clock (seconds): the drill's real time, the saves, the answers' budgets.
        self.wall = wall
        self.session = LiveSession(self.live, speed=speed, wall=wall,
                                   paused=status != "running")
        self.commands: queue.Queue[Command] = queue.Queue()
        self.views: dict[str, Any] = {}
        #: Counts publishes; ``changed`` is notified on every one (pages wait on it).
        self.version = 0
        self.changed = threading.Condition()
        self._restore = (inputs or [], reached)
        self._seq = len(inputs or [])
        self._score: dict[str, Any] | None = None
        self._on_end = on_end
        self.final: dict[str, Any] | None = None
        self._stopping = False
        self.error: str | None = None
        #: Where an ``advance`` under way goes (None: none is).
        self.advancing: float | None = None
        #: What the views last showed, and when the live score was last computed.
        self._shown: tuple[Any, ...] = ()
        self._scored: tuple[Any, ...] = ()
        self._last_save = self._last_score = 0.0
        self._prepared = False

    # -- called from request handlers -------------------------------------------------------------

    def submit(self, command: str, **args: Any) -> Future[Any]:
        done: Future[Any] = Future()
        gone = self.ident is not None and not self.is_alive()  # started, and stopped since
        if gone or self.status in ("ended", "failed"):
            done.set_exception(PersonError("the drill has ended"))
            return done
        self.commands.put(Command(command, args, done))
        return done

    # -- the thread -----------------------------------------------------------------------------

    def run(self) -> None:
        try:
            self.prepare()
            while self.status != "ended" and not self._stopping:
                self.turn(TICK_SECONDS)
        except Exception as exc:  # a bug must not take the server down; say it loudly
            log.exception("drill %s stopped", self.drill_id)
            self.error = f"{type(exc).__name__}: {exc}"
            self.status = "failed"
            self._publish()

    def prepare(self) -> None:
        """Start the drill, or bring it back after a restart: the stored inputs replayed at
        their moments, on to where it had reached (a stored input that no longer applies is
        named: ``drill ID, stored input N: ...``). Once: a test may call it before the
        thread starts, to turn the loop by hand."""
        if self._prepared:
            return
        self._prepared = True
        self.live.begin()
        inputs, reached = self._restore
        self.session.recover(((item, f"drill {self.drill_id}, stored input {n}")
                              for n, item in enumerate(inputs)), reached)
        self._publish(score=True)
        self._last_save = self._last_score = self.wall()

    def turn(self, wait: float = 0.0) -> None:
        """One round of the loop: take a request if one comes within ``wait`` wall seconds,
        move the world (to where the clock says, or a slice of an advance under way), end
        the drill at its end, save the moment reached now and then, publish what changed."""
        if self.advancing is not None:
            wait = 0.0  # an advance under way goes on at once after any request
        try:
            command: Command | None = self.commands.get(timeout=wait) if wait > 0 else \
                self.commands.get_nowait()
        except queue.Empty:
            command = None
        if self.advancing is not None:
            self._advance_slice()
        elif self.session.tick() is not None and self.status == "running":
            self.status = "paused"  # the script's break: the facilitator resumes
            self.db.update(self.drill_id, status="paused", reached=self.live.now)
        if command is not None:
            self._take(command)
        if self.live.over and self.status != "ended":
            self._end()
        wall = self.wall()
        if wall - self._last_save >= SAVE_SECONDS and self.status != "ended":
            self.db.update(self.drill_id, reached=self.live.now)
            self._last_save = wall
        fresh_score = wall - self._last_score >= SCORE_SECONDS
        if fresh_score:
            self._last_score = wall
        self._publish(score=fresh_score, if_changed=True)

    def _execute(self, command: Command) -> None:
        try:
            result = getattr(self, f"_op_{command.op}")(**command.args)
        except PersonError as exc:
            command.done.set_exception(exc)
            return
        command.done.set_result(result)

    def _input(self, item: PersonInput) -> Any:
        """Apply one input now; commit it before anyone hears it was accepted."""
        before = len(self.lines)
        item = self.session.apply(item)
        self.db.add_input(self.drill_id, self._seq, item)
        self._seq += 1
        self._publish()  # whoever hears the answer sees its effect in the views
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
        session = self.session
        if op != "end":  # logged where it is applied, and stored: replay writes it again
            value = speed if op == "speed" else minutes if op == "advance" else None
            self._input(PersonInput(0.0, "facilitator", "clock", clock=(op, value)))
        if op == "start" or op == "resume":
            session.resume()
            self.status = "running"
        elif op == "pause":
            session.pause()
            self.status = "paused"
            self.advancing = None  # pausing stops an advance under way where it is
        elif op == "speed":
            assert speed is not None
            session.set_speed(speed)
            self.db.update(self.drill_id, speed=speed)
        elif op == "advance":
            assert minutes is not None
            return self._advance(minutes)
        elif op == "end":
            self.advancing = None
            self._end()
            self._publish()
            return {"status": "ended", "clock": self.live.clock()}
        self.db.update(self.drill_id, status=self.status, reached=self.live.now)
        self._publish()
        return self._control_answer()

    def _control_answer(self) -> dict[str, Any]:
        answer = {"status": self.status, "clock": self.live.clock(), "speed": self.session.speed}
        if self.advancing is not None:
            answer["advancing"] = self.live.clock(self.advancing)
        return answer

    def _advance(self, minutes: float) -> Any:
        """Skip ahead (a break of the script stops it). A long skip goes in slices, the views
        published between them; the answer comes when it is done, or after ANSWER_SECONDS
        says it continues (``advancing``: until when), and the loop carries it on between
        other requests. Nothing depends on the request staying open."""
        if self.advancing is not None:
            raise PersonError(f"an advance to {self.live.clock(self.advancing)} is under way; "
                              "pause stops it")
        self.advancing = self.session.skip_target(minutes)
        asked = self.wall()
        while not self._advance_slice():
            self._publish()
            self._take_waiting()  # people act between two slices
            if self._stopping or self.wall() - asked >= ANSWER_SECONDS:
                break
        self.db.update(self.drill_id, status=self.status, reached=self.live.now)
        self._publish()
        return self._control_answer()

    def _take(self, command: Command) -> None:
        """Carry out a request, unless it gave up (its future cancelled) before its turn;
        one being carried out can no longer be cancelled, so its answer always lands."""
        if command.done.set_running_or_notify_cancel():
            self._execute(command)

    def _take_waiting(self) -> None:
        """The requests that came in meanwhile (between two slices of an advance)."""
        while not self._stopping:
            try:
                command = self.commands.get_nowait()
            except queue.Empty:
                return
            self._take(command)

    def _advance_slice(self) -> bool:
        """Carry the advance under way on for about SLICE_SECONDS; True when it is done."""
        target = self.advancing
        if target is None:
            return True
        until = self.wall() + SLICE_SECONDS
        if self.session.skip_to(target, enough=lambda: self.wall() >= until):
            self.advancing = None
        return self.advancing is None

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

    def _publish(self, score: bool = False, if_changed: bool = False) -> None:
        """Fresh views for the pages; ``changed`` is notified and ``version`` counts up on
        every publish. ``if_changed``: only when the drill moved, wrote a record, changed
        its status or speed, or ``score`` asks for a fresh live score."""
        live = self.live
        speed = self.session.speed
        status = self.status
        shown = (live.now, live.display.count, status, speed, self.session.paused,
                 self.advancing)
        rescore = score and shown != self._scored and not live.world.finished
        if if_changed and not rescore and shown == self._shown:
            return
        self._shown = shown
        if rescore:
            self._score = live_score(live)
            self._scored = shown
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
