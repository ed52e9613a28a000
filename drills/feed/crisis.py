"""A crisis in motion: the feed, what monitoring sees, conditional injects and the crowd's
reaction to the team - one object both ``drill feed`` and the simulation drive.

Time moves only when the caller says (``events_until``); conditions are checked at every
monitoring tick (default 5 minutes).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator
from typing import Any

from drills.feed.effects import CrowdModifier, modifier_for
from drills.feed.generator import Event, FeedGenerator
from drills.feed.scenario import Inject, Scenario
from drills.feed.signals import SignalMonitor
from drills.rulebook.evaluate import holds
from drills.vocabulary import STATEMENT_ACTIONS


class Crisis:
    def __init__(self, scenario: Scenario, seed: int, *, duration: float | None = None,
                 rate_scale: float = 1.0, tick: float = 5.0,
                 week_start: float | None = None) -> None:
        if tick <= 0:
            raise ValueError(f"tick must be positive, got {tick}")
        self.scenario = scenario
        self.feed = FeedGenerator(scenario, seed, duration=duration, rate_scale=rate_scale,
                                  week_start=week_start)
        self.monitor = SignalMonitor()
        self.tick = tick
        self.statements = 0
        self.last_statement: float | None = None
        self._next_tick = tick
        self._first_seen: dict[str, float] = {}
        self._actions: list[tuple[float, str]] = []
        self._fired: set[str] = set()
        self._triggered = [i for i in scenario.injects if i.trigger is not None]
        #: `after` injects armed by their first event: (due, order, inject), a heap.
        self._after: list[tuple[float, int, Inject]] = []
        self._silent = False
        #: The SCCT cluster now: an inject can move it (a rumour that proves true).
        self.cluster = scenario.cluster

    @property
    def duration(self) -> float:
        return self.feed.duration

    def drill_state(self, now: float) -> dict[str, Any]:
        since = now - (self.last_statement if self.last_statement is not None else 0.0)
        return {"elapsed": now, "statements": self.statements, "since_statement": since,
                "cluster": self.cluster}

    def signals(self, now: float) -> dict[str, float]:
        return self.monitor.snapshot(now)

    def events_until(self, until: float) -> Iterator[Event]:
        """Events up to ``until``, observed by monitoring; triggers checked at each tick."""
        until = min(until, self.duration)
        while True:
            after = self._after[0][0] if self._after else math.inf
            stop = min(until, self._next_tick, after)
            for event in self.feed.events_until(stop):
                self.monitor.observe(event)
                if event["kind"] not in self._first_seen:
                    self._first_seen[event["kind"]] = event["t"]
                    self._arm(event["kind"], event["t"])
                yield event
            if self._after and self._after[0][0] <= min(until, self._next_tick) and \
                    self._after[0][0] < self.duration:
                due, _order, inject = heapq.heappop(self._after)
                if not self._prevented(inject, due):
                    self._fired.add(inject.id)
                    self.feed.schedule_inject(inject, due)
                continue
            if self._next_tick <= until and self._next_tick < self.duration:
                self._check(self._next_tick)
                self._next_tick += self.tick
                continue
            return

    def __iter__(self) -> Iterator[Event]:
        return self.events_until(self.duration)

    def has_fired(self, inject_id: str) -> bool:
        """Whether scripted inject ``inject_id`` was set off (by time, trigger or hand)."""
        return inject_id in self._fired

    def fire(self, inject: Inject, t: float) -> None:
        """Set ``inject`` off at ``t`` by hand (a facilitator's trigger): once only."""
        self._fired.add(inject.id)
        self.feed.schedule_inject(inject, t)

    def record_action(self, action: str, t: float) -> None:
        """The team did ``action`` at ``t``: the crowd reacts (scenario effects)."""
        self._actions.append((t, action))
        effect = self.scenario.effects.get(action)
        if effect is not None:
            self.feed.add_modifier(modifier_for(action, effect, max(t, self.feed.now)))
        if action in STATEMENT_ACTIONS:
            self.statements += 1
            self.last_statement = t
            if self._silent:
                self.feed.end_modifiers("silence", max(t, self.feed.now))
                self._silent = False

    def _check(self, now: float) -> None:
        silence = self.scenario.effects.get("silence")
        state = self.drill_state(now)
        if silence is not None and not self._silent and state["since_statement"] >= silence.after:
            self.feed.add_modifier(CrowdModifier(now, math.inf, silence.rate, silence.negative,
                                                 silence.arousal, silence.misinformation,
                                                 "silence"))
            self._silent = True
        for inject in self._triggered:
            if inject.id not in self._fired and self._due(inject, now, state):
                self._fired.add(inject.id)
                self.feed.schedule_inject(inject, now)

    def _due(self, inject: Inject, now: float, state: dict[str, Any]) -> bool:
        trigger = inject.trigger
        assert trigger is not None
        if trigger.condition is None:
            return False  # `after` injects are timed from their event, not from ticks
        context = {"signal": self.monitor.snapshot(now), "drill": state}
        return holds(trigger.condition, context)

    def _arm(self, kind: str, first: float) -> None:
        """The first event of ``kind``: `after` injects waiting for it fall due ``within``
        after that event, to the minute, not at the next monitoring tick."""
        for order, inject in enumerate(self._triggered):
            trigger = inject.trigger
            if trigger is not None and trigger.condition is None and \
                    trigger.after_kind == kind and inject.id not in self._fired:
                heapq.heappush(self._after, (first + trigger.within, order, inject))

    def _prevented(self, inject: Inject, due: float) -> bool:
        trigger = inject.trigger
        assert trigger is not None
        first = self._first_seen[trigger.after_kind or ""]
        return any(first <= t <= due and action in trigger.unless for t, action in self._actions)
