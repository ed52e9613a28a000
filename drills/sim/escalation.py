"""Escalation: what rule firings do to a drill. Severity rises and falls, episodes start and
end, the crisis calms down, and each firing hands its obligations on.

One implementation for a drill and for a rule test (``drill test``): the world and the test
runner differ only in the hooks they pass in (where records go, what an obligation becomes,
what ends with an episode), so a firing in a test is a firing in a drill.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drills.engine.durable_engine import Firing, Session, Violation
from drills.rulebook.model import Obligation, Rule, Rulebook

#: Writes one record: ``log(kind, **fields)`` (the caller stamps the time).
Log = Callable[..., None]


class Escalation:
    """Severity, the episode count, calm, and the signals the rules see.

    ``state`` returns the drill state of the moment without severity and episode (which this
    part owns and adds); ``oblige`` receives every obligation a firing demands; ``on_calmed``
    runs when an episode ends, before the rules look again.
    """

    def __init__(self, rulebook: Rulebook, log: Log, state: Callable[[], dict[str, Any]],
                 now: Callable[[], float],
                 oblige: Callable[[Rule, Obligation, str | None], None],
                 on_calmed: Callable[[], None] | None = None,
                 signals: dict[str, float] | None = None) -> None:
        self.rulebook = rulebook
        self.rules: dict[str, Rule] = {r.id: r for r in rulebook.enabled_rules}
        self.log = log
        self._state = state
        self._now = now
        self._oblige = oblige
        self._on_calmed = on_calmed
        self.severity = 0
        self.episode = 0
        self.calm_since: float | None = None
        #: What monitoring sees now: the rules read it, ``observe`` replaces it.
        self.signals: dict[str, float] = signals if signals is not None else {}
        #: The level a drill calms down to: an episode is a rise above it.
        self.base_level = rulebook.calm.to if rulebook.calm else 0
        self._session: Session | None = None

    def start(self, session: Session) -> None:
        """Use ``session`` of the rules engine from now on (the drill has begun)."""
        self._session = session
        self._on_event_rules = session.on_event

    @property
    def session(self) -> Session:
        assert self._session is not None, "the escalation has not started"
        return self._session

    def drill_state(self) -> dict[str, Any]:
        state = self._state()
        state["severity"] = self.severity
        state["episode"] = self.episode
        return state

    def on_event(self, event: dict[str, Any], t: float) -> list[Firing]:
        """The event rules ``event`` fires (applied later, with ``apply``, at its moment)."""
        return self._on_event_rules(event, self.signals, self.drill_state, t)

    def violations(self, action: str, event: dict[str, Any] | None) -> list[Violation]:
        """The forbid entries ``action`` (on ``event``) breaks now."""
        return self.session.on_action(action, event, self.signals, self.drill_state(),
                                      self._now())

    def observe(self, signals: dict[str, float]) -> None:
        """New signals: state rules that became true fire; calm may end the episode."""
        now = self._now()
        self.signals = signals
        result = self.session.on_state(signals, self.drill_state(), now)
        self.apply(result.firings, None)
        calm = self.rulebook.calm
        if calm is None or self.severity <= calm.to:
            self.calm_since = None
            return
        if not result.calm:
            self.calm_since = None
        elif self.calm_since is None:
            self.calm_since = now
        elif now - self.calm_since >= calm.for_minutes:
            self.set_severity(calm.to, reason="calm")

    def reevaluate(self) -> None:
        """The drill state changed from outside (a rule test's ``drill`` input): state rules
        look again, without calm being counted."""
        self.apply(self.session.on_state(self.signals, self.drill_state(), self._now())
                   .firings, None)

    def apply(self, firings: list[Firing], event_id: str | None) -> None:
        for firing in firings:
            rule = self.rules[firing.rule_id]
            self.log("firing", rule=rule.id, event=event_id)
            for spec in rule.require:
                self._oblige(rule, spec, event_id)
            if rule.escalate is not None and rule.escalate > self.severity:
                self.set_severity(rule.escalate, rule=rule.id)
            elif rule.deescalate is not None and rule.deescalate < self.severity:
                self.set_severity(rule.deescalate, rule=rule.id)

    def set_severity(self, level: int, *, rule: str | None = None,
                     reason: str | None = None) -> None:
        """Move to ``level``: a rise above the base starts an episode, a fall to it ends one
        (``once: per_episode`` rules may fire again), then the state rules look again."""
        old = self.severity
        base = self.base_level
        self.severity = level
        self.log("severity", level=level, name=self.rulebook.severity[level], previous=old,
                 rule=rule, reason=reason)
        session = self.session
        if old <= base < level:
            self.episode += 1
            self.log("episode", number=self.episode, status="start")
        elif level <= base < old:
            self.log("episode", number=self.episode, status="end")
            session.new_episode()
            self.calm_since = None
            if self._on_calmed is not None:
                self._on_calmed()
        result = session.on_state(self.signals, self.drill_state(), self._now())
        self.apply(result.firings, None)

    @property
    def episode_open(self) -> bool:
        """An episode started and has not ended (said at the end of a drill)."""
        return bool(self.episode) and self.severity > self.base_level
