"""The SimPy world of one drill: the crisis unfolds, monitoring ticks, rules fire, severity
moves, obligations fall due, the team responds, and the crowd reacts to what it does.

Pure: no I/O, no clock. Every record goes to a sink in time order; every random draw comes
from generators seeded by the drill's seed. Processes are generator functions (SimPy).

The world holds the drill's lifecycle and its log; its parts own the rest:
:class:`~drills.sim.monitoring.Monitoring` (the feed, ticks, posts),
:class:`~drills.sim.escalation.Escalation` (severity, episodes, calm),
:class:`~drills.sim.obligations.ObligationBook` (open obligations, deadlines, ``every``),
:class:`~drills.sim.responders.Responders` (pages, drafting, approvals, comments),
:class:`~drills.sim.actions.Actions` (actions, conduct, the crowd's reaction) and
:class:`~drills.sim.objectives.Objectives` (exercise objectives). What a person or a
facilitator does goes through the world's public operations (``acknowledge``, ``approve``,
``act``, ``trigger``, ``add_inject``, ``validate_objective`` ...), never its parts' state.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import replace
from typing import Any

import simpy

from drills import __version__
from drills.engine.durable_engine import RulebookEngine, engine_for
from drills.feed.crisis import Crisis
from drills.feed.scenario import Inject
from drills.inputs.templates import pick_template
from drills.log.records import LOG_SCHEMA, Record, Sink
from drills.rulebook.model import Obligation, Rule
from drills.sim.actions import Actions
from drills.sim.config import LOG_FEED_MODES, DrillConfig, DrillSummary
from drills.sim.escalation import Escalation
from drills.sim.monitoring import Monitoring
from drills.sim.objectives import Objectives, OpenExpectation
from drills.sim.obligations import ObligationBook, OpenObligation
from drills.sim.posts import Posts
from drills.sim.responders import UPDATE_LEAD, WORK_MINUTES, Responders
from drills.team.clock import format_start
from drills.team.model import Member

__all__ = ["LIVE_STEPS_PER_MINUTE", "LOG_FEED_MODES", "UPDATE_LEAD", "WORK_MINUTES",
           "DrillConfig", "DrillSummary", "OpenExpectation", "OpenObligation", "World"]

#: A drill with people in it moves in steps of one simulated second, live or replayed: the
#: same steps give the same world, whenever the person's commands arrive (see docs/actions.md).
LIVE_STEPS_PER_MINUTE = 60
#: How far past a moment ``settle`` runs: well under the log's 3 decimals of a minute.
_SETTLE = 1e-6


class World:
    """One drill. ``run()`` drives it to the end and returns a summary."""

    def __init__(self, config: DrillConfig, sink: Sink,
                 engine: RulebookEngine | None = None,
                 progress: Callable[[float, float], None] | None = None) -> None:
        self.config = config
        #: Called with (now, end) at every monitoring tick; the shell decides what to show.
        self.progress = progress
        self.sink = sink
        self.scenario = config.scenario
        self.rulebook = config.rulebook
        self.team = config.team
        self.env = simpy.Environment()
        self.crisis = Crisis(config.scenario, config.seed, duration=config.duration,
                             tick=config.tick, rate_scale=config.rate_scale,
                             week_start=config.start)
        self.end = self.crisis.duration
        self.engine = engine or engine_for(config.rulebook)
        self.lang = self.crisis.feed.lang
        #: The people in the drill, by the role they play (one person may play several).
        self.humans: dict[str, Member] = {}
        for person in dict.fromkeys(config.humans.values()):
            roles = tuple(r for r, p in config.humans.items() if p == person)
            member = Member(person, roles)
            self.humans.update({r: member for r in roles})
        self._steps = LIVE_STEPS_PER_MINUTE if self.humans else 0
        self._step = 0
        self._stack: ExitStack | None = None
        #: Ad-hoc injects a facilitator added so far.
        self._adhoc = 0
        #: What the facilitator shows on the room wall (a post's or an action's id).
        self.projected: str | None = None
        self.finished = False
        self.summary = DrillSummary()
        self.escalation = Escalation(
            config.rulebook, self.log, lambda: self.crisis.drill_state(self.env.now),
            lambda: float(self.env.now), self._oblige, self._calmed,
            signals=self.crisis.signals(0.0))
        self.monitoring = Monitoring(self)
        self.book = ObligationBook(self)
        #: The team's random stream: response times and habits, in the order they happen.
        rng = random.Random(f"team:{config.seed}")
        self.responders = Responders(self, rng)
        self.actions = Actions(self, rng)
        self.objectives = Objectives(self)

    # -- logging ------------------------------------------------------------------------------

    def log(self, kind: str, **fields: Any) -> None:
        record: Record = {"type": kind, "t": round(self.env.now, 3)}
        record.update(fields)
        self.sink.write(record)

    def clock(self, t: float) -> str:
        """The drill's wall time at ``t``, like ``fri 19:30``."""
        return format_start(self.config.start + t)

    # -- what callers read --------------------------------------------------------------------

    @property
    def now(self) -> float:
        return float(self.env.now)

    @property
    def severity(self) -> int:
        return self.escalation.severity

    @property
    def episode(self) -> int:
        return self.escalation.episode

    @property
    def signals(self) -> dict[str, float]:
        """What monitoring saw at the last tick."""
        return self.escalation.signals

    @property
    def active_platforms(self) -> dict[str, None]:
        """Platforms the crisis has reached so far, in order."""
        return self.monitoring.active_platforms

    @property
    def posts(self) -> Posts | None:
        """Every post a person can act on by id (None without people)."""
        return self.monitoring.posts

    @property
    def obligations(self) -> dict[str, OpenObligation]:
        """The open obligations, in creation order."""
        return self.book.open

    @property
    def expectations(self) -> dict[str, OpenExpectation]:
        """The open exercise objectives."""
        return self.objectives.open

    @property
    def objectives_created(self) -> int:
        """How many objectives the drill has had so far (x1 .. x<n>)."""
        return self.objectives.created

    def obligation_created(self, ob_id: str) -> bool:
        """Whether ``ob_id`` names an obligation of this drill, open or not."""
        return self.book.was_created(ob_id)

    def channels(self, spec: Obligation) -> list[str]:
        """Where an obligation of ``spec`` is to be published, now."""
        return self.book.channels(spec)

    def drill_state(self) -> dict[str, Any]:
        return self.escalation.drill_state()

    def post(self, event_id: str) -> dict[str, Any] | None:
        """The post ``event_id`` of this drill (it may still be ahead of ``now``), or None;
        a scripted inject's id names its latest post so far."""
        posts = self.posts
        if posts is None:
            return None
        return posts.get(event_id) or posts.latest_of_inject(event_id, self.env.now)

    def inject_fired(self, inject_id: str) -> bool:
        """Whether scripted inject ``inject_id`` was set off already."""
        return self.crisis.has_fired(inject_id)

    def template_text(self, name: str, platform: str | None) -> str | None:
        """Template ``name`` in the drill's language: the scenario's own (a crisis with a
        stance of its own) over the rulebook's."""
        own = self.scenario.templates
        if name in own:
            found = pick_template(own, name, platform, self.lang,
                                  self.scenario.locale.split("_")[0])
            if found is not None:
                return found
        return self.rulebook.template_text(name, platform, self.lang)

    def template_names(self) -> list[str]:
        return sorted({*self.rulebook.templates, *self.scenario.templates})

    def fill(self, text: str, platform: str | None, event: dict[str, Any] | None = None) -> str:
        """A template's placeholders filled from the drill (brand, times, who it answers)."""
        return self.actions.fill(text, platform, event)

    # -- what people and a facilitator do -------------------------------------------------------

    def acknowledge(self, ob: OpenObligation, member: Member, *,
                    with_action: bool = False) -> None:
        """``member`` takes ``ob`` (their page, or before it was paged); an acknowledge
        obligation is done by that. ``with_action``: by doing it, not an input of its own."""
        role = ob.paged_role if ob.paged_role in member.roles else ob.spec.role
        if role not in member.roles:
            role = member.roles[0]
        ob.acknowledged = True
        ob.acting_role = role
        extra = {"with_action": True} if with_action else {}
        self.log("obligation", id=ob.id, status="acknowledged", member=member.name, role=role,
                 human=True, **extra)
        page = ob.page
        if page is not None and not page.triggered:
            page.succeed()
        if ob.spec.action == "acknowledge":
            self.book.done(ob, member)

    def approve(self, ob: OpenObligation, role: str, member: Member) -> None:
        """``member`` gives the approval ``ob`` waits for from ``role``."""
        self.log("obligation", id=ob.id, status="approved", approver=role, member=member.name,
                 human=True)
        ob.approved[role] = True
        ob.approval_waits[role].succeed()

    def reject(self, ob: OpenObligation, role: str, member: Member, comment: str) -> None:
        """``member`` sends the draft of ``ob`` back to its drafter with ``comment``."""
        self.log("obligation", id=ob.id, status="approval_rejected", approver=role,
                 member=member.name, comment=comment, round=ob.rounds, human=True)
        ob.rejected[role] = comment
        ob.approval_waits[role].succeed()

    def draft(self, ob: OpenObligation, member: Member, text: str) -> None:
        """``member`` wrote (or rewrote) the text of ``ob``: its approvers are asked to read
        it, and what they approved or rejected before was for the old text."""
        self.responders.new_round(ob, text)
        self.log("obligation", id=ob.id, status="drafted", member=member.name, text=text,
                 round=ob.rounds, human=True)
        self.responders.ask(ob)

    def act(self, member: Member, action: str, *, ob: OpenObligation | None = None,
            event: dict[str, Any] | None = None, approvals_ok: bool = True,
            note: str | None = None,
            by_person: tuple[str, list[str], str | None] | None = None) -> Record:
        """Log an action now, check its conduct, let the crowd react; returns its record.
        ``by_person`` is (role, channels, text) when a person did it."""
        return self.actions.act(member, action, ob=ob, event=event, approvals_ok=approvals_ok,
                                note=note, by_person=by_person)

    def meet_objectives(self, event_id: str, member: Member,
                        action: str | None = None) -> list[OpenExpectation]:
        """``member`` acted on ``event_id`` with ``action``: the objectives that expected it
        of their roles are met (or partly, if late); one that names no action is flagged
        for the facilitator. Returns them."""
        return self.objectives.met_by(event_id, member, action)

    def complete(self, ob: OpenObligation, member: Member) -> None:
        """``member`` did ``ob``: it is done, and a recurring one's next instance is due."""
        self.book.done(ob, member)
        self.book.next_instance(ob, self.env.now)

    def trigger(self, inject: Inject) -> None:
        """A facilitator sets a scripted inject off now."""
        self.log("control", op="trigger", inject=inject.id)
        self.crisis.fire(inject, self.env.now)

    def add_inject(self, to: str, kind: str, text: str, platform: str) -> str:
        """A facilitator's message from outside, to role ``to``, now; returns its id."""
        self._adhoc += 1
        inject_id = f"adhoc-{self._adhoc}"
        inject = Inject(id=inject_id, kind=kind, platform=platform,
                        text=text.replace("{", "{{").replace("}", "}}"),
                        author={"handle": "facilitator", "name": "Facilitator", "followers": 0})
        self.sink.write({"type": "control", "t": round(self.env.now, 3), "op": "inject",
                         "inject": inject_id, "to": to, "kind": kind, "text": text})
        self.monitoring.adhoc_to[inject_id] = to
        self.crisis.feed.schedule_inject(inject, self.env.now)
        return inject_id

    def edit_inject(self, inject: Inject, at: float, changed: dict[str, Any]) -> None:
        """A facilitator's edit of a waiting inject (its text, time or recipients), logged
        with what changed: the edit replaces the original, due at ``at``."""
        self._control("edit", inject.id, changed)
        feed = self.crisis.feed
        feed.edits[inject.id] = inject
        feed.schedule_inject(inject, at)

    def schedule_message(self, inject: Inject, at: float, fields: dict[str, Any]) -> str:
        """A facilitator's message to roles, due at ``at`` (now or later); returns its id."""
        self._adhoc += 1
        inject = replace(inject, id=f"adhoc-{self._adhoc}")
        self._control("schedule", inject.id, fields)
        self.crisis.feed.schedule_inject(inject, at)
        return inject.id

    def persona_post(self, inject: Inject, fields: dict[str, Any]) -> str:
        """A post (or a reply) in the public feed as a persona, now; the crowd reacts to it
        like to any post. Returns its inject id (its post's id comes when it appears)."""
        self._adhoc += 1
        inject = replace(inject, id=f"post-{self._adhoc}")
        self._control("persona", inject.id, fields)
        self.crisis.feed.schedule_inject(inject, self.env.now)
        return inject.id

    def _control(self, op: str, inject_id: str, fields: dict[str, Any]) -> None:
        self.sink.write({"type": "control", "t": round(self.env.now, 3), "op": op,
                         "inject": inject_id, **fields})

    def clock_control(self, op: str, value: float | None = None) -> None:
        """A facilitator's control of time (start, pause, resume, speed, advance). It changes
        nothing in the world, but the log keeps it: the report's timeline shows it, and a
        replay writes it again at the same moment."""
        fields: dict[str, Any] = {"speed": value} if op == "speed" else \
            {"minutes": value} if op == "advance" else {}
        self.log("control", op=op, **fields)

    def project(self, item: str) -> None:
        """The facilitator shows ``item`` (a post's or an action's id) on the room wall."""
        self.projected = item
        self.log("control", op="project", item=item)

    def validate_objective(self, x_id: str, status: str, comment: str = "") -> None:
        """The facilitator's verdict on objective ``x_id`` (it corrects the world's)."""
        self.objectives.validate(x_id, status, comment)

    # -- running ------------------------------------------------------------------------------

    def run(self) -> DrillSummary:
        """The whole drill at once (simulated teams, recorded actions, replays)."""
        self.begin()
        try:
            self.advance(self.end)
            return self.finish()
        finally:
            self.close()

    def begin(self) -> None:
        """Write the header and start the world at minute 0 (``advance`` moves it)."""
        config = self.config
        extra: dict[str, Any] = {}
        if config.humans:
            extra["humans"] = dict(sorted(config.humans.items()))
            extra["steps_per_minute"] = self._steps
        if config.inputs is not None:
            extra["inputs"] = config.inputs
        self.log("drill", schema=LOG_SCHEMA, version=__version__, seed=config.seed,
                 scenario=self.scenario.id, title=self.scenario.title,
                 cluster=self.scenario.cluster, locale=self.scenario.locale,
                 rulebook=self.rulebook.name, rulebook_version=self.rulebook.version,
                 team=self.team.name, start=format_start(config.start),
                 duration=self.end, tick=config.tick, log_feed=config.log_feed,
                 severity_levels=list(self.rulebook.severity),
                 roles=sorted(self.rulebook.roles), members=[
                     {"name": m.name, "roles": list(m.roles)} for m in self.team.members],
                 **extra)
        self._stack = ExitStack()
        self.escalation.start(self._stack.enter_context(self.engine.session()))
        self.env.process(self.monitoring.run())
        self.env.process(self.responders.community())

    def advance(self, until: float) -> None:
        """Move simulated time to ``until`` (at most the end).

        With people in the drill, time moves in fixed steps whatever ``until`` is, so a live
        drill and its replay pass through the same moments and stay identical.
        """
        until = min(until, self.end)
        if not self._steps:
            if until > self.env.now:
                self.env.run(until=until)
            return
        last = math.floor(until * self._steps + 1e-9)
        while self._step < last:
            self._step += 1
            self.env.run(until=self._step / self._steps)
        if until >= self.end and self.end > self.env.now:
            self.env.run(until=self.end)

    def settle(self) -> None:
        """Let what an input set off at this moment happen now (approvers asked, a page
        answered), without moving the clock: a person at speed 0 sees it at once. Live and
        replayed drills settle after the same inputs, so they stay identical."""
        if self._steps and not self.finished and self.env.now < self.end:
            self.env.run(until=self.env.now + _SETTLE)

    def finish(self) -> DrillSummary:
        """End the drill now (at the end, or early when a person quits)."""
        if not self.finished:
            self.finished = True
            self._finish()
            self.close()
        return self.summary

    def close(self) -> None:
        """Release the rules engine's session (also after an error)."""
        if self._stack is not None:
            stack, self._stack = self._stack, None
            stack.close()

    # -- what the escalation hands on -----------------------------------------------------------

    def _oblige(self, rule: Rule, spec: Obligation, event_id: str | None) -> None:
        self.book.create(rule, spec, event_id, instance=1, start=self.env.now)

    def _calmed(self) -> None:
        """An episode ended: updates wait for a new first statement, recurring ones stop."""
        self.actions.new_episode()
        self.book.cancel_recurring()

    def _finish(self) -> None:
        now = self.env.now
        self.objectives.finish()
        self.book.finish(now)
        escalation = self.escalation
        if escalation.episode_open:
            self.log("episode", number=escalation.episode, status="open")
        summary = self.summary
        summary.severity = escalation.severity
        summary.episodes = escalation.episode
        monitoring = self.monitoring
        self.log("end", events=summary.events, negative_reach=monitoring.negative_reach,
                 peak_mentions_1h=monitoring.peak_mentions, severity=escalation.severity,
                 episodes=escalation.episode, statements=self.crisis.statements,
                 duration=round(now, 3))
