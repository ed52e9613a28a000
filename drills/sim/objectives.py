"""Exercise objectives: a scripted message that expects reactions opens one objective per
expectation; a simulated role meets it with its response time, a person by acting on the
message, the facilitator by a verdict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from drills.feed.scenario import Expectation, Inject
from drills.inputs.durations import countdown as minutes
from drills.log.records import Record
from drills.team.model import Member

if TYPE_CHECKING:
    from drills.sim.world import World


@dataclass
class OpenExpectation:
    id: str
    inject: str
    event: str
    spec: Expectation
    created: float


class Objectives:
    """The open objectives of a drill and how many were ever created (x1 .. x<created>)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.expecting = {i.id: i for i in world.scenario.injects if i.expect}
        self.open: dict[str, OpenExpectation] = {}
        self.created = 0

    def on_event(self, event: dict[str, Any]) -> None:
        """A feed event: a message that expects reactions opens its objectives."""
        if self.expecting and event.get("inject") in self.expecting:
            self._expect(self.expecting[event["inject"]], event)

    def _expect(self, inject: Inject, event: dict[str, Any]) -> None:
        world = self.world
        for spec in inject.expect:
            self.created += 1
            x = OpenExpectation(f"x{self.created}", inject.id, event["id"], spec,
                                float(event["t"]))
            self.open[x.id] = x
            world.sink.write({"type": "expectation", "t": event["t"], "id": x.id,
                              "status": "created", "inject": inject.id, "event": event["id"],
                              "role": spec.role, "reaction": spec.reaction,
                              "within": spec.within, "points": spec.points,
                              **({"action": spec.action} if spec.action else {})})
            if spec.role not in world.humans:
                world.env.process(self._react(x))

    def judge(self, x: OpenExpectation, status: str, by: str | None,
              comment: str | None = None) -> None:
        """Close an objective: met, partly or missed (by the world, a person's action, or
        the facilitator)."""
        self.open.pop(x.id, None)
        record: Record = {"type": "expectation", "t": round(self.world.env.now, 3), "id": x.id,
                          "status": status, "by": by}
        if comment:
            record["comment"] = comment
        self.world.sink.write(record)

    def timing(self, x: OpenExpectation) -> str:
        within = x.spec.within
        return "met" if within is None or self.world.env.now - x.created <= within + 1e-9 \
            else "partly"

    def met_by(self, event_id: str, member: Member,
               action: str | None = None) -> list[OpenExpectation]:
        """A person acted on ``event_id`` with ``action``: it meets what the message
        expected of their roles when that is the action expected (a briefing does not meet
        an objective that expects a holding statement; it stays open). An objective that
        names no action is flagged for the facilitator to judge (``unvalidated``, with the
        action said). Returns the objectives it met (not the flagged ones)."""
        mine = [x for x in self.open.values()
                if x.event == event_id and x.spec.role in member.roles]
        done = []
        for x in mine:
            wanted = x.spec.action
            if action is None or wanted == action:
                self.judge(x, self.timing(x), member.name)
                done.append(x)
            elif wanted is None:
                self.judge(x, "unvalidated", member.name, self._flag(x, member, action))
        return done

    def _flag(self, x: OpenExpectation, member: Member, action: str) -> str:
        """Why an objective waits for the facilitator: who did what, and when."""
        late = ""
        if self.timing(x) == "partly" and x.spec.within is not None:
            late = (f", {minutes(self.world.env.now - x.created)} after "
                    f"({minutes(x.spec.within)} allowed)")
        return f"{member.name} acted with {action}{late}: the facilitator judges"

    def validate(self, x_id: str, status: str, comment: str) -> None:
        """The facilitator's verdict on ``x_id`` (it corrects the world's), logged as the
        control input and the verdict."""
        world = self.world
        now = round(world.env.now, 3)
        world.sink.write({"type": "control", "t": now, "op": "validate", "inject": x_id,
                          "status": status, "comment": comment})
        self.open.pop(x_id, None)
        world.sink.write({"type": "expectation", "t": now, "id": x_id, "status": status,
                          "by": "facilitator", "comment": comment or None})

    def _react(self, x: OpenExpectation) -> Any:
        world = self.world
        env = world.env
        if x.created > env.now:
            yield env.timeout(x.created - env.now)
        responders = world.responders
        holders = [m for m in world.team.holders(x.spec.role)
                   if m.available(responders.week())]
        if not holders:
            self.judge(x, "missed", None, f"no {x.spec.role} on duty")
            return
        member = holders[0]
        delay = responders.delay(member)
        if env.now + delay >= world.end:
            return  # still open at the end: missed then
        yield env.timeout(delay)
        if x.id in self.open:
            self.judge(x, self.timing(x), member.name)

    def finish(self) -> None:
        """The drill ends. A person's reaction may have happened off the log (a phone call
        in the room): the facilitator judges it. A simulated role that did not react
        missed it."""
        for x in list(self.open.values()):
            status = "unvalidated" if x.spec.role in self.world.humans else "missed"
            self.judge(x, status, None)
