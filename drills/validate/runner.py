"""Run rulebook unit tests through the real engine adapter (not the pure evaluator).

Each test is its own engine session. Inputs are applied in time order: a ``signal`` input
replaces the monitoring signals (what it does not name is a neutral default, below) and
state rules are evaluated; an ``event`` input is matched by the event rules; a ``drill``
input sets drill state (severity, cluster, statements ...) and state rules are evaluated; an
``action`` input is judged by the forbid entries; an ``advance`` input lets time pass: the
monitor ticks with the last signals (so calm is counted) and ``every`` obligations come due
again, as in a drill with no team. A firing escalates or de-escalates severity and creates
its obligations, and calm ends an episode, through the drill's own
:class:`~drills.sim.escalation.Escalation`: one implementation, so a firing in a test is a
firing in a drill.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from drills.engine.durable_engine import Firing, Session, Violation, engine_for
from drills.errors import Diagnostic, InputError
from drills.inputs.validation import suggest
from drills.rulebook.model import Obligation, Rule, Rulebook
from drills.sim.config import DrillConfig
from drills.sim.escalation import Escalation
from drills.validate.cases import Expect, RuleTest, RuleTestFile

#: What an input does not name. Quiet signals, a mention from an ordinary account.
NEUTRAL_SIGNAL: dict[str, float] = {
    "mentions_15m": 0, "mentions_1h": 0, "negative_15m": 0, "negative_1h": 0,
    "negative_share": 0.0, "reach_1h": 0, "negative_reach_1h": 0, "velocity": 1.0,
    "influencers_1h": 0, "press_1h": 0, "press_total": 0, "misinformation_share": 0.0,
    "arousal_1h": 0.0,
}
#: How often the monitor looks while time passes: a drill's default tick.
TICK = float(next(f.default for f in fields(DrillConfig)  # type: ignore[arg-type]
                  if f.name == "tick"))
NEUTRAL_EVENT: dict[str, Any] = {
    "kind": "mention", "platform": "x", "text": "", "sentiment": 0.0, "arousal": 0.5,
    "reach": 100, "lang": "en",
    "author": {"handle": "someone", "name": "Someone", "followers": 100, "verified": False,
               "role": "public"},
}


@dataclass
class Outcome:
    """What happened in one test: firings, obligations and severity over time."""

    firings: list[Firing] = field(default_factory=list)
    obligations: list[dict[str, Any]] = field(default_factory=list)
    severity: list[tuple[float, int]] = field(default_factory=list)
    #: What moved severity at each change: a rule's id, "calm", or "input".
    causes: list[str] = field(default_factory=list)
    #: (minute, action, the forbid entries it broke)
    actions: list[tuple[float, str, list[Violation]]] = field(default_factory=list)

    def severity_at(self, t: float) -> int:
        level = 0
        for when, value in self.severity:
            if when <= t + 1e-9:
                level = value
        return level


@dataclass(frozen=True)
class TestResult:
    test: RuleTest
    path: str
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


def _level(rulebook: Rulebook, value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < len(rulebook.severity) else None
    return rulebook.severity.index(value) if value in rulebook.severity else None


def check_references(cases: RuleTestFile, rulebook: Rulebook) -> None:
    """Names the rulebook lacks are mistakes in the test file (exit 2), not failures."""
    rules = {r.id for r in rulebook.rules}
    forbids = [f.id for f in rulebook.forbid]
    found = []
    for test in cases.tests:
        for expect in test.expects:
            problem = None
            if expect.kind in ("fires", "never") and expect.value not in rules:
                problem = f"rulebook {rulebook.name!r} has no rule {expect.value!r}"
            elif expect.kind == "severity" and _level(rulebook, expect.value) is None:
                problem = (f"no severity {expect.value!r}; levels are "
                           f"{', '.join(rulebook.severity)}")
            elif expect.kind == "violation" and expect.value not in forbids:
                problem = (f"rulebook {rulebook.name!r} has no forbid entry {expect.value!r}"
                           f"{suggest(expect.value, forbids)}")
            elif expect.kind == "obligation" and expect.value["role"] not in rulebook.roles:
                problem = f"rulebook {rulebook.name!r} has no role {expect.value['role']!r}"
            if problem:
                found.append(Diagnostic(cases.path, expect.line, 1, problem))
        for item in test.inputs:
            if item.kind == "drill" and "severity" in item.values and \
                    _level(rulebook, item.values["severity"]) is None:
                found.append(Diagnostic(cases.path, item.line, 1,
                                        f"no severity {item.values['severity']!r}; levels are "
                                        f"{', '.join(rulebook.severity)}"))
    if found:
        raise InputError(found)


def run_test(test: RuleTest, rulebook: Rulebook, path: str) -> TestResult:
    """Feed one test's inputs to a fresh engine session and compare with its expectations."""
    outcome = Outcome()
    engine = engine_for(rulebook)
    with engine.session() as session:
        _play(test, rulebook, session, outcome)
    failures = tuple(f for e in test.expects if (f := _judge(e, outcome, rulebook)))
    return TestResult(test, path, failures)


def _play(test: RuleTest, rulebook: Rulebook, session: Session, outcome: Outcome) -> None:
    """Apply the inputs in time order through the world's own escalation step, so severity,
    episodes, ``once`` and calm behave as in a drill."""
    now = 0.0
    drill: dict[str, Any] = {"cluster": test.cluster, "statements": 0}
    ids = 0

    def state() -> dict[str, Any]:
        since = drill.get("since_statement", now)
        return {**drill, "elapsed": now, "since_statement": since}

    def log(kind: str, **fields: Any) -> None:
        if kind == "firing":
            outcome.firings.append(Firing(fields["rule"], now, fields["event"]))
        elif kind == "severity":
            outcome.severity.append((now, fields["level"]))
            outcome.causes.append(fields.get("rule") or fields.get("reason") or "input")

    def oblige(rule: Rule, spec: Obligation, _event: str | None) -> None:
        outcome.obligations.append({"t": now, "rule": rule.id, "action": spec.action,
                                    "role": spec.role, "due": now + spec.first_due,
                                    "every": spec.every, "instance": 1,
                                    "episode": escalation.episode})

    escalation = Escalation(rulebook, log, state, lambda: now, oblige,
                            signals=dict(NEUTRAL_SIGNAL))
    escalation.start(session)

    def move(t: float) -> None:
        nonlocal now
        now = t

    for item in test.inputs:
        if item.kind == "advance":
            move(item.at)
            _advance(escalation, outcome, item.at, item.at + item.values["minutes"], move)
            continue
        now = item.at
        if item.kind == "signal":
            escalation.observe({**NEUTRAL_SIGNAL, **item.values})
        elif item.kind == "drill":
            values = dict(item.values)
            level = _level(rulebook, values.pop("severity")) if "severity" in values else None
            if "episode" in values:
                escalation.episode = values.pop("episode")
            drill.update(values)
            if level is not None and level != escalation.severity:
                escalation.set_severity(level)
            else:
                escalation.reevaluate()
        elif item.kind == "action":
            event = item.values["event"]
            if event is not None:
                ids += 1
                event = _event(event, f"e{ids}", now)
            outcome.actions.append((now, item.values["name"],
                                    escalation.violations(item.values["name"], event)))
        else:
            ids += 1
            event = _event(item.values, f"e{ids}", now)
            escalation.apply(escalation.on_event(event, now), event["id"])


def _event(values: dict[str, Any], event_id: str, now: float) -> dict[str, Any]:
    """A test's event: what it names over the neutral event."""
    author = {**NEUTRAL_EVENT["author"], **values.get("author", {})}
    return {**NEUTRAL_EVENT, "id": event_id, "t": now, **values, "author": author}


def _advance(escalation: Escalation, outcome: Outcome, start: float, end: float,
             move: Callable[[float], None]) -> None:
    """Time passes from ``start`` to ``end`` as in a drill with no team: the monitor ticks
    every ``TICK`` minutes (a drill's default tick) with the signals of the moment (so calm
    is counted), and each ``every`` obligation of the open episode comes due again ``every``
    after the slot it skipped."""
    tick = TICK
    next_tick = start + tick
    while True:
        recurring = [o for o in outcome.obligations if o.get("every") and not o.get("next")
                     and o["episode"] == escalation.episode
                     and escalation.severity > escalation.base_level]
        due = min((o["due"] for o in recurring), default=None)
        moment = min(next_tick, due) if due is not None else next_tick
        if moment > end + 1e-9:
            break
        move(moment)
        if due is not None and due <= next_tick + 1e-9:
            for ob in [o for o in recurring if abs(o["due"] - due) < 1e-9]:
                ob["next"] = True
                outcome.obligations.append({**ob, "t": due, "due": due + ob["every"],
                                            "instance": ob["instance"] + 1, "next": False})
            if due < next_tick - 1e-9:
                continue
        escalation.observe(dict(escalation.signals))
        next_tick += tick
    move(end)


def _judge(expect: Expect, outcome: Outcome, rulebook: Rulebook) -> str | None:
    """None when the expectation holds, else 'expected ... got ...'."""
    def near(a: float, b: float) -> bool:
        return abs(a - b) < 1e-6

    def fmt(minutes: float) -> str:
        return f"{minutes:g}m"

    def when(rule: str) -> str:
        times = [f.t for f in outcome.firings if f.rule_id == rule]
        return (f"{rule} fired at {', '.join(fmt(t) for t in times)}" if times
                else f"{rule} never fired")

    if expect.kind == "never":
        times = [f.t for f in outcome.firings if f.rule_id == expect.value
                 and (expect.at is None or near(f.t, expect.at))]
        if not times:
            return None
        if expect.at is not None:
            return f"expected {expect.value} not to fire at {fmt(expect.at)}; it did"
        return (f"expected {expect.value} never to fire; got firings "
                f"at {', '.join(fmt(t) for t in times)}")
    if expect.kind == "fires" and expect.times is not None:
        got = sum(1 for f in outcome.firings if f.rule_id == expect.value
                  and (expect.at is None or near(f.t, expect.at)))
        if got == expect.times:
            return None
        moment = f" at {fmt(expect.at)}" if expect.at is not None else ""
        return (f"expected {expect.value} to fire {_count(expect.times)}{moment}; got "
                f"{_count(got)} ({when(expect.value)})")
    at = expect.at or 0.0
    if expect.kind == "fires":
        if any(f.rule_id == expect.value and near(f.t, at) for f in outcome.firings):
            return None
        fired = [f.rule_id for f in outcome.firings if near(f.t, at)]
        return (f"expected {expect.value} to fire at {fmt(at)}; got "
                f"{', '.join(fired) or 'no firing'} at that time; {when(expect.value)}")
    if expect.kind in ("violation", "allowed"):
        taken = [(action, broken) for t, action, broken in outcome.actions if near(t, at)]
        if not taken:
            return f"expected an action at {fmt(at)} to judge; there was none"
        broken_ids = [v.forbid_id for _action, found in taken for v in found]
        if expect.kind == "violation":
            return None if expect.value in broken_ids else (
                f"expected a violation of {expect.value} at {fmt(at)}; got "
                f"{', '.join(broken_ids) or 'none'}")
        actions = [a for a, _found in taken if a == expect.value]
        if not actions:
            return (f"expected {expect.value} at {fmt(at)}; the action there was "
                    f"{', '.join(a for a, _found in taken)}")
        mine = [v.forbid_id for a, found in taken if a == expect.value for v in found]
        return None if not mine else (f"expected {expect.value} to be allowed at {fmt(at)}; "
                                      f"it broke {', '.join(mine)}")
    if expect.kind == "severity":
        want = _level(rulebook, expect.value)
        got = outcome.severity_at(at)
        if want == got:
            return None
        changes = [(when, cause) for (when, _level), cause in
                   zip(outcome.severity, outcome.causes, strict=True) if when <= at + 1e-9]
        why = f" (set by {changes[-1][1]} at {fmt(changes[-1][0])})" if changes else ""
        return (f"expected severity {rulebook.severity[want or 0]} at {fmt(at)}; got "
                f"{rulebook.severity[got]}{why}")
    want_ob = expect.value
    candidates = [o for o in outcome.obligations if near(o["t"], at)
                  and o["action"] == want_ob["action"] and o["role"] == want_ob["role"]
                  and ("rule" not in want_ob or o["rule"] == want_ob["rule"])]
    if any("due" not in want_ob or near(o["due"], want_ob["due"]) for o in candidates):
        return None
    made = [f"{o['action']} by {o['role']} due {fmt(o['due'])}" for o in outcome.obligations
            if near(o["t"], at)]
    due = f" due {fmt(want_ob['due'])}" if "due" in want_ob else ""
    return (f"expected an obligation {want_ob['action']} by {want_ob['role']}{due} at "
            f"{fmt(at)}; got {', '.join(made) or 'none'}")


def _count(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def run_rule_tests(cases: RuleTestFile, rulebook: Rulebook) -> list[TestResult]:
    check_references(cases, rulebook)
    return [run_test(test, rulebook, cases.path) for test in cases.tests]
