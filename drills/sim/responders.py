"""Responders: the team at work as SimPy processes. Pages go down the backup chain, drafts
are written while approvers are asked, and the community manager works the comments; what
they do is logged by :class:`~drills.sim.actions.Actions`.

The part owns what those processes share: each member's desk (a capacity-1 resource), the
team's random stream, and the posts waiting for the community manager.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from drills.sim.obligations import OpenObligation
from drills.team.model import Member
from drills.vocabulary import PUBLIC_STATEMENTS

if TYPE_CHECKING:
    from drills.sim.world import World

#: Minutes of work an action takes (times a lognormal factor around 1).
WORK_MINUTES: dict[str, float] = {
    "acknowledge": 0.0, "notify": 2.0, "route": 3.0, "approve": 2.0, "brief": 10.0,
    "holding_statement": 15.0, "update": 10.0, "statement": 20.0, "apology": 25.0,
    "correct_misinformation": 12.0, "reply": 3.0, "move_private": 3.0,
    "compensation_offer": 5.0, "delete_comment": 1.0, "argue": 2.0, "deny": 10.0,
}
#: Minutes before its due time a simulated team starts the next recurring update.
UPDATE_LEAD = 30.0
_ENGAGE_TOP = 3


class Responders:
    """The simulated team and the people in the drill, as far as the world acts for them."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        config = world.config
        self.rng = rng
        self.resources = {m.name: simpy.Resource(world.env, capacity=1)
                          for m in world.team.members}
        self._people = {id(m) for m in world.humans.values()}
        #: Loud negative posts the community manager may answer next.
        self.candidates: deque[dict[str, Any]] = deque(maxlen=200)
        #: Holders of the roles that work the comments, as the rulebook declares them.
        self._comment_workers = tuple(dict.fromkeys(
            m for role in config.rulebook.comment_roles if role not in world.humans
            for m in config.team.holders(role)))

    # -- time and people ------------------------------------------------------------------------

    def week(self) -> float:
        """Minutes since Monday 00:00 now (shifts and on-call are weekly)."""
        return self.world.config.start + self.world.env.now

    def delay(self, member: Member) -> float:
        """How long ``member`` takes to respond now (a draw)."""
        response = member.response_at(self.week())
        return self.rng.lognormvariate(response.mu, response.sigma)

    def _work(self, member: Member, action: str) -> float:
        base = WORK_MINUTES.get(action, 5.0)
        return base * self.rng.lognormvariate(0.0, 0.3) if base else 0.0

    def _chain(self, role: str) -> list[str]:
        chain: list[str] = []
        current: str | None = role
        while current is not None and current not in chain:
            chain.append(current)
            spec = self.world.rulebook.roles.get(current)
            current = spec.backup if spec else None
        return chain

    def _holders(self, role: str) -> tuple[Member, ...]:
        """Who holds ``role``: the person playing it, else the simulated team's holders."""
        person = self.world.humans.get(role)
        return (person,) if person is not None else self.world.team.holders(role)

    # -- obligations ----------------------------------------------------------------------------

    def fulfil(self, ob: OpenObligation) -> Any:
        """The process that sees ``ob`` done: paged, drafted, approved, published."""
        world = self.world
        env = world.env
        book = world.book
        spec = ob.spec
        if spec.every and ob.instance > 1 and ob.due - UPDATE_LEAD > env.now:
            # A team keeps a rhythm: the next update is written shortly before it is due.
            yield env.timeout(ob.due - UPDATE_LEAD - env.now)
            if ob.cancelled:
                return
        member = yield from self._page(ob)
        if member is None or ob.cancelled or ob.done is not None:
            return
        if id(member) in self._people:
            # A person does the work; approvers are asked when they draft (``draft``).
            if spec.action == "acknowledge":
                book.done(ob, member)
            return
        if spec.action == "acknowledge":
            book.done(ob, member)
            return
        habits = world.team.habits
        if spec.every and ob.instance > 1 and self.rng.random() < habits.go_silent:
            world.log("obligation", id=ob.id, status="skipped", member=member.name,
                      reason="went silent (team habit)")
            if ob.due > env.now:
                yield env.timeout(ob.due - env.now)
            book.next_instance(ob, env.now)
            return
        actions = world.actions
        if spec.action == "update" and not actions.first_statement.triggered:
            # An update presupposes a first statement: wait for the holding statement.
            world.log("obligation", id=ob.id, status="waiting", member=member.name,
                      reason="an update waits for the first public statement")
            yield actions.first_statement | env.timeout(world.end - env.now)
            if not actions.first_statement.triggered:  # the episode's, also a new one's
                return
        with self.resources[member.name].request() as request:
            yield request
            # A person who approves reads the text: it is written before they are asked,
            # and exactly that goes out (simulated approvers sign off unread, as before).
            drafted = self._draft(ob)
            # Every approver is paged at once, as drafting starts: not one after another,
            # and not only when the draft is done.
            asks = [env.process(self._approval(ob, role)) for role in spec.approve]
            work = self._work(member, spec.action)
            if work:
                yield env.timeout(work)
            approvals_ok = True
            if asks:
                answers = yield env.all_of(asks)
                approvals_ok = all(answers[ask] for ask in asks)
                while ob.rejected and not ob.cancelled and ob.done is None:
                    # Sent back with a comment: the drafter revises and asks again.
                    yield env.timeout(self._work(member, spec.action) / 2 or 1.0)
                    drafted = self._draft(ob)
                    asks = [env.process(self._approval(ob, role)) for role in spec.approve]
                    answers = yield env.all_of(asks)
                    approvals_ok = all(answers[ask] for ask in asks)
            if ob.cancelled or ob.done is not None:
                return
            actions.act(member, spec.action, ob=ob, approvals_ok=approvals_ok,
                        drafted=drafted)
        book.done(ob, member)
        book.next_instance(ob, env.now)
        if spec.action in PUBLIC_STATEMENTS and self.rng.random() < habits.wrong_strategy:
            actions.act(member, "deny", ob=None, note="off-strategy statement (team habit)")

    def _draft(self, ob: OpenObligation) -> tuple[list[str], str | None] | None:
        """A new round of the draft, when a person is among the approvers (else None: a
        simulated-only drill draws nothing more and stays as it was)."""
        if not any(role in self.world.humans for role in ob.spec.approve):
            return None
        drafted = self.world.actions.draft(ob)
        self.new_round(ob, drafted[1])
        return drafted

    @staticmethod
    def new_round(ob: OpenObligation, text: str | None) -> None:
        """A (re)written draft: what was approved or rejected before is for the old text."""
        ob.draft = text or ""
        ob.rounds += 1
        ob.rejected.clear()
        ob.approved.clear()

    def ask(self, ob: OpenObligation) -> None:
        """A person drafted ``ob``: every approver is asked to read it, at once."""
        for role in ob.spec.approve:
            self.world.env.process(self._approval(ob, role, person_publishes=True))

    def _requested(self, ob: OpenObligation, role: str, member: str | None = None) -> None:
        extra: dict[str, Any] = {} if member is None else {"member": member}
        if ob.draft is not None:
            extra.update(draft=ob.draft, round=ob.rounds)
        self.world.log("obligation", id=ob.id, status="approval_requested", approver=role,
                       **extra)

    def _page(self, ob: OpenObligation) -> Any:
        """PagerDuty-style: page the role; no ack in time (or nobody there) -> the backup.

        Returns (as the process value) the member who acknowledged, or None.
        """
        world = self.world
        env = world.env
        chain = self._chain(ob.spec.role)
        holders_anywhere = [m for r in chain for m in self._holders(r)]
        if not holders_anywhere:
            world.log("obligation", id=ob.id, status="unstaffed",
                      reason=f"no team member holds role {ob.spec.role}"
                      + (f" or its backups ({', '.join(chain[1:])})" if len(chain) > 1 else ""))
            return None
        while True:
            for role in chain:
                person = world.humans.get(role)
                if person is not None:
                    answered = yield from self._page_person(ob, role, person, role == chain[-1])
                    if answered:
                        return person
                    if ob.done is not None or ob.cancelled:
                        return None
                    continue
                week = self.week()
                holders = [m for m in world.team.holders(role) if m.available(week)]
                if not holders:
                    if role != chain[-1]:
                        world.log("obligation", id=ob.id, status="escalated", role=role,
                                  reason=f"no {role} available at {world.clock(env.now)}")
                    continue
                member = min(holders, key=lambda m: len(self.resources[m.name].queue))
                delay = self.delay(member)
                timeout = world.rulebook.roles[role].ack_within
                world.log("obligation", id=ob.id, status="paged", member=member.name, role=role)
                if delay <= timeout or role == chain[-1]:
                    yield env.timeout(delay)
                    world.log("obligation", id=ob.id, status="acknowledged",
                              member=member.name, role=role)
                    ob.acting_role = role
                    return member
                yield env.timeout(timeout)
                if ob.done is not None:  # a person did it meanwhile
                    return None
                world.log("obligation", id=ob.id, status="escalated", role=role,
                          reason=f"{member.name} did not acknowledge within {timeout:g}m")
            # Nobody in the chain is available now: wait for the first to come on.
            week = self.week()
            wait = min(min(m.shift.next_start(week), m.on_call.next_start(week))
                       for m in holders_anywhere)
            if not math.isfinite(wait) or env.now + wait >= world.end:
                world.log("obligation", id=ob.id, status="unstaffed",
                          reason=f"no one in the chain {' -> '.join(chain)} is available "
                          "before the drill ends")
                return None
            world.log("obligation", id=ob.id, status="waiting",
                      reason=f"no one available until {world.clock(env.now + wait)}")
            yield env.timeout(max(wait, 1.0))

    def _page_person(self, ob: OpenObligation, role: str, person: Member,
                     last: bool) -> Generator[Any, Any, bool]:
        """Page a person and wait for them (``ack``) for the role's ``ack_within``; the last
        role of a chain has nobody to pass to and waits to the end."""
        if ob.acknowledged:  # they took it before the page went out
            return True
        world = self.world
        env = world.env
        world.log("obligation", id=ob.id, status="paged", member=person.name, role=role)
        page = ob.page = env.event()
        ob.paged_role = role
        ob.paged_at = env.now
        timeout = world.rulebook.roles[role].ack_within
        wait = world.end - env.now if last else timeout
        yield page | env.timeout(max(0.0, wait))
        ob.page = ob.paged_role = None
        if page.triggered:
            return True
        if not last and ob.done is None and not ob.cancelled:
            world.log("obligation", id=ob.id, status="escalated", role=role,
                      reason=f"{person.name} did not acknowledge within {timeout:g}m")
        return False

    def _approval(self, ob: OpenObligation, role: str, person_publishes: bool = False) -> Any:
        """Approval comes from the role itself (sign-off is not delegated to backups).

        When a person publishes, the approver answers whenever it answers; the person
        decides when to publish, and what was not approved by then went out without.
        """
        world = self.world
        env = world.env
        if not person_publishes and self.rng.random() < world.team.habits.skip_approval:
            world.log("obligation", id=ob.id, status="approval_skipped", approver=role,
                      reason="published without waiting for approval (team habit)")
            return False
        person = world.humans.get(role)
        if person is not None:
            answered = yield from self._ask_person(ob, role, person, person_publishes)
            return answered
        until = world.end if person_publishes else max(ob.due, env.now + 30.0)
        holders = world.team.holders(role)
        week = self.week()
        options = []
        for m in holders:
            wait = min(m.shift.next_start(week), m.on_call.next_start(week))
            if math.isfinite(wait):
                response = m.response if wait > 0 or m.shift.covers(week) else \
                    m.response_at(week)
                options.append((wait + self.rng.lognormvariate(response.mu, response.sigma),
                                wait, m))
        if not options:
            self._requested(ob, role)
            reason = f"no {role} is on shift or on call"
        elif min(o[1] for o in options) > 0 and \
                env.now + min(o[1] for o in options) > until:
            # Absent, not slow: nobody holding the role comes on before the deadline.
            self._requested(ob, role)
            back = world.clock(env.now + min(o[1] for o in options))
            reason = f"no {role} is on shift or on call until {back}"
        else:
            # The approver is paged like anyone else: the log says who, and when.
            when, _wait, approver = min(options, key=lambda x: x[0])
            self._requested(ob, role, approver.name)
            asked = ob.rounds
            if env.now + when <= until:
                yield env.timeout(when)
                if ob.done is not None or ob.rounds != asked:  # published, or redrafted
                    return False
                world.log("obligation", id=ob.id, status="approved", approver=role,
                          member=approver.name)
                ob.approved[role] = True
                return True
            reason = (f"{approver.name} ({role}) was paged at {world.clock(env.now)} and "
                      f"had not approved by {world.clock(until)}")
        if person_publishes:
            return False  # said when the person publishes
        if until > env.now:
            yield env.timeout(until - env.now)
        world.log("obligation", id=ob.id, status="approval_missing", approver=role,
                  reason=f"{reason}; published without")
        return False

    def _ask_person(self, ob: OpenObligation, role: str, person: Member,
                    person_publishes: bool) -> Generator[Any, Any, bool]:
        world = self.world
        env = world.env
        self._requested(ob, role, person.name)
        asked = ob.rounds
        answer = ob.approval_waits[role] = env.event()
        until = world.end if person_publishes else max(ob.due, env.now + 30.0)
        yield answer | env.timeout(max(0.0, until - env.now))
        if ob.approval_waits.get(role) is answer:
            del ob.approval_waits[role]
        if ob.rounds != asked:
            return False  # a newer draft asks again
        if answer.triggered:
            return role not in ob.rejected
        if not person_publishes and ob.done is None:
            world.log("obligation", id=ob.id, status="approval_missing", approver=role,
                      reason=f"{person.name} ({role}) had not approved by "
                      f"{world.clock(until)}; published without")
        return False

    def community(self) -> Any:
        """The community manager answers loud negative posts - and sometimes slips."""
        world = self.world
        env, habits = world.env, world.team.habits
        managers = self._comment_workers
        escalation = world.escalation
        while env.now < world.end:
            yield env.timeout(world.config.tick * 3)
            if not managers or (escalation.severity == 0 and not self.candidates):
                continue
            week = self.week()
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
                    yield env.timeout(self.delay(member) / 2 + self._work(member, action))
                    world.actions.act(member, action, event=event)
