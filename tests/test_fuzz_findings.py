"""Regression tests for what a fuzz of every input kind found (issue 22): deep nesting,
non-finite numbers, lone surrogates and oversized files are one line and exit 2, never a
traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from drills.cli.main import cli
from drills.errors import InputError
from drills.inputs import yamldoc
from drills.inputs.yamldoc import parse_yaml

ROOT = Path(__file__).resolve().parent.parent


def _drill(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _exit_2_no_traceback(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    return result.output


# -- YAML: deep nesting, non-finite numbers, surrogates, size ------------------------------

def test_deeply_nested_yaml_is_one_positioned_error(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("actions: " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    result = _drill("lint", str(deep))
    err = _exit_2_no_traceback(result)
    assert f"{deep}:1:{9 + yamldoc.MAX_DEPTH}: nested more than 64 levels deep" in err


def test_nesting_up_to_the_cap_still_parses() -> None:
    depth = yamldoc.MAX_DEPTH - 1  # the mapping itself is one level
    doc = parse_yaml("a: " + "[" * depth + "1" + "]" * depth, "ok.yaml")
    value = doc.value["a"]
    for _ in range(depth - 1):
        value = value[0]
    assert value == [1]


@pytest.mark.parametrize("number", [".nan", ".NaN", ".inf", "-.inf", ".Inf"])
def test_an_actions_file_with_a_non_finite_time_is_refused(tmp_path: Path, number: str) -> None:
    path = tmp_path / "actions.yaml"
    path.write_text("actions:\n  - {at: " + number + ", member: Ana, role: comms_lead, "
                    "action: notify}\n", encoding="utf-8")
    for args in (["lint", str(path)],
                 ["run", "--actions", str(path), "--hours", "1", "--seed", "1", "--no-store"]):
        err = _exit_2_no_traceback(_drill(*args))
        assert f"{path}:2:10: '{number}' is not a finite number" in err


@pytest.mark.parametrize("at", ['"' + "9" * 400 + 'm"', "1000000", "44641"])
def test_an_actions_time_past_the_longest_drill_is_refused_with_the_range(
        tmp_path: Path, at: str) -> None:
    path = tmp_path / "actions.yaml"
    path.write_text("actions:\n  - {at: " + at + ", member: Ana, role: comms_lead, "
                    "action: notify}\n", encoding="utf-8")
    err = _exit_2_no_traceback(_drill("lint", str(path)))
    assert f"{path}:2:10: " in err
    assert "is too long" in err or "from 0 to 744h (44640 minutes)" in err


def test_a_number_too_large_for_a_float_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "actions.yaml"
    path.write_text("actions:\n  - {at: " + "9" * 400 + ", member: Ana, action: notify}\n",
                    encoding="utf-8")
    err = _exit_2_no_traceback(_drill("lint", str(path)))
    assert f"{path}:2:10: '99999999999999999999'... is too large a number" in err


@pytest.mark.parametrize(("source", "before", "value"), [
    ("scenarios/overheating-kettle.yaml", "crowd: {size: ", "6000"),
    ("scenarios/overheating-kettle.yaml", "sigma: ", "2.0"),
    ("scenarios/teams/standard.yaml", "skip_approval: ", "0.05"),
    ("rules/default.yaml", "late_credit: ", "0.5"),
])
def test_non_finite_numbers_in_scenarios_teams_and_rulebooks_are_refused(
        tmp_path: Path, source: str, before: str, value: str) -> None:
    text = (ROOT / source).read_text(encoding="utf-8")
    at = text.index(before + value) + len(before)
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    path = tmp_path / Path(source).name
    for number in (".nan", "-.inf"):
        path.write_text(text[:at] + number + text[at + len(value):], encoding="utf-8")
        out = _exit_2_no_traceback(_drill("lint", str(path)))
        assert f"{path}:{line}:{col}: '{number}' is not a finite number" in out, out


def test_a_lone_surrogate_in_yaml_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        parse_yaml('actions:\n  - {at: 1m, member: "x\\ud800", action: notify}\n', "s.yaml")
    assert str(caught.value).startswith("s.yaml:2:22: a lone surrogate (\\ud800) is not text")
    pair = parse_yaml('name: "\\ud83d\\ude00"\n', "ok.yaml")  # a pair is one character
    assert pair.value == {"name": "\U0001f600"}


def test_a_huge_yaml_file_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    row = "  - {at: 1m, member: Ana, action: notify}\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("actions:\n")
        handle.write(row * (yamldoc.MAX_BYTES // len(row) + 1))
    err = _exit_2_no_traceback(_drill("lint", str(path)))
    assert f"{path}:1:1: the file is too large" in err
    assert f"at most {yamldoc.MAX_BYTES:,})" in err


def test_a_yaml_text_with_too_many_nodes_is_refused_from_its_events(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamldoc, "MAX_NODES", 1_000)
    built: list[int] = []
    monkeypatch.setattr(yamldoc._Builder, "build", lambda *args: built.append(1))
    with pytest.raises(InputError, match="document too large \\(over 1,000 nodes"):
        parse_yaml("a: [" + "1," * 2_001 + "1]", "many.yaml")
    assert not built  # refused from the events, before any node was built
    parse_yaml("a: [" + "1," * 900 + "1]", "fine.yaml")
    assert built


def test_deep_nesting_the_prescan_could_not_see_is_still_one_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamldoc, "MAX_DEPTH", 10_000)  # as if libyaml had stopped early
    with pytest.raises(InputError, match="nested more than 10000 levels deep"):
        parse_yaml("a: " + "[" * 5_000 + "]" * 5_000, "deep.yaml")
