"""``drill test``: unit tests for rules, run through the real engine adapter."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from drills.builtins import builtin_names
from drills.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "rules" / "tests"


@pytest.mark.parametrize("name", builtin_names("rulebook"))
def test_every_built_in_rulebook_ships_passing_tests(name: str) -> None:
    path = TESTS / f"{name}.yaml"
    assert path.is_file(), f"no rule tests for built-in rulebook {name}"
    result = CliRunner().invoke(cli, ["test", name, str(path)])
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.stdout and result.stdout.count("PASS") >= 4


def _broken(tmp_path: Path) -> Path:
    """default, but its crisis rule can never fire."""
    text = (ROOT / "rules" / "default.yaml").read_text()
    broken = text.replace("(signal.mentions_1h >= 150 and signal.negative_share >= 0.5)\n"
                          "      or signal.press_1h >= 2", "signal.mentions_1h < 0")
    assert broken != text
    path = tmp_path / "broken.yaml"
    path.write_text(broken)
    return path


def test_a_broken_rulebook_fails_with_expected_against_got(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["test", str(_broken(tmp_path)),
                                      str(TESTS / "default.yaml")])
    assert result.exit_code == 1
    assert f"FAIL  {TESTS / 'default.yaml'}:26  a real crisis demands" in result.stdout
    assert ("expected crisis-threshold to fire at 0m; got watch-negative-chatter, "
            "negative-spike at that time") in result.stdout
    assert "expected severity crisis at 0m; got issue" in result.stdout
    assert "PASS" in result.stdout  # the other tests still pass


def test_junit_xml_for_ci(tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    result = CliRunner().invoke(cli, ["test", str(_broken(tmp_path)),
                                      str(TESTS / "default.yaml"), "--junit", str(report)])
    assert result.exit_code == 1
    suite = ElementTree.parse(report).getroot()
    assert suite.tag == "testsuite" and suite.get("failures") == "1"
    assert int(suite.get("tests") or 0) == len(suite.findall("testcase"))
    failed = [c for c in suite.findall("testcase") if c.find("failure") is not None]
    assert len(failed) == 1 and "crisis-threshold" in (failed[0].find("failure").text or "")


def test_tests_run_through_the_engine_adapter(monkeypatch: pytest.MonkeyPatch) -> None:
    from drills.engine import durable_engine

    posted: list[dict] = []
    original = durable_engine.RulebookEngine.fire

    def counting(self, sid, msg_id, message):  # type: ignore[no-untyped-def]
        posted.append(message)
        return original(self, sid, msg_id, message)

    monkeypatch.setattr(durable_engine.RulebookEngine, "fire", counting)
    result = CliRunner().invoke(cli, ["test", "default", str(TESTS / "default.yaml")])
    assert result.exit_code == 0
    assert any(m.get("event__kind") == "press_inquiry" for m in posted)


@pytest.mark.parametrize(("body", "message"), [
    ("  - name: t\n    input: [{at: 0m, signal: {mentoins_1h: 5}}]\n"
     "    expect: [{never: press-inquiry}]\n", "unknown signal field 'mentoins_1h' (did you mean"),
    ("  - name: t\n    input: [{at: 5, signal: {mentions_1h: 5}}]\n"
     "    expect: [{never: press-inquiry}]\n", "a duration needs a unit, like 5m"),
    ("  - name: t\n    input: [{at: 0m, signal: {mentions_1h: 5}}]\n"
     "    expect: [{never: press-inqiury}]\n", "has no rule 'press-inqiury'"),
    ("  - name: t\n    input: [{at: 0m, signal: {mentions_1h: 5}}]\n"
     "    expect: [{fires: press-inquiry}]\n", "an expectation is 'at' with one of"),
    ("  - name: t\n    input: [{at: 0m, drill: {severity: orange}}]\n"
     "    expect: [{never: press-inquiry}]\n", "no severity 'orange'"),
])
def test_a_bad_test_file_is_path_line_and_exit_2(tmp_path: Path, body: str,
                                                 message: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("rulebook: default\ntests:\n" + body)
    result = CliRunner().invoke(cli, ["test", "default", str(path)])
    assert result.exit_code == 2, result.output
    assert message in result.output and f"{path}:" in result.output
    assert "Traceback" not in result.output
    lint = CliRunner().invoke(cli, ["lint", str(path)])
    if "has no rule" not in message and "no severity" not in message:
        assert lint.exit_code == 2 and message in lint.stdout
