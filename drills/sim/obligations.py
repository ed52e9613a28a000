"""Obligations: what fired rules demand, open until done, with deadlines and the rhythm of
``every``. The book owns the open obligations and their ids; responders do the work."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import simpy

from drills.rulebook.model import Obligation, Rule
from drills.team.model import Member

if TYPE_CHECKING:
    from drills.sim.world import World


@dataclass
class OpenObligation:
    id: str
    rule: str
    spec: Obligation
    created: float
    due: float
    instance: int
    episode: int
    event: str | None = None
    done: float | None = None
    acting_role: str | None = None
    #: The crisis calmed before it was done: no longer asked for.
    cancelled: bool = False
    #: A person acknowledged it (their page, or the obligation before it was paged).
    acknowledged: bool = False
    #: The page waiting for a person: triggered when they acknowledge.
    page: simpy.Event | None = None
    paged_role: str | None = None
    paged_at: float = 0.0
    #: Approvals given so far (approver role -> True), and those a person is asked for.
    approved: dict[str, bool] = field(default_factory=dict)
    approval_waits: dict[str, simpy.Event] = field(default_factory=dict)
    #: The text the approvers read (None: nobody drafted it for an approver to read), the
    #: drafting round (1 = the first draft; each rejection makes another), and the
    #: rejections of this round (approver role -> comment).
    draft: str | None = None
    rounds: int = 0
    rejected: dict[str, str] = field(default_factory=dict)


class ObligationBook:
    """The open obligations of a drill, in creation order (done ones are dropped: memory
    stays flat however long the drill), and how many were ever created."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.open: dict[str, OpenObligation] = {}
        #: Obligations created so far (ids are o1 .. o<created>).
        self.created = 0

    def was_created(self, ob_id: str) -> bool:
        """Whether ``ob_id`` names an obligation of this drill, open or not."""
        number = ob_id[1:]
        return ob_id.startswith("o") and number.isdigit() and 0 < int(number) <= self.created

    def create(self, rule: Rule, spec: Obligation, event_id: str | None, instance: int,
               start: float) -> OpenObligation:
        world = self.world
        env = world.env
        self.created += 1
        due = start + (spec.first_due if instance == 1 else spec.every or 0.0)
        ob = OpenObligation(f"o{self.created}", rule.id, spec, env.now, due, instance,
                            world.escalation.episode, event_id)
        self.open[ob.id] = ob
        world.summary.obligations += 1
        world.log("obligation", id=ob.id, status="created", rule=rule.id, action=spec.action,
                  role=spec.role, due=round(due, 3), instance=instance, every=spec.every,
                  approve=list(spec.approve), channels=self.channels(spec), event=event_id)
        env.process(self._deadline(ob))
        env.process(world.responders.fulfil(ob))
        return ob

    def _deadline(self, ob: OpenObligation) -> Any:
        env = self.world.env
        wait = ob.due - env.now
        if wait > 0:
            yield env.timeout(wait)
        if ob.done is None and not ob.cancelled:
            self.world.log("obligation", id=ob.id, status="overdue")

    def done(self, ob: OpenObligation, member: Member) -> None:
        world = self.world
        ob.done = world.env.now
        self.open.pop(ob.id, None)
        world.log("obligation", id=ob.id, status="done", member=member.name,
                  late=world.env.now > ob.due + 1e-9)

    def next_instance(self, ob: OpenObligation, since: float) -> None:
        """``every`` is a rhythm, not a grid: the next instance is due ``every`` after the
        previous one went out (or after the slot it skipped), while the episode lasts."""
        world = self.world
        escalation = world.escalation
        spec = ob.spec
        if spec.every and ob.episode == escalation.episode and \
                escalation.severity > escalation.base_level and since < world.end:
            self.create(escalation.rules[ob.rule], spec, ob.event, ob.instance + 1, since)

    def cancel_recurring(self) -> None:
        """The crisis is over: the rhythm of updates it demanded stops."""
        for ob in [o for o in self.open.values() if o.spec.every]:
            ob.cancelled = True
            self.open.pop(ob.id)
            self.world.log("obligation", id=ob.id, status="cancelled",
                           reason="the crisis calmed before it was due")

    def channels(self, spec: Obligation) -> list[str]:
        """Where ``spec`` is to be published, now (``active``: where the crisis is)."""
        if spec.channels is None:
            return []
        world = self.world
        if spec.channels == "active":
            return sorted(world.active_platforms) or sorted(world.scenario.platforms)
        if spec.channels == "all":
            return sorted(world.scenario.platforms)
        if spec.channels == "private":
            return ["private"]
        return sorted(spec.channels)

    def finish(self, now: float) -> None:
        """The drill ends: what is still open is open (not yet due) or missed."""
        for ob in self.open.values():
            if ob.done is None:
                self.world.log("obligation", id=ob.id,
                               status="open" if ob.due > now + 1e-9 else "missed")
