"""The condition grammar: every operator, precedence, nesting, and error positions."""

from __future__ import annotations

import pytest

from drills.errors import ConditionSyntaxError
from drills.rulebook import ast
from drills.rulebook.grammar import parse_condition, unescape


@pytest.mark.parametrize("op", ["==", "!=", "<", "<=", ">", ">="])
def test_every_comparison_operator(op: str) -> None:
    node = parse_condition(f"signal.mentions_1h {op} 40")
    assert node == ast.Compare(op, ast.Field("signal.mentions_1h", 0),
                               ast.Literal(40, len(f"signal.mentions_1h {op} "), "number", "40"),
                               0)


def test_and_binds_tighter_than_or() -> None:
    node = parse_condition("event.kind == 'a' or event.kind == 'b' and event.reach > 5")
    assert isinstance(node, ast.Or)
    assert isinstance(node.items[1], ast.And)
    assert ast.render(node) == ('(event.kind == \'a\' or (event.kind == \'b\' and '
                                'event.reach > 5))')


def test_parentheses_override_precedence() -> None:
    node = parse_condition("(event.kind == 'a' or event.kind == 'b') and event.reach > 5")
    assert isinstance(node, ast.And)
    assert isinstance(node.items[0], ast.Or)


def test_not_binds_tightest_and_nests() -> None:
    node = parse_condition("not not event.author.verified and exists event.parent")
    assert isinstance(node, ast.And)
    first = node.items[0]
    assert isinstance(first, ast.Not) and isinstance(first.item, ast.Not)
    assert isinstance(first.item.item, ast.Truthy)
    assert node.items[1] == ast.Exists(ast.Field("event.parent", 41), 34)


def test_in_and_not_in_lists() -> None:
    node = parse_condition('event.kind in ["press_inquiry", "regulator_inquiry"]')
    assert isinstance(node, ast.In)
    assert [v.value for v in node.values] == ["press_inquiry", "regulator_inquiry"]
    negated = parse_condition("event.platform not in ['x', 'tiktok']")
    assert isinstance(negated, ast.Not) and isinstance(negated.item, ast.In)


def test_contains_and_matches() -> None:
    node = parse_condition('event.text contains "recall" or event.author.handle matches "*news*"')
    assert isinstance(node, ast.Or)
    left, right = node.items
    assert isinstance(left, ast.TextMatch) and left.op == "contains"
    assert isinstance(right, ast.TextMatch) and right.op == "matches"
    assert right.pattern.value == "*news*"


@pytest.mark.parametrize(("text", "minutes"), [("15m", 15), ("2h", 120), ("1d", 1440),
                                                 ("90s", 1.5), ("1.5h", 90)])
def test_durations_become_minutes(text: str, minutes: float) -> None:
    node = parse_condition(f"drill.elapsed >= {text}")
    assert isinstance(node, ast.Compare)
    assert node.value.type == "duration"
    assert node.value.value == pytest.approx(minutes)


def test_literals_booleans_negative_numbers_and_floats() -> None:
    node = parse_condition("event.author.verified == true and event.sentiment <= -0.25")
    assert isinstance(node, ast.And)
    first, second = node.items
    assert isinstance(first, ast.Compare) and first.value.value is True
    assert isinstance(second, ast.Compare) and second.value.value == -0.25


def test_string_escapes_are_unescaped_by_hand() -> None:
    assert unescape(r'"a\"b\\c\n"') == 'a"b\\c\n'
    with pytest.raises(ConditionSyntaxError, match=r"unknown escape \\x"):
        unescape(r'"\x41"')


def test_keywords_are_not_field_prefixes() -> None:
    # "android" starts with "and" but is part of a field name, not the keyword.
    node = parse_condition('event.text contains "android"')
    assert isinstance(node, ast.TextMatch)


@pytest.mark.parametrize(("text", "offset", "fragment"), [
    ("signal.mentions_1h >", 20, "the end of the condition"),
    ("signal.mentions_1h = 3", 19, "use ==, !=, and, or"),
    ("mentions > 3", 0, "needs its namespace"),
    ("event.kind == 'a' and", 21, "the end of the condition"),
    ("(event.kind == 'a'", 18, "the end"),
    ("event.kind == 'a' && event.reach > 1", 18, "use ==, !=, and, or"),
    ("event.kind == 'a' event.reach > 1", 18, "'event.reach'"),
    ("", 0, "empty condition"),
    ("event.reach > 5x", 15, "unexpected"),
])
def test_syntax_errors_point_at_the_column(text: str, offset: int, fragment: str) -> None:
    with pytest.raises(ConditionSyntaxError) as info:
        parse_condition(text)
    assert info.value.offset == offset
    assert fragment in info.value.message


def test_python_is_never_evaluated() -> None:
    for hostile in ["__import__('os').system('true')", "event.kind == exec('1')",
                    "event.kind == (lambda: 1)()", "event.kind == 1 + 1"]:
        with pytest.raises(ConditionSyntaxError):
            parse_condition(hostile)
    # A dunder is just an unknown field name: it parses, and the type check rejects it.
    from drills.rulebook.typecheck import check

    findings = check(parse_condition("event.__class__ == 1"), ("normal", "crisis"))
    assert findings and "unknown field event.__class__" in findings[0][1]
