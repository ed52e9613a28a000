"""One operator table: the evaluator, the event guards and the engine compiler agree."""

from __future__ import annotations

import pytest

from drills.engine.compile import OPERATORS
from drills.engine.guards import event_guard
from drills.rulebook import ast
from drills.rulebook.evaluate import evaluate
from drills.rulebook.grammar import parse_condition
from drills.rulebook.operators import COMPARISONS, compare

VALUES = [0, 1, 2.5, -3, True, False, "x", "", "2"]


@pytest.mark.parametrize("op", list(COMPARISONS))
def test_negation_is_the_complement_on_values_of_one_kind(op: str) -> None:
    negated = COMPARISONS[op].negated
    assert COMPARISONS[negated].negated == op
    for a in VALUES:
        for b in VALUES:
            result = compare(op, a, b)
            if result is not None and (isinstance(a, str) == isinstance(b, str)) and \
                    (isinstance(a, bool) == isinstance(b, bool)):
                assert compare(negated, a, b) is (not result), (op, a, b)


def test_mixed_kinds_are_three_valued() -> None:
    assert compare("==", 1, "1") is False
    assert compare("!=", 1, "1") is True
    assert compare("==", True, 1) is False  # a bool is not a number here
    assert compare("<", "a", 1) is None
    assert compare(">=", False, 0) is None


def test_the_compiler_and_the_ast_read_the_same_table() -> None:
    assert set(OPERATORS) == set(COMPARISONS) == set(ast.COMPARISONS) == set(ast.NEGATED)
    assert OPERATORS["<="] == "$lte"


@pytest.mark.parametrize("condition", [
    'event.sentiment < -0.5', 'event.kind != "mention"', 'event.reach >= 1000',
    'event.author.verified == true', 'event.kind in ["press_inquiry", "mention"]',
])
def test_a_guard_never_refuses_what_the_evaluator_fires(condition: str) -> None:
    """A guard is a necessary condition: whatever the evaluator says fires must pass it,
    also for values of another kind than the literal (a bad event from a hand-written log)."""
    node = parse_condition(condition)
    guard = event_guard(node)
    assert guard is not None
    for value in VALUES:
        event = {"kind": value, "sentiment": value, "reach": value,
                 "author": {"verified": value}}
        if evaluate(node, {"event": event}) is True:
            assert guard(event), (condition, value)
