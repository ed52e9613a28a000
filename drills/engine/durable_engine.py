"""The only module that talks to durable-rules. It hides the library's sharp edges.

What it hides (measured on durable-rules 2.0.28, see docs/rulebook.md "The engine"):

* ``Host()`` starts two wall-clock timer threads; our Host subclass starts none, so the engine
  runs only on the calling thread, inside each post, and time is simulated by the caller.
* An event is consumed by the first rule that fires; a fact is seen by every rule. Every
  message here is a fact, asserted and at once retracted, so every matching rule fires.
* ``post_batch`` can crash the process: never used.
* Only messages some rule can match are posted: an event passes through cheap guards first
  (``drills.engine.guards``), so the engine is never the feed's bottleneck.
* A message no rule matches raises ``MessageNotHandledException``: that is not an error here.
* An exception inside an action is swallowed into the session state: actions only append a
  rule name, and the state returned by each assert is checked for it (``EngineError``).
* At most 1,024 live sessions per ruleset, registering a ruleset twice fails and registering
  leaks: a rulebook is compiled once per process (``engine_for``) and every finished drill's
  state is deleted on ``close``.
* ``delete_state`` segfaults (SIGSEGV, every time) for a session in which no message ever
  matched a rule: durable-rules creates a session's action state lazily, on the first match,
  and frees it unconditionally. Every registered ruleset therefore carries a sentinel rule,
  and ``close`` asserts the sentinel fact (which matches) before it deletes the state: no
  session reaches ``delete_state`` without a match. A short drill in which no rule fired
  used to crash the process here (``drill run --seed 1 --hours 1``).

    engine = engine_for(rulebook)
    with engine.session() as session:
        firings = session.on_event(event, signal, drill, t=12.5)
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from durable import engine as durable

from drills.engine.compile import (
    KIND_KEY,
    CompiledRules,
    TextPredicate,
    compile_rulebook,
    field_key,
    required_event_kinds,
)
from drills.engine.guards import Guard, any_of, event_guard, kind_only
from drills.errors import EngineError
from drills.rulebook.evaluate import compile_condition, text_matches
from drills.rulebook.model import Rulebook

MAX_LIVE_SESSIONS = 1024
#: The rule every registered ruleset carries, so every session has a match before its state
#: is deleted (see the module docstring). Rule ids cannot contain '$', so no clash.
SENTINEL_RULE = "$sentinel"
_SENTINEL_KIND = "$close"


class _QuietHost(durable.Host):  # type: ignore[misc]
    """A Host without the background dispatch threads (and so without wall-clock timers)."""

    def _run(self) -> None:
        pass


@dataclass(frozen=True)
class Firing:
    """A rule fired: which, at what simulated minute, on which event (if any)."""

    rule_id: str
    t: float
    event_id: str | None = None


@dataclass(frozen=True)
class Violation:
    """A forbidden action happened and its exception did not hold."""

    forbid_id: str
    action: str
    t: float


@dataclass
class StateResult:
    firings: list[Firing] = field(default_factory=list)
    #: Whether the rulebook's calm condition holds now.
    calm: bool = False


_Getter = tuple[str, str, tuple[str, ...]]  # (message key, namespace, path inside namespace)


def _getters(names: list[str]) -> list[_Getter]:
    result = []
    for name in names:
        namespace, _, rest = name.partition(".")
        result.append((field_key(name), namespace, tuple(rest.split("."))))
    return result


def _lookup(source: dict[str, Any] | None, path: tuple[str, ...]) -> Any:
    value: Any = source
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


class RulebookEngine:
    """One compiled rulebook registered once in durable-rules; drills run as sessions."""

    _names = itertools.count()

    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook
        self.compiled: CompiledRules = compile_rulebook(rulebook)
        self.name = f"rb{next(self._names)}_{rulebook.name}"
        self._fired: list[str] = []
        self._host = _QuietHost()
        self._sids = itertools.count(1)
        self.live_sessions = 0
        definition: dict[str, Any] = copy.deepcopy(self.compiled.ruleset)  # durable mutates it
        definition[SENTINEL_RULE] = {"all": [{"m": {KIND_KEY: _SENTINEL_KIND}}]}
        for name, rule in definition.items():
            rule["run"] = self._action_for(name)
        self._host.set_rulesets({self.name: definition})
        self._getters = {k: _getters(v) for k, v in self.compiled.fields.items()}
        # Post an event only if some event rule's guard passes (when every rule has one):
        # rules guarded by the event kind alone share one set lookup.
        event_rules = [r for r in rulebook.enabled_rules if r.trigger == "event"]
        # Guards that need a kind are only tried on events of that kind.
        kinds: set[str] = set()
        guards: list[Guard] = []
        self.kind_guards: dict[str, list[Guard]] = {}
        self.free_guards: list[Guard] = []
        complete = True
        for rule in event_rules:
            only = kind_only(rule.condition)
            if only is not None:
                kinds |= only
                continue
            guard = event_guard(rule.condition)
            if guard is None:
                complete = False
                continue
            guards.append(guard)
            required = required_event_kinds(rule.condition)
            if required is None:
                self.free_guards.append(guard)
            for kind in sorted(required or ()):
                self.kind_guards.setdefault(kind, []).append(guard)
        self.guard_kinds: frozenset[str] = frozenset(kinds)
        self._kind_guard = {k: any_of(v) for k, v in self.kind_guards.items()}
        self._free_guard = any_of(self.free_guards)
        #: None when some event rule has no guard: then every event is posted.
        self.event_guards: list[Guard] | None = guards if complete else None
        #: (engine name, compiled condition) of every state rule and of calm.
        conditions = [(f"rule:{r.id}", r.condition) for r in rulebook.enabled_rules
                      if r.trigger == "state"]
        if rulebook.calm:
            conditions.append(("calm", rulebook.calm.condition))
        self.state_conditions: tuple[tuple[str, Callable[[dict[str, Any]], bool | None]],
                                     ...] = tuple(
            (name, compile_condition(condition, rulebook.severity))
            for name, condition in conditions)

    def _action_for(self, name: str) -> Any:
        fired = self._fired
        return lambda _closure: fired.append(name)

    # -- low level ---------------------------------------------------------------------------

    def message(self, kind: str, sources: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
        """The flat message for ``kind`` carrying exactly the fields its rules name."""
        message: dict[str, Any] = {KIND_KEY: kind}
        for key, namespace, path in self._getters[kind]:
            value = _lookup(sources.get(namespace), path)
            if value is not None:
                message[key] = value
        for predicate in self.compiled.predicates[kind]:
            self._add_predicate(message, predicate, sources)
        return message

    @staticmethod
    def _add_predicate(message: dict[str, Any], predicate: TextPredicate,
                       sources: dict[str, dict[str, Any] | None]) -> None:
        namespace, _, rest = predicate.field.partition(".")
        text = _lookup(sources.get(namespace), tuple(rest.split(".")))
        if isinstance(text, str):
            message[predicate.key] = text_matches(predicate.op, text, predicate.pattern)

    def fire(self, sid: str, msg_id: int, message: dict[str, Any]) -> list[str]:
        """Assert ``message`` as a fact, retract it, and return the names of rules that fired."""
        if not self.compiled.ruleset:
            return []
        message["sid"] = sid
        message["id"] = msg_id
        fired = self._fired
        fired.clear()
        state = None
        with suppress(durable.MessageNotHandledException):
            # When actions ran, durable-rules returns the session state; a failed action left
            # its traceback there instead of raising.
            state = self._host.assert_fact(self.name, message)
        if isinstance(state, dict) and "exception" in state:
            fired.clear()
            raise EngineError(f"a rule action failed inside the engine: {state['exception']}")
        with suppress(durable.MessageNotHandledException):
            self._host.retract_fact(self.name, message)
        result = list(fired)
        fired.clear()
        return result

    def open_sid(self) -> str:
        if self.live_sessions >= MAX_LIVE_SESSIONS:
            raise EngineError(f"more than {MAX_LIVE_SESSIONS} drills open at once on rulebook "
                              f"{self.rulebook.name!r}; close finished drills first")
        self.live_sessions += 1
        return str(next(self._sids))

    def close_sid(self, sid: str, msg_id: int) -> None:
        """Delete a finished drill's engine state, after a match that makes that safe.

        ``msg_id`` is an id the session has not used yet.
        """
        self.live_sessions -= 1
        fired = self._fired
        fired.clear()
        sentinel = {KIND_KEY: _SENTINEL_KIND, "sid": sid, "id": msg_id}
        with suppress(durable.MessageNotHandledException):
            self._host.assert_fact(self.name, sentinel)
        # (The state may still carry an earlier action's exception: only the match matters.)
        if fired != [SENTINEL_RULE]:
            got = list(fired)
            fired.clear()
            # Deleting now could crash the process; leaking one session's state cannot.
            raise EngineError(f"the engine did not match the closing sentinel of drill {sid} "
                              f"(fired {got!r}); its state was kept")
        fired.clear()
        with suppress(durable.MessageNotHandledException):
            self._host.retract_fact(self.name, sentinel)
        self._host.delete_state(self.name, sid)

    def session(self) -> Session:
        """A new drill's session; use it as a context manager so its state is deleted."""
        return Session(self)


class Session:
    """One drill's view of the engine: firings with throttling and edge detection applied.

    Event rules fire on every matching event; state rules fire when their condition becomes
    true (it was not true at the previous state evaluation). ``once`` and ``once_within``
    throttle both kinds.
    """

    def __init__(self, engine: RulebookEngine) -> None:
        self.engine = engine
        self.sid = engine.open_sid()
        self._ids = itertools.count(1)
        self._closed = False
        self._rules = {r.id: r for r in engine.rulebook.enabled_rules}
        self._matched_before: set[str] = set()
        self._state_expected: frozenset[str] | None = None
        self._state_names: list[str] | None = None
        self._fired_in_episode: set[str] = set()
        self._fired_ever: set[str] = set()
        self._last_fired: dict[str, float] = {}

    def new_episode(self) -> None:
        """The crisis calmed down: ``once: per_episode`` rules may fire again."""
        self._fired_in_episode.clear()

    def _throttled(self, rule_id: str, t: float) -> bool:
        rule = self._rules[rule_id]
        if rule.once == "per_drill" and rule_id in self._fired_ever:
            return True
        if rule.once == "per_episode" and rule_id in self._fired_in_episode:
            return True
        last = self._last_fired.get(rule_id)
        return rule.once_within is not None and last is not None and t - last < rule.once_within

    def _record(self, rule_id: str, t: float, event_id: str | None) -> Firing:
        self._fired_ever.add(rule_id)
        self._fired_in_episode.add(rule_id)
        self._last_fired[rule_id] = t
        return Firing(rule_id, t, event_id)

    def _post(self, kind: str, sources: dict[str, dict[str, Any] | None]) -> list[str]:
        if self._closed:
            raise EngineError("this drill's engine session is closed")
        engine = self.engine
        return engine.fire(self.sid, next(self._ids), engine.message(kind, sources))

    def on_event(self, event: dict[str, Any], signal: dict[str, Any] | None,
                 drill: dict[str, Any] | Callable[[], dict[str, Any]] | None,
                 t: float) -> list[Firing]:
        """Rules that fire on ``event``; an event no rule can match is not posted at all.

        ``drill`` may be a function, called only when the event is posted.
        """
        engine = self.engine
        if engine.event_guards is not None:
            kind = event.get("kind")
            if kind not in engine.guard_kinds:
                by_kind = engine._kind_guard.get(kind)  # type: ignore[arg-type]
                free = engine._free_guard
                if not (by_kind is not None and by_kind(event)) and \
                        not (free is not None and free(event)):
                    return []
        state = drill() if callable(drill) else drill
        names = self._post("event", {"event": event, "signal": signal, "drill": state})
        firings = []
        for name in names:
            rule_id = name.removeprefix("rule:")
            if not self._throttled(rule_id, t):
                firings.append(self._record(rule_id, t, event.get("id")))
        return firings

    def on_state(self, signal: dict[str, Any] | None, drill: dict[str, Any] | None,
                 t: float) -> StateResult:
        """State rules that became true, and whether the crisis is calm.

        The engine is asked only when the answer can change: the pure evaluator (which the
        engine is cross-checked against) says which state conditions hold, and while that
        set is what it was at the last post, the engine's answer is too. A drill then posts
        a few dozen state facts instead of one per monitoring tick. Every post checks that
        the two agree; a disagreement is an EngineError, never a silent difference.
        """
        context = {"signal": signal or {}, "drill": drill or {}}
        expected = frozenset(name for name, holds_now in self.engine.state_conditions
                             if holds_now(context) is True)
        if expected == self._state_expected and self._state_names is not None:
            names = self._state_names
        else:
            names = self._post("state", {"signal": signal, "drill": drill})
            got = frozenset(names)
            if got != expected:
                raise EngineError(f"the engine and the evaluator disagree at t={t:g}: engine "
                                  f"{sorted(got)}, evaluator {sorted(expected)}")
            self._state_expected, self._state_names = expected, names
        matched = {n.removeprefix("rule:") for n in names if n.startswith("rule:")}
        result = StateResult(calm="calm" in names)
        for rule_id in sorted(matched - self._matched_before,
                              key=lambda r: list(self._rules).index(r)):
            if not self._throttled(rule_id, t):
                result.firings.append(self._record(rule_id, t, None))
        self._matched_before = matched
        return result

    def on_action(self, action: str, event: dict[str, Any] | None,
                  signal: dict[str, Any] | None, drill: dict[str, Any] | None,
                  t: float) -> list[Violation]:
        """Forbid entries that ``action`` breaks (``event`` is what it responded to)."""
        if action not in self.engine.compiled.forbidden_actions:
            return []
        sources = {"event": event, "signal": signal, "drill": drill}
        message = self.engine.message("action", sources)
        message["action"] = action
        names = self.engine.fire(self.sid, next(self._ids), message)
        excused = {n.removeprefix("excuse:") for n in names if n.startswith("excuse:")}
        return [Violation(n.removeprefix("forbid:"), action, t) for n in names
                if n.startswith("forbid:") and n.removeprefix("forbid:") not in excused]

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.engine.close_sid(self.sid, next(self._ids))


_ENGINES: dict[str, RulebookEngine] = {}
#: The engine of each recently used rulebook object, so a batch of drills under one loaded
#: rulebook does not compile and hash it again for every drill (about 1 ms a drill).
_BY_OBJECT: dict[int, tuple[Rulebook, RulebookEngine]] = {}
_BY_OBJECT_SIZE = 32


def engine_for(rulebook: Rulebook) -> RulebookEngine:
    """The process-wide engine of ``rulebook``, compiled and registered once.

    durable-rules cannot unregister a ruleset and leaks when many are registered, so equal
    rulebooks (same compiled JSON) share one engine.
    """
    seen = _BY_OBJECT.get(id(rulebook))
    if seen is not None and seen[0] is rulebook:  # the same loaded rulebook, drill after drill
        return seen[1]
    compiled = compile_rulebook(rulebook)
    key = hashlib.sha256(json.dumps([rulebook.name, compiled.ruleset, repr(rulebook.rules),
                                     repr(rulebook.forbid)], sort_keys=True,
                                    default=str).encode()).hexdigest()
    engine = _ENGINES.get(key)
    if engine is None:
        engine = RulebookEngine(rulebook)
        _ENGINES[key] = engine
    if len(_BY_OBJECT) >= _BY_OBJECT_SIZE:  # mutation testing makes thousands of rulebooks
        _BY_OBJECT.pop(next(iter(_BY_OBJECT)))
    _BY_OBJECT[id(rulebook)] = (rulebook, engine)  # holding it: its id is not reused
    return engine


def raw_throughput(ruleset: dict[str, Any], messages: list[dict[str, Any]], *,
                   clock: Any, as_facts: bool = True) -> float:
    """Messages per second straight into durable-rules, for ``drill bench`` baselines.

    ``ruleset`` is hand-written engine JSON (each rule's ``run`` is added here); messages
    are asserted and retracted as facts (the adapter's semantics) or posted as events.
    """
    host = _QuietHost()
    name = f"raw{next(RulebookEngine._names)}"
    definition = copy.deepcopy(ruleset)
    hits: list[int] = []
    for rule in definition.values():
        rule["run"] = lambda _c: hits.append(1)
    host.set_rulesets({name: definition})
    start = clock()
    for message in messages:
        if as_facts:
            with suppress(durable.MessageNotHandledException):
                host.assert_fact(name, message)
            with suppress(durable.MessageNotHandledException):
                host.retract_fact(name, message)
        else:
            with suppress(durable.MessageNotHandledException):
                host.post(name, message)
    elapsed = clock() - start
    for sid in {m["sid"] for m in messages}:
        with suppress(Exception):
            host.delete_state(name, sid)
    return len(messages) / elapsed if elapsed > 0 else float("inf")
