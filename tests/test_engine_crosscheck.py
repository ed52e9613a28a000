"""Compiled rules fire on exactly the inputs the pure evaluator says they should."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drills.engine.durable_engine import engine_for
from drills.engine.guards import event_guard
from drills.rulebook.evaluate import compile_condition, evaluate, holds
from drills.rulebook.grammar import parse_condition
from tests.conftest import minimal_rulebook

SEVERITIES = ("normal", "watch", "issue", "crisis")

# Table-driven: (condition, context, fires?)
CASES: list[tuple[str, dict[str, Any], bool]] = [
    ("event.kind == 'press_inquiry'", {"event": {"kind": "press_inquiry"}}, True),
    ("event.kind == 'press_inquiry'", {"event": {"kind": "mention"}}, False),
    ("event.kind != 'mention'", {"event": {"kind": "reply"}}, True),
    ("event.kind != 'mention'", {"event": {}}, False),  # missing field: unknown, never fires
    ("not event.kind == 'mention'", {"event": {}}, False),
    ("event.reach > 1000", {"event": {"reach": 1001}}, True),
    ("event.reach > 1000", {"event": {"reach": 1000}}, False),
    ("event.reach >= 1000", {"event": {"reach": 1000}}, True),
    ("event.reach < 10", {"event": {"reach": 9.5}}, True),
    ("event.reach <= 10", {"event": {"reach": 10.5}}, False),
    ("event.author.followers >= 100000 and event.sentiment <= -0.3",
     {"event": {"author": {"followers": 250000}, "sentiment": -0.9}}, True),
    ("event.author.followers >= 100000 and event.sentiment <= -0.3",
     {"event": {"author": {"followers": 250000}, "sentiment": 0.2}}, False),
    ("event.kind in ['press_inquiry', 'regulator_inquiry']",
     {"event": {"kind": "regulator_inquiry"}}, True),
    ("event.kind not in ['press_inquiry', 'regulator_inquiry']", {"event": {"kind": "reply"}},
     True),
    ("event.kind not in ['press_inquiry']", {"event": {}}, False),
    ("exists event.parent", {"event": {"parent": "e1"}}, True),
    ("exists event.parent", {"event": {}}, False),
    ("not exists event.parent", {"event": {}}, True),
    ("event.author.verified", {"event": {"author": {"verified": True}}}, True),
    ("event.author.verified", {"event": {"author": {"verified": False}}}, False),
    ("not event.author.verified", {"event": {"author": {"verified": False}}}, True),
    ("event.text contains 'RECALL'", {"event": {"text": "a product recall now"}}, True),
    ("event.text contains 'a.b'", {"event": {"text": "axb"}}, False),
    ("event.text contains '[x]'", {"event": {"text": "see [x] here"}}, True),
    ("not event.text contains 'refund'", {"event": {"text": "melted"}}, True),
    ("event.author.handle matches '*news*'", {"event": {"author": {"handle": "dailyNEWS_se"}}},
     True),
    ("event.author.handle matches 'news?'", {"event": {"author": {"handle": "news12"}}}, False),
    ("event.text contains 'återkall'", {"event": {"text": "Ikea ÅTERKALLAR"}}, True),
    ("drill.severity >= 'crisis'", {"drill": {"severity": 3}}, True),
    ("drill.severity >= 'crisis'", {"drill": {"severity": 2}}, False),
    ("drill.elapsed >= 2h and signal.mentions_1h > 5",
     {"drill": {"elapsed": 121}, "signal": {"mentions_1h": 6}}, True),
    ("not (signal.mentions_1h > 5 or signal.press_1h > 0)",
     {"signal": {"mentions_1h": 3, "press_1h": 0}}, True),
    ("not (signal.mentions_1h > 5 or signal.press_1h > 0)",
     {"signal": {"mentions_1h": 3}}, False),
    ("signal.mentions_1h > 5 or signal.press_1h > 0", {"signal": {"press_1h": 1}}, True),
]


def _engine_fires(condition: str, context: dict[str, Any]) -> bool:
    book = minimal_rulebook(f'  - id: r\n    when: "{condition}"')
    engine = engine_for(book)
    kind = book.rules[0].trigger
    names = engine.fire("x", 1, engine.message(kind, context))
    return "rule:r" in names


@pytest.mark.parametrize(("condition", "context", "expected"), CASES)
def test_table(condition: str, context: dict[str, Any], expected: bool) -> None:
    node = parse_condition(condition)
    assert holds(node, context, SEVERITIES) is expected
    assert (compile_condition(node, SEVERITIES)(context) is True) is expected
    assert _engine_fires(condition, context) is expected


# -- randomised cross-check: many conditions in one rulebook, many contexts ------------------

NUMERIC = ["event.reach", "event.sentiment", "event.author.followers", "signal.mentions_1h"]
STRINGS = {"event.kind": ["mention", "reply", "press_inquiry"], "event.platform": ["x", "tiktok"]}
TEXT = ["event.text"]
BOOLS = ["event.author.verified", "event.violates_policy"]
OPS = ["==", "!=", "<", "<=", ">", ">="]


def _random_condition(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if depth < 3 and roll < 0.35:
        joiner = rng.choice([" and ", " or "])
        return "(" + joiner.join(_random_condition(rng, depth + 1)
                                 for _ in range(rng.randint(2, 3))) + ")"
    if depth < 3 and roll < 0.45:
        return "not " + _random_condition(rng, depth + 1)
    leaf = rng.randint(0, 5)
    if leaf == 0:
        return f"{rng.choice(NUMERIC)} {rng.choice(OPS)} {rng.choice([-1, 0, 0.5, 10, 500])}"
    if leaf == 1:
        name = rng.choice(list(STRINGS))
        return f"{name} {rng.choice(['==', '!='])} '{rng.choice(STRINGS[name])}'"
    if leaf == 2:
        name = rng.choice(list(STRINGS))
        values = ", ".join(f"'{v}'" for v in rng.sample(STRINGS[name], 2))
        return f"{name} {rng.choice(['in', 'not in'])} [{values}]"
    if leaf == 3:
        pattern = rng.choice(["ab", "*b*", "a?c"])
        return f"event.text {rng.choice(['contains', 'matches'])} '{pattern}'"
    if leaf == 4:
        return f"exists {rng.choice(NUMERIC + list(STRINGS))}"
    return rng.choice(BOOLS)


def _random_context(rng: random.Random) -> dict[str, Any]:
    event: dict[str, Any] = {"author": {}}
    signal: dict[str, Any] = {}
    for name in NUMERIC:
        if rng.random() < 0.8:
            target = signal if name.startswith("signal") else event
            parts = name.split(".")[1:]
            value = rng.choice([-1, 0, 0.5, 3, 10, 499, 500, 501, 10**6])
            if len(parts) == 2:
                target["author"][parts[1]] = value
            else:
                target[parts[0]] = value
    for name, values in STRINGS.items():
        if rng.random() < 0.8:
            event[name.split(".")[1]] = rng.choice(values)
    if rng.random() < 0.8:
        event["text"] = rng.choice(["ab", "xaby", "abc", "AB", "b", ""])
    for name in BOOLS:
        if rng.random() < 0.8:
            parts = name.split(".")[1:]
            target = event["author"] if len(parts) == 2 else event
            target[parts[-1]] = rng.random() < 0.5
    return {"event": event, "signal": signal}


def test_random_conditions_agree_with_the_evaluator() -> None:
    rng = random.Random(20261124)
    conditions = [f"event.id != 'never' and {_random_condition(rng)}" for _ in range(120)]
    rules = "\n".join(f'  - id: r{i}\n    when: "{c}"' for i, c in enumerate(conditions))
    book = minimal_rulebook(rules)
    engine = engine_for(book)
    nodes = {f"r{i}": parse_condition(c) for i, c in enumerate(conditions)}
    compiled = {rid: compile_condition(node, SEVERITIES) for rid, node in nodes.items()}
    disagreements = []
    total_fired = 0
    for n in range(400):
        context = _random_context(rng)
        context["event"]["id"] = f"e{n}"
        fired = {name.removeprefix("rule:") for name in
                 engine.fire("cross", n + 1, engine.message("event", context))}
        expected = {rid for rid, node in nodes.items() if holds(node, context, SEVERITIES)}
        total_fired += len(expected)
        # The compiled predicates give the same three-valued answer as the evaluator.
        for rid, node in nodes.items():
            assert compiled[rid](context) is evaluate(node, context, SEVERITIES), rid
        # Guards are necessary conditions: a rule that fires always passes its guard.
        for rid in expected:
            guard = event_guard(nodes[rid])
            assert guard is None or guard(context["event"]), (rid, context)
        if fired != expected:
            disagreements.append((context, sorted(fired ^ expected)))
    assert not disagreements, disagreements[:3]
    # The check is not vacuous: the conditions fire sometimes and not always.
    assert 0.05 * 400 * 120 < total_fired < 0.95 * 400 * 120


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet="abcAB[]\\.*?åÅ ", max_size=8),
       pattern=st.text(alphabet="abcAB[]\\.*?åÅ", min_size=1, max_size=4),
       op=st.sampled_from(["contains", "matches"]))
def test_text_predicates_agree_for_any_characters(text: str, pattern: str, op: str) -> None:
    """Text matching runs in Python, so the engine's regex dialect never changes a result."""
    escaped = pattern.replace("\\", "\\\\").replace('"', '\\"')
    condition = f'event.text {op} "{escaped}"'
    node = parse_condition(condition)
    context = {"event": {"text": text}}
    book = minimal_rulebook(f"  - id: r\n    when: '{condition}'")
    engine = engine_for(book)
    fired = "rule:r" in engine.fire("t", 1, engine.message("event", context))
    assert fired is holds(node, context, SEVERITIES)


def test_guards_skip_what_no_rule_can_match() -> None:
    from drills.inputs.builtins import resolve
    from drills.rulebook.load import load_rulebook

    engine = engine_for(load_rulebook(resolve("rulebook", "default")))
    assert engine.event_guards is not None
    assert engine.guard_kinds == {"press_inquiry", "regulator_inquiry", "employee_leak"}
    ordinary = {"kind": "mention", "author": {"followers": 300}, "sentiment": -0.8,
                "reach": 300}
    big = {"kind": "mention", "author": {"followers": 300_000}, "sentiment": -0.8,
           "reach": 300_000}
    misinformation = {"kind": "misinformation", "reach": 9000, "author": {}}
    assert not any(g(ordinary) for g in engine.event_guards)
    assert any(g(big) for g in engine.event_guards)
    assert any(g(misinformation) for g in engine.event_guards)
    posted: list[dict] = []
    original = engine.fire
    engine.fire = lambda sid, i, m: posted.append(m) or original(sid, i, m)  # type: ignore
    try:
        with engine.session() as session:
            session.on_event({**ordinary, "id": "a"}, {}, {}, 1)
            session.on_event({"kind": "press_inquiry", "id": "b", "author": {}}, {}, {}, 2)
            session.on_event({**big, "id": "c"}, {}, {}, 3)
    finally:
        del engine.fire
    assert [m["event__kind"] for m in posted] == ["press_inquiry", "mention"]
