"""Property-based: any condition string and any YAML document either compiles or gets a
positioned error - never another exception."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drills.engine.compile import compile_rulebook
from drills.errors import ConditionSyntaxError
from drills.rulebook.grammar import parse_condition
from drills.rulebook.load import check_rulebook_text
from drills.rulebook.typecheck import check

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = (ROOT / "rules" / "default.yaml").read_text(encoding="utf-8")
TOKENS = ["event.kind", "signal.mentions_1h", "drill.severity", "event.text", "==", "!=", "<",
          ">=", "and", "or", "not", "(", ")", "[", "]", ",", "in", "contains", "matches",
          "exists", "'x'", '"crisis"', "3", "-2.5", "15m", "true", "false", "event.nope", "=",
          "&&", "\\", "'unterminated", "é", "event.author.followers", "\n"]


def _outcome(text: str) -> str:
    try:
        node = parse_condition(text)
    except ConditionSyntaxError as exc:
        assert 0 <= exc.offset <= len(text), (text, exc.offset)
        assert exc.message
        return "syntax"
    for offset, message in check(node, ("normal", "watch", "crisis")):
        assert 0 <= offset <= len(text) and message
    return "ok"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=12).map(" ".join))
def test_token_soup_parses_or_fails_with_a_position(text: str) -> None:
    _outcome(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_text_parses_or_fails_with_a_position(text: str) -> None:
    _outcome(text)


def _check_document(text: str) -> None:
    checked = check_rulebook_text(text, "fuzz.yaml")
    lines = text.count("\n") + 2
    for diag in checked.diagnostics:
        assert diag.path == "fuzz.yaml"
        assert 1 <= diag.line <= lines, diag
        assert diag.col >= 1 and diag.message
    if checked.value is not None:
        compile_rulebook(checked.value)  # a valid rulebook always compiles


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False, width=16)
    | st.sampled_from(["x", "15m", "normal", "signal.mentions_1h > 3", "{issue}", "a"]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["rulebook", "version", "roles", "severity", "rules",
                                       "id", "when", "require", "action", "role", "within",
                                       "backup", "forbid", "templates", "scoring", "weights",
                                       "escalate", "calm", "for", "zzz"]), children,
                      max_size=5),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_values)
def test_random_yaml_documents_never_crash_the_loader(value: object) -> None:
    _check_document(yaml.safe_dump(value, allow_unicode=True))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(DEFAULT) - 1), st.integers(0, 40), st.text(max_size=6))
def test_mutated_default_rulebook_never_crashes_the_loader(at: int, cut: int, insert: str) -> None:
    _check_document(DEFAULT[:at] + insert + DEFAULT[at + cut:])
