"""The SimPy world of one drill: the crisis unfolds, monitoring ticks, rules fire, severity
moves, obligations fall due, the team responds, and the crowd reacts to what it does.

Pure: no I/O, no clock. Every record goes to a sink in time order; every random draw comes
from generators seeded by the drill's seed. Processes are generator functions (SimPy).
"""

from __future__ import annotations

import math
import random
from collections import OrderedDict, deque
from collections.abc import Callable, Generator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import simpy

from drills import __version__
from drills.engine.durable_engine import Firing, RulebookEngine, Session, engine_for
from drills.feed.crisis import Crisis
from drills.feed.scenario import Expectation, Inject, Scenario
from drills.inputs.templates import render_template
from drills.log.records import LOG_SCHEMA, Record, Sink
from drills.rulebook.model import Obligation, Rule, Rulebook
from drills.sim.texts import personal_text
from drills.team.clock import format_start
from drills.team.model import Member, Team
from drills.vocabulary import (
    ACTION_STRATEGY,
    PRIVATE_CHANNELS,
    PUBLIC_ACTIONS,
    PUBLIC_STATEMENTS,
)

#: Minutes of work an action takes (times a lognormal factor around 1).
WORK_MINUTES: dict[str, float] = {
    "acknowledge": 0.0, "notify": 2.0, "route": 3.0, "approve": 2.0, "brief": 10.0,
    "holding_statement": 15.0, "update": 10.0, "statement": 20.0, "apology": 25.0,
    "correct_misinformation": 12.0, "reply": 3.0, "move_private": 3.0,
    "compensation_offer": 5.0, "delete_comment": 1.0, "argue": 2.0, "deny": 10.0,
}
LOG_FEED_MODES = ("full", "sample", "none")
_SAMPLE_EVERY = 10
_ENGAGE_TOP = 3
#: Minutes before its due time a simulated team starts the next recurring update.
UPDATE_LEAD = 30.0
_ENGAGEABLE = frozenset({"mention", "reply", "influencer_post", "misinformation"})
#: A drill with people in it moves in steps of one simulated second, live or replayed: the
#: same steps give the same world, whenever the person's commands arrive (see docs/actions.md).
LIVE_STEPS_PER_MINUTE = 60
#: How far past a moment ``settle`` runs: well under the log's 3 decimals of a minute.
_SETTLE = 1e-6
#: Recent feed events a person can act on by id.
_RECENT_EVENTS = 5000


def _address(author: Any) -> str:
    """How a reply addresses a person: by handle (a group account has no first name)."""
    handle = author.get("handle") if isinstance(author, dict) else None
    return f"@{handle}" if handle else ""


@dataclass
class DrillConfig:
    scenario: Scenario
    rulebook: Rulebook
    team: Team
    seed: int
    start: float  # minutes since Monday 00:00
    log_feed: str = "full"
    duration: float | None = None
    tick: float = 5.0
    #: Multiplies the scenario's rates (benchmarks of big crises); 1 for real drills.
    rate_scale: float = 1.0
    #: Roles played by people (role -> the person's name): never simulated.
    humans: dict[str, str] = field(default_factory=dict)
    #: The inputs as the user named them, for the header (``drill replay`` reads them).
    inputs: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.log_feed not in LOG_FEED_MODES:
            raise ValueError(f"log_feed must be one of {LOG_FEED_MODES}, got {self.log_feed!r}")
        if self.tick <= 0:
            raise ValueError(f"tick must be positive, got {self.tick}")


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


@dataclass
class OpenExpectation:
    id: str
    inject: str
    event: str
    spec: Expectation
    created: float


@dataclass
class DrillSummary:
    events: int = 0
    obligations: int = 0
    actions: int = 0
    violations: int = 0
    severity: int = 0
    episodes: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


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
                             tick=config.tick, rate_scale=config.rate_scale)
        self.end = self.crisis.duration
        self.rng = random.Random(f"team:{config.seed}")
        self.engine = engine or engine_for(config.rulebook)
        self.rules: dict[str, Rule] = {r.id: r for r in config.rulebook.enabled_rules}
        self.lang = self.crisis.feed.lang
        self.severity = 0
        self.episode = 0
        self.calm_since: float | None = None
        self.signals: dict[str, float] = self.crisis.signals(0.0)
        #: Obligations not yet done, in creation order (done ones are dropped: memory stays
        #: flat however long the drill).
        self.obligations: dict[str, OpenObligation] = {}
        self._ob_ids = 0
        self._action_ids = 0
        self.resources = {m.name: simpy.Resource(self.env, capacity=1) for m in self.team.members}
        #: The people in the drill, by the role they play (one person may play several).
        self.humans: dict[str, Member] = {}
        for person in dict.fromkeys(config.humans.values()):
            roles = tuple(r for r, p in config.humans.items() if p == person)
            member = Member(person, roles)
            self.humans.update({r: member for r in roles})
        self._people = {id(m) for m in self.humans.values()}
        #: Feed events a person can act on by id (kept only when people take part).
        self.recent: OrderedDict[str, dict[str, Any]] | None = \
            OrderedDict() if self.humans else None
        self._steps = LIVE_STEPS_PER_MINUTE if self.humans else 0
        self._step = 0
        self._stack: ExitStack | None = None
        #: Exercise objectives: injects that expect a reaction, and the open expectations.
        self._expecting = {i.id: i for i in config.scenario.injects if i.expect}
        self.expectations: dict[str, OpenExpectation] = {}
        self._x_ids = 0
        #: Ad-hoc injects a facilitator added, and the role each is addressed to.
        self._adhoc = 0
        self.adhoc_to: dict[str, str] = {}
        self.finished = False
        self.active_platforms: dict[str, None] = {}
        self.candidates: deque[dict[str, Any]] = deque(maxlen=200)
        self.summary = DrillSummary()
        self.negative_reach = 0
        self.peak_mentions = 0
        self._session: Session | None = None
        #: Triggered by the episode's first public statement (updates wait for it).
        self._first_statement = self.env.event()
        self._cluster_injects = {i.id: i.cluster for i in config.scenario.injects if i.cluster}
        self._base_level = config.rulebook.calm.to if config.rulebook.calm else 0
        #: The promise a statement makes ("next update by ..."): the rulebook's rhythm.
        self._update_every = min((o.every for r in config.rulebook.enabled_rules
                                  for o in r.require if o.every), default=120.0)
        #: Holders of the roles that work the comments, as the rulebook declares them.
        self._comment_workers = tuple(dict.fromkeys(
            m for role in config.rulebook.comment_roles if role not in self.humans
            for m in config.team.holders(role)))

    # -- logging ------------------------------------------------------------------------------

    def log(self, kind: str, **fields: Any) -> None:
        record: Record = {"type": kind, "t": round(self.env.now, 3)}
        record.update(fields)
        self.sink.write(record)

    def clock(self, t: float) -> str:
        """The drill's wall time at ``t``, like ``fri 19:30``."""
        return format_start(self.config.start + t)

    # -- state exposed to rules -----------------------------------------------------------------

    def drill_state(self) -> dict[str, Any]:
        state = self.crisis.drill_state(self.env.now)
        state["severity"] = self.severity
        state["episode"] = self.episode
        return state

    # -- running ------------------------------------------------------------------------------

    def run(self) -> DrillSummary:
        """The whole drill at once (simulated teams, recorded actions, replays)."""
        self.begin()
        try:
            self.advance(self.end)
            return self.finish()
        finally:
            self.close()

    @property
    def now(self) -> float:
        return float(self.env.now)

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
        session = self._stack.enter_context(self.engine.session())
        self._session = session
        self._on_event_rules = session.on_event
        self.env.process(self._world())
        self.env.process(self._community())

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

    def _world(self) -> Any:
        """The feed and monitoring: events up to the next moment anything else happens."""
        env, crisis, tick = self.env, self.crisis, self.config.tick
        next_tick = tick
        while True:
            horizon = min(env.peek(), next_tick, self.end)
            fired_at: tuple[dict[str, Any], list[Firing]] | None = None
            for event in crisis.events_until(horizon):
                firings = self._on_event(event)
                if firings:
                    fired_at = (event, firings)
                    break
            if fired_at is not None:
                event, firings = fired_at
                if event["t"] > env.now:
                    yield env.timeout(event["t"] - env.now)
                self._apply(firings, event["id"])
                continue
            # Always yield, if only for zero minutes: others scheduled now must run first.
            yield env.timeout(max(0.0, horizon - env.now))
            if env.now >= next_tick - 1e-9:
                self._monitor()
                next_tick += tick
            if env.now >= self.end:
                return

    def _on_event(self, event: dict[str, Any]) -> list[Firing]:
        summary = self.summary
        summary.events += 1
        mode = self.config.log_feed
        kind = event["kind"]
        if self.adhoc_to and event.get("inject") in self.adhoc_to:
            event["to"] = [self.adhoc_to[event["inject"]]]  # a facilitator's message
        if self._cluster_injects and event.get("inject") in self._cluster_injects:
            self._change_cluster(self._cluster_injects[event["inject"]], event)
        if mode == "full" or (mode == "sample" and (
                summary.events % _SAMPLE_EVERY == 1 or kind not in ("mention", "reply",
                                                                     "reshare"))):
            self.sink.write_event(event)
        platform = event["platform"]
        recent = self.recent
        if recent is not None:
            recent[event["id"]] = event
            if len(recent) > _RECENT_EVENTS:
                recent.popitem(last=False)
        if platform not in PRIVATE_CHANNELS:
            if platform not in self.active_platforms and platform != "news":
                self.active_platforms[platform] = None
            if event["sentiment"] <= -0.05:
                self.negative_reach += event["reach"]
                if kind in _ENGAGEABLE:
                    self.candidates.append(event)
        if self._expecting and event.get("inject") in self._expecting:
            self._expect(self._expecting[event["inject"]], event)
        return self._on_event_rules(event, self.signals, self.drill_state, event["t"])

    def _change_cluster(self, cluster: str | None, event: dict[str, Any]) -> None:
        """An inject moved the crisis to another SCCT cluster: expected strategies change."""
        previous = self.crisis.cluster
        if cluster is None or cluster == previous:
            return
        self.crisis.cluster = cluster
        # Logged at the event's time, before the event itself.
        self.sink.write({"type": "cluster", "t": event["t"], "cluster": cluster,
                         "previous": previous, "inject": event["inject"],
                         "event": event["id"]})

    def _monitor(self) -> None:
        now = self.env.now
        if self.progress is not None:
            self.progress(now, self.end)
        signals = self.signals = self.crisis.signals(now)
        if signals["mentions_1h"] > self.peak_mentions:
            self.peak_mentions = int(signals["mentions_1h"])
        self.log("signal", **signals)
        assert self._session is not None
        result = self._session.on_state(signals, self.drill_state(), now)
        self._apply(result.firings, None)
        calm = self.rulebook.calm
        if calm is None or self.severity <= calm.to:
            self.calm_since = None
            return
        if not result.calm:
            self.calm_since = None
        elif self.calm_since is None:
            self.calm_since = now
        elif now - self.calm_since >= calm.for_minutes:
            self._set_severity(calm.to, reason="calm")

    # -- rules, severity, obligations ----------------------------------------------------------

    def _apply(self, firings: list[Firing], event_id: str | None) -> None:
        for firing in firings:
            rule = self.rules[firing.rule_id]
            self.log("firing", rule=rule.id, event=event_id)
            for spec in rule.require:
                self._oblige(rule, spec, event_id, instance=1, start=self.env.now)
            if rule.escalate is not None and rule.escalate > self.severity:
                self._set_severity(rule.escalate, rule=rule.id)
            elif rule.deescalate is not None and rule.deescalate < self.severity:
                self._set_severity(rule.deescalate, rule=rule.id)

    def _set_severity(self, level: int, *, rule: str | None = None,
                      reason: str | None = None) -> None:
        old = self.severity
        base = self.rulebook.calm.to if self.rulebook.calm else 0
        self.severity = level
        self.log("severity", level=level, name=self.rulebook.severity[level], previous=old,
                 rule=rule, reason=reason)
        assert self._session is not None
        if old <= base < level:
            self.episode += 1
            self.log("episode", number=self.episode, status="start")
        elif level <= base < old:
            self.log("episode", number=self.episode, status="end")
            self._session.new_episode()
            self.calm_since = None
            self._first_statement = self.env.event()
            for ob in [o for o in self.obligations.values() if o.spec.every]:
                # The crisis is over: the rhythm of updates it demanded stops.
                ob.cancelled = True
                self.obligations.pop(ob.id)
                self.log("obligation", id=ob.id, status="cancelled",
                         reason="the crisis calmed before it was due")
        result = self._session.on_state(self.signals, self.drill_state(), self.env.now)
        self._apply(result.firings, None)

    def _oblige(self, rule: Rule, spec: Obligation, event_id: str | None, instance: int,
                start: float) -> None:
        self._ob_ids += 1
        due = start + (spec.first_due if instance == 1 else spec.every or 0.0)
        ob = OpenObligation(f"o{self._ob_ids}", rule.id, spec, self.env.now, due, instance,
                            self.episode, event_id)
        self.obligations[ob.id] = ob
        self.summary.obligations += 1
        self.log("obligation", id=ob.id, status="created", rule=rule.id, action=spec.action,
                 role=spec.role, due=round(due, 3), instance=instance, every=spec.every,
                 approve=list(spec.approve), channels=self._channels(spec), event=event_id)
        self.env.process(self._deadline(ob, rule))
        self.env.process(self._fulfil(ob))

    def _deadline(self, ob: OpenObligation, rule: Rule) -> Any:
        wait = ob.due - self.env.now
        if wait > 0:
            yield self.env.timeout(wait)
        if ob.done is None and not ob.cancelled:
            self.log("obligation", id=ob.id, status="overdue")

    def _next_instance(self, ob: OpenObligation, since: float) -> None:
        """``every`` is a rhythm, not a grid: the next instance is due ``every`` after the
        previous one went out (or after the slot it skipped), while the episode lasts."""
        spec = ob.spec
        if spec.every and ob.episode == self.episode and self.severity > self._base_level \
                and since < self.end:
            self._oblige(self.rules[ob.rule], spec, ob.event, ob.instance + 1, since)

    def _channels(self, spec: Obligation) -> list[str]:
        if spec.channels is None:
            return []
        if spec.channels == "active":
            return sorted(self.active_platforms) or sorted(self.scenario.platforms)
        if spec.channels == "all":
            return sorted(self.scenario.platforms)
        if spec.channels == "private":
            return ["private"]
        return sorted(spec.channels)

    # -- the team -------------------------------------------------------------------------------

    def _week(self) -> float:
        return self.config.start + self.env.now

    def _delay(self, member: Member) -> float:
        response = member.response_at(self._week())
        return self.rng.lognormvariate(response.mu, response.sigma)

    def _chain(self, role: str) -> list[str]:
        chain: list[str] = []
        current: str | None = role
        while current is not None and current not in chain:
            chain.append(current)
            spec = self.rulebook.roles.get(current)
            current = spec.backup if spec else None
        return chain

    def _page(self, ob: OpenObligation) -> Any:
        """PagerDuty-style: page the role; no ack in time (or nobody there) -> the backup.

        Returns (as the process value) the member who acknowledged, or None.
        """
        chain = self._chain(ob.spec.role)
        holders_anywhere = [m for r in chain for m in self._holders(r)]
        if not holders_anywhere:
            self.log("obligation", id=ob.id, status="unstaffed",
                     reason=f"no team member holds role {ob.spec.role}"
                     + (f" or its backups ({', '.join(chain[1:])})" if len(chain) > 1 else ""))
            return None
        while True:
            for role in chain:
                person = self.humans.get(role)
                if person is not None:
                    answered = yield from self._page_person(ob, role, person, role == chain[-1])
                    if answered:
                        return person
                    if ob.done is not None or ob.cancelled:
                        return None
                    continue
                week = self._week()
                holders = [m for m in self.team.holders(role) if m.available(week)]
                if not holders:
                    if role != chain[-1]:
                        self.log("obligation", id=ob.id, status="escalated", role=role,
                                 reason=f"no {role} available at {self.clock(self.env.now)}")
                    continue
                member = min(holders, key=lambda m: len(self.resources[m.name].queue))
                delay = self._delay(member)
                timeout = self.rulebook.roles[role].ack_within
                self.log("obligation", id=ob.id, status="paged", member=member.name, role=role)
                if delay <= timeout or role == chain[-1]:
                    yield self.env.timeout(delay)
                    self.log("obligation", id=ob.id, status="acknowledged", member=member.name,
                             role=role)
                    ob.acting_role = role
                    return member
                yield self.env.timeout(timeout)
                if ob.done is not None:  # a person did it meanwhile
                    return None
                self.log("obligation", id=ob.id, status="escalated", role=role,
                         reason=f"{member.name} did not acknowledge within {timeout:g}m")
            # Nobody in the chain is available now: wait for the first to come on.
            week = self._week()
            wait = min(min(m.shift.next_start(week), m.on_call.next_start(week))
                       for m in holders_anywhere)
            if not math.isfinite(wait) or self.env.now + wait >= self.end:
                self.log("obligation", id=ob.id, status="unstaffed",
                         reason=f"no one in the chain {' -> '.join(chain)} is available "
                         "before the drill ends")
                return None
            self.log("obligation", id=ob.id, status="waiting",
                     reason=f"no one available until {self.clock(self.env.now + wait)}")
            yield self.env.timeout(max(wait, 1.0))

    def _holders(self, role: str) -> tuple[Member, ...]:
        """Who holds ``role``: the person playing it, else the simulated team's holders."""
        person = self.humans.get(role)
        return (person,) if person is not None else self.team.holders(role)

    def _page_person(self, ob: OpenObligation, role: str, person: Member,
                     last: bool) -> Generator[Any, Any, bool]:
        """Page a person and wait for them (``ack``) for the role's ``ack_within``; the last
        role of a chain has nobody to pass to and waits to the end."""
        if ob.acknowledged:  # they took it before the page went out
            return True
        self.log("obligation", id=ob.id, status="paged", member=person.name, role=role)
        page = ob.page = self.env.event()
        ob.paged_role = role
        ob.paged_at = self.env.now
        timeout = self.rulebook.roles[role].ack_within
        wait = self.end - self.env.now if last else timeout
        yield page | self.env.timeout(max(0.0, wait))
        ob.page = ob.paged_role = None
        if page.triggered:
            return True
        if not last and ob.done is None and not ob.cancelled:
            self.log("obligation", id=ob.id, status="escalated", role=role,
                     reason=f"{person.name} did not acknowledge within {timeout:g}m")
        return False

    def _work(self, member: Member, action: str) -> float:
        base = WORK_MINUTES.get(action, 5.0)
        return base * self.rng.lognormvariate(0.0, 0.3) if base else 0.0

    def _fulfil(self, ob: OpenObligation) -> Any:
        spec = ob.spec
        if spec.every and ob.instance > 1 and ob.due - UPDATE_LEAD > self.env.now:
            # A team keeps a rhythm: the next update is written shortly before it is due.
            yield self.env.timeout(ob.due - UPDATE_LEAD - self.env.now)
            if ob.cancelled:
                return
        member = yield from self._page(ob)
        if member is None or ob.cancelled or ob.done is not None:
            return
        if id(member) in self._people:
            # A person does the work; approvers are asked as they start drafting.
            for role in spec.approve:
                self.env.process(self._approval(ob, role, person_publishes=True))
            if spec.action == "acknowledge":
                self._done(ob, member)
            return
        if spec.action == "acknowledge":
            self._done(ob, member)
            return
        habits = self.team.habits
        if spec.every and ob.instance > 1 and self.rng.random() < habits.go_silent:
            self.log("obligation", id=ob.id, status="skipped", member=member.name,
                     reason="went silent (team habit)")
            if ob.due > self.env.now:
                yield self.env.timeout(ob.due - self.env.now)
            self._next_instance(ob, self.env.now)
            return
        if spec.action == "update" and not self._first_statement.triggered:
            # An update presupposes a first statement: wait for the holding statement.
            self.log("obligation", id=ob.id, status="waiting", member=member.name,
                     reason="an update waits for the first public statement")
            yield self._first_statement | self.env.timeout(self.end - self.env.now)
            if not self._first_statement.triggered:
                return
        with self.resources[member.name].request() as request:
            yield request
            # Every approver is paged at once, as drafting starts: not one after another,
            # and not only when the draft is done.
            asks = [self.env.process(self._approval(ob, role)) for role in spec.approve]
            work = self._work(member, spec.action)
            if work:
                yield self.env.timeout(work)
            approvals_ok = True
            if asks:
                answers = yield self.env.all_of(asks)
                approvals_ok = all(answers[ask] for ask in asks)
            if ob.cancelled or ob.done is not None:
                return
            self._act(member, spec.action, ob=ob, approvals_ok=approvals_ok)
        self._done(ob, member)
        self._next_instance(ob, self.env.now)
        if spec.action in PUBLIC_STATEMENTS and self.rng.random() < habits.wrong_strategy:
            self._act(member, "deny", ob=None, note="off-strategy statement (team habit)")

    def _approval(self, ob: OpenObligation, role: str, person_publishes: bool = False) -> Any:
        """Approval comes from the role itself (sign-off is not delegated to backups).

        When a person publishes, the approver answers whenever it answers; the person
        decides when to publish, and what was not approved by then went out without.
        """
        if not person_publishes and self.rng.random() < self.team.habits.skip_approval:
            self.log("obligation", id=ob.id, status="approval_skipped", approver=role,
                     reason="published without waiting for approval (team habit)")
            return False
        person = self.humans.get(role)
        if person is not None:
            answered = yield from self._ask_person(ob, role, person, person_publishes)
            return answered
        until = self.end if person_publishes else max(ob.due, self.env.now + 30.0)
        holders = self.team.holders(role)
        week = self._week()
        options = []
        for m in holders:
            wait = min(m.shift.next_start(week), m.on_call.next_start(week))
            if math.isfinite(wait):
                response = m.response if wait > 0 or m.shift.covers(week) else \
                    m.response_at(week)
                options.append((wait + self.rng.lognormvariate(response.mu, response.sigma),
                                wait, m))
        if not options:
            self.log("obligation", id=ob.id, status="approval_requested", approver=role)
            reason = f"no {role} is on shift or on call"
        elif min(o[1] for o in options) > 0 and \
                self.env.now + min(o[1] for o in options) > until:
            # Absent, not slow: nobody holding the role comes on before the deadline.
            self.log("obligation", id=ob.id, status="approval_requested", approver=role)
            back = self.clock(self.env.now + min(o[1] for o in options))
            reason = f"no {role} is on shift or on call until {back}"
        else:
            # The approver is paged like anyone else: the log says who, and when.
            when, _wait, approver = min(options, key=lambda x: x[0])
            self.log("obligation", id=ob.id, status="approval_requested", approver=role,
                     member=approver.name)
            if self.env.now + when <= until:
                yield self.env.timeout(when)
                if ob.done is not None:  # the person published first
                    return False
                self.log("obligation", id=ob.id, status="approved", approver=role,
                         member=approver.name)
                ob.approved[role] = True
                return True
            reason = (f"{approver.name} ({role}) was paged at {self.clock(self.env.now)} and "
                      f"had not approved by {self.clock(until)}")
        if person_publishes:
            return False  # said when the person publishes
        if until > self.env.now:
            yield self.env.timeout(until - self.env.now)
        self.log("obligation", id=ob.id, status="approval_missing", approver=role,
                 reason=f"{reason}; published without")
        return False

    def _ask_person(self, ob: OpenObligation, role: str, person: Member,
                    person_publishes: bool) -> Generator[Any, Any, bool]:
        self.log("obligation", id=ob.id, status="approval_requested", approver=role,
                 member=person.name)
        answer = ob.approval_waits[role] = self.env.event()
        until = self.end if person_publishes else max(ob.due, self.env.now + 30.0)
        yield answer | self.env.timeout(max(0.0, until - self.env.now))
        ob.approval_waits.pop(role, None)
        if answer.triggered:
            return True
        if not person_publishes and ob.done is None:
            self.log("obligation", id=ob.id, status="approval_missing", approver=role,
                     reason=f"{person.name} ({role}) had not approved by "
                     f"{self.clock(until)}; published without")
        return False

    def _done(self, ob: OpenObligation, member: Member) -> None:
        ob.done = self.env.now
        self.obligations.pop(ob.id, None)
        self.log("obligation", id=ob.id, status="done", member=member.name,
                 late=self.env.now > ob.due + 1e-9)

    def _text(self, action: str, template: str | None, platform: str | None,
              event: dict[str, Any] | None = None) -> str | None:
        """The rulebook's template in the drill's language, or the responder's own words
        fit for the action (also when the rulebook has no text in this language)."""
        text: str | None = None
        if self.rng.random() < self.team.habits.template:
            text = self.rulebook.template_text(template or action, platform, self.lang)
        if text is None:
            text = personal_text(action, self.lang)
            if text is None:
                return None
        return self.fill(text, platform, event)

    def fill(self, text: str, platform: str | None, event: dict[str, Any] | None = None) -> str:
        """A template's placeholders filled from the drill (brand, times, who it answers)."""
        brand = self.crisis.feed.brand
        values = {"brand": brand.get("name", ""), "product": brand.get("product", ""),
                  "issue": brand.get("issue", ""), "url": brand.get("url", ""),
                  "next_update": self.clock(self.env.now + self._update_every).split()[1],
                  "channel": platform or "", "outlet": (event or {}).get("outlet", ""),
                  "name": _address((event or {}).get("author")),
                  "time": self.clock(self.env.now).split()[1]}
        return render_template(text, values)

    def _act(self, member: Member, action: str, *, ob: OpenObligation | None = None,
             event: dict[str, Any] | None = None, approvals_ok: bool = True,
             note: str | None = None, by_person: tuple[str, list[str], str | None] | None
             = None) -> None:
        """Log an action, check it against forbidden conduct, let the crowd react.

        ``by_person`` is (role, channels, text) when a person did it: their words and
        channels, no habit drawn.
        """
        self._action_ids += 1
        self.summary.actions += 1
        role = (ob.acting_role or ob.spec.role) if ob else member.roles[0]
        channels: list[str] = []
        public = action in PUBLIC_ACTIONS
        text: str | None = None
        if by_person is not None:
            role, channels, text = by_person
        elif ob is not None:
            channels = self._channels(ob.spec)
            if channels and len(channels) > 1 and \
                    self.rng.random() < self.team.habits.miss_channel:
                channels = channels[:1]
        elif event is not None:
            channels = [event["platform"]]
        elif action in PUBLIC_ACTIONS:
            channels = sorted(self.active_platforms)[:1]
        if by_person is None and public:
            text = self._text(action, ob.spec.template if ob else None,
                              channels[0] if channels else None, event)
        extra = {"human": True} if by_person is not None else {}
        self.log("action", id=f"a{self._action_ids}", member=member.name, role=role,
                 action=action, obligation=ob.id if ob else None,
                 event=event["id"] if event else None, channels=channels, text=text,
                 approved=approvals_ok, strategy=ACTION_STRATEGY.get(action), note=note,
                 **extra)
        assert self._session is not None
        for violation in self._session.on_action(action, event, self.signals,
                                                 self.drill_state(), self.env.now):
            forbid = next(f for f in self.rulebook.forbid if f.id == violation.forbid_id)
            self.summary.violations += 1
            self.log("violation", rule=forbid.id, action=action, member=member.name,
                     reason=forbid.reason, event=event["id"] if event else None,
                     action_id=f"a{self._action_ids}")
        if public:
            self.crisis.record_action(action, self.env.now)
            if action in PUBLIC_STATEMENTS and not self._first_statement.triggered:
                self._first_statement.succeed()

    def _community(self) -> Any:
        """The community manager answers loud negative posts - and sometimes slips."""
        env, habits = self.env, self.team.habits
        managers = self._comment_workers
        while env.now < self.end:
            yield env.timeout(self.config.tick * 3)
            if not managers or (self.severity == 0 and not self.candidates):
                continue
            week = self._week()
            on_duty = [m for m in managers if m.available(week)]
            picks = sorted(self.candidates, key=lambda e: (-e["reach"], e["id"]))[:_ENGAGE_TOP]
            self.candidates.clear()
            if not on_duty:
                continue
            member = on_duty[0]
            for event in picks:
                if self.rng.random() >= habits.engage:
                    continue
                roll = self.rng.random()
                if event.get("violates_policy") or roll < habits.delete_comment:
                    action = "delete_comment"
                elif roll < habits.delete_comment + habits.argue:
                    action = "argue"
                elif roll < 0.5:
                    action = "reply"
                else:
                    action = "move_private"
                with self.resources[member.name].request() as request:
                    yield request
                    yield env.timeout(self._delay(member) / 2 + self._work(member, action))
                    self._act(member, action, event=event)

    # -- exercise objectives ----------------------------------------------------------------

    def _expect(self, inject: Inject, event: dict[str, Any]) -> None:
        """A message arrived that expects reactions: an objective per expectation. A
        simulated role reacts with its response time; a person, by acting on the message."""
        for spec in inject.expect:
            self._x_ids += 1
            x = OpenExpectation(f"x{self._x_ids}", inject.id, event["id"], spec,
                                float(event["t"]))
            self.expectations[x.id] = x
            self.sink.write({"type": "expectation", "t": event["t"], "id": x.id,
                             "status": "created", "inject": inject.id, "event": event["id"],
                             "role": spec.role, "reaction": spec.reaction,
                             "within": spec.within, "points": spec.points})
            if spec.role not in self.humans:
                self.env.process(self._react(x))

    def judge(self, x: OpenExpectation, status: str, by: str | None,
              comment: str | None = None) -> None:
        """Close an objective: met, partly or missed (by the world, a person's action, or
        the facilitator)."""
        self.expectations.pop(x.id, None)
        record: Record = {"type": "expectation", "t": round(self.env.now, 3), "id": x.id,
                          "status": status, "by": by}
        if comment:
            record["comment"] = comment
        self.sink.write(record)

    def timing(self, x: OpenExpectation) -> str:
        within = x.spec.within
        return "met" if within is None or self.env.now - x.created <= within + 1e-9 \
            else "partly"

    def _react(self, x: OpenExpectation) -> Any:
        if x.created > self.env.now:
            yield self.env.timeout(x.created - self.env.now)
        holders = [m for m in self.team.holders(x.spec.role) if m.available(self._week())]
        if not holders:
            self.judge(x, "missed", None, f"no {x.spec.role} on duty")
            return
        member = holders[0]
        delay = self._delay(member)
        if self.env.now + delay >= self.end:
            return  # still open at the end: missed then
        yield self.env.timeout(delay)
        if x.id in self.expectations:
            self.judge(x, self.timing(x), member.name)

    def _finish(self) -> None:
        now = self.env.now
        for x in list(self.expectations.values()):
            # A person's reaction may have happened off the log (a phone call in the room):
            # the facilitator judges it. A simulated role that did not react missed it.
            status = "unvalidated" if x.spec.role in self.humans else "missed"
            self.judge(x, status, None)
        for ob in self.obligations.values():
            if ob.done is None:
                # Not yet due when the drill ends: open, not a failure of the team.
                self.log("obligation", id=ob.id,
                         status="open" if ob.due > now + 1e-9 else "missed")
        if self.episode and self.severity > (self.rulebook.calm.to if self.rulebook.calm
                                             else 0):
            self.log("episode", number=self.episode, status="open")
        summary = self.summary
        summary.severity = self.severity
        summary.episodes = self.episode
        self.log("end", events=summary.events, negative_reach=self.negative_reach,
                 peak_mentions_1h=self.peak_mentions, severity=self.severity,
                 episodes=self.episode, statements=self.crisis.statements,
                 duration=round(now, 3))

