"""``drill test`` uses the drill's own escalation step (issue 17): severity, episodes,
``once: per_episode``, de-escalation and calm behave in a rule test as in a drill."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from drills.cli.main import cli
from drills.rulebook.load import load_rulebook
from drills.validate.cases import load_rule_tests
from drills.validate.runner import run_test

EPISODES_RULEBOOK = """\
rulebook: episodes
version: 1
roles:
  community_manager: {}
severity: [normal, watch, issue]
rules:
  - id: spike
    when: signal.mentions_1h >= 40
    escalate: 2
    once: per_episode
    require:
      - {action: acknowledge, role: community_manager, within: 15m}
  - id: quiet
    when: signal.mentions_1h < 5
    deescalate: 0
"""

EPISODES_TESTS = """\
rulebook: episodes.yaml
tests:
  - name: a spike after the crisis calmed is a new episode
    input:
      - {at: 0m, signal: {mentions_1h: 50}}
      - {at: 10m, signal: {mentions_1h: 1}}
      - {at: 20m, signal: {mentions_1h: 50}}
    expect:
      - {at: 0m, fires: spike}
      - {at: 10m, severity: normal}
      - {at: 20m, fires: spike}
      - {at: 20m, severity: issue}
      - {at: 20m, obligation: {action: acknowledge, role: community_manager, due: 35m}}
"""


def _episode_files(tmp_path: Path) -> tuple[Path, Path]:
    rulebook = tmp_path / "episodes.yaml"
    rulebook.write_text(EPISODES_RULEBOOK)
    tests = tmp_path / "episodes-tests.yaml"
    tests.write_text(EPISODES_TESTS)
    return rulebook, tests


def test_drill_test_fires_a_per_episode_rule_again_in_a_new_episode(tmp_path: Path) -> None:
    rulebook, tests = _episode_files(tmp_path)
    result = CliRunner().invoke(cli, ["test", str(rulebook), str(tests)])
    assert result.exit_code == 0, result.output
    assert "PASS" in result.stdout and "FAIL" not in result.stdout


def test_the_rule_test_runner_sees_both_spikes_and_the_episode_between(tmp_path: Path) -> None:
    rulebook_path, tests_path = _episode_files(tmp_path)
    rulebook = load_rulebook(str(rulebook_path))
    cases = load_rule_tests(str(tests_path))
    result = run_test(cases.tests[0], rulebook, cases.path)
    assert result.passed, result.failures


CALM_TESTS = """\
rulebook: default
tests:
  - name: calm held for its period ends the episode, as in a drill
    input:
      - {at: 0m, signal: {mentions_1h: 200, negative_share: 0.7}}
      - {at: 10m, signal: {mentions_1h: 10, negative_1h: 2}}
      - {at: 70m, signal: {mentions_1h: 10, negative_1h: 2}}
      - {at: 130m, signal: {mentions_1h: 10, negative_1h: 2}}
    expect:
      - {at: 0m, severity: crisis}
      - {at: 70m, severity: crisis}
      - {at: 130m, severity: normal}
"""


def test_calm_in_a_rule_test_comes_from_the_drills_escalation(tmp_path: Path) -> None:
    tests = tmp_path / "calm.yaml"
    tests.write_text(CALM_TESTS)
    result = CliRunner().invoke(cli, ["test", "default", str(tests)])
    assert result.exit_code == 0, result.output
