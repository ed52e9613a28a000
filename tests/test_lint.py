"""A corpus of broken rulebooks, each with its expected message, line and column.

Each file in tests/data/lint/ states its expectation in a first-line comment
``# expect: LINE:COL: message fragment``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from drills.cli.main import cli
from drills.inputs.lint import lint_file
from drills.rulebook.load import check_rulebook_file

CORPUS = Path(__file__).parent / "data" / "lint"
SCENARIO_CORPUS = Path(__file__).parent / "data" / "scenario-lint"
EXPECT = re.compile(r"^# expect: (\d+):(\d+): (.+)$")


def _expectation(path: Path) -> tuple[int, int, str] | None:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace")
    match = EXPECT.match(first)
    return (int(match[1]), int(match[2]), match[3]) if match else None


EXPECTED = sorted(p for folder in (CORPUS, SCENARIO_CORPUS) for p in folder.glob("*.yaml")
                  if _expectation(p))


def test_the_corpus_is_large() -> None:
    assert sum(p.parent == CORPUS for p in EXPECTED) >= 20
    assert sum(p.parent == SCENARIO_CORPUS for p in EXPECTED) >= 12


@pytest.mark.parametrize("path", EXPECTED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_broken_rulebook_reports_the_exact_position(path: Path) -> None:
    line, col, fragment = _expectation(path)  # type: ignore[misc]
    diagnostics = [d for d in lint_file(str(path)) if d.severity == "error"]
    assert diagnostics, f"{path.name}: no error reported"
    matching = [d for d in diagnostics if fragment in d.message]
    assert matching, f"{path.name}: no message contains {fragment!r}: {diagnostics}"
    assert (matching[0].line, matching[0].col) == (line, col), str(matching[0])


@pytest.mark.parametrize(("name", "message"), [
    ("empty.yaml", "the file is empty"),
    ("comments-only.yaml", "the file is empty"),
    ("binary.yaml", "binary file, expected UTF-8 YAML text"),
])
def test_unreadable_files_get_a_clear_message(name: str, message: str) -> None:
    diagnostics = lint_file(str(CORPUS / name))
    assert [d.message for d in diagnostics] == [message]


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert lint_file(str(tmp_path / "nope.yaml"))[0].message == "no such file"
    assert "directory" in lint_file(str(tmp_path))[0].message


def test_all_errors_of_a_file_in_one_run(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text(
        "rulebook: x\nversion: 1\nroles: {a: {}}\nseverity: [normal, watch]\nrules:\n"
        "  - id: r\n    when: signal.mentionz > 1\n    escalate: wach\n"
        "    require: [{action: notify, role: zed, within: 5m}]\n",
        encoding="utf-8",
    )
    messages = [d.message for d in check_rulebook_file(str(path)).errors]
    assert any("unknown field signal.mentionz" in m for m in messages)
    assert any("unknown severity 'wach'" in m for m in messages)
    assert any("undefined role 'zed'" in m for m in messages)


def test_warnings_and_strict(tmp_path: Path) -> None:
    path = tmp_path / "warn.yaml"
    path.write_text(
        "rulebook: x\nversion: 1\nroles: {a: {}, idle: {}}\nseverity: [normal, watch, crisis]\n"
        "rules:\n"
        "  - {id: one, when: 'signal.mentions_1h > 1', escalate: watch,\n"
        "     require: [{action: notify, role: a, within: 5m}]}\n"
        "  - {id: two, when: 'signal.mentions_1h > 1'}\n",
        encoding="utf-8",
    )
    warnings = [d.message for d in check_rulebook_file(str(path)).warnings]
    assert "no rule escalates to severity 'crisis'" in warnings
    assert any("role 'a' has deadlines but no backup" in w for w in warnings)
    assert any("role 'idle' is defined but no rule gives it work" in w for w in warnings)
    assert any("same condition as 'one'" in w for w in warnings)
    runner = CliRunner()
    assert runner.invoke(cli, ["lint", str(path)]).exit_code == 0
    strict = runner.invoke(cli, ["lint", "--strict", str(path)])
    assert strict.exit_code == 2
    assert f"{path}:" in strict.output


def test_lint_cli_exit_codes_and_output() -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["lint", "default", "strict", "overheating-kettle"])
    assert ok.exit_code == 0, ok.output
    assert "3 file(s) checked: 0 error(s), 0 warning(s)" in ok.output
    bad = runner.invoke(cli, ["lint", str(CORPUS)])
    assert bad.exit_code == 2
    assert "Traceback" not in bad.output
    assert f"{CORPUS / 'unknown-field.yaml'}:8:39: unknown field" in bad.output


def test_every_builtin_lints_clean(root: Path) -> None:
    result = CliRunner().invoke(cli, ["lint", "--strict", str(root / "rules"),
                                      str(root / "scenarios")])
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output


def test_a_file_of_unknown_kind(tmp_path: Path) -> None:
    path = tmp_path / "what.yaml"
    path.write_text("name: something\n")
    diagnostics = lint_file(str(path))
    assert "cannot tell what this file is" in diagnostics[0].message


def test_a_file_of_the_wrong_kind_gets_one_clear_error(root: Path) -> None:
    result = CliRunner().invoke(cli, ["rules", "show", str(root / "scenarios" /
                                                          "overheating-kettle.yaml")])
    assert result.exit_code == 2
    assert result.output.strip().endswith(
        "this is a scenario file, not a rulebook (it has a 'scenario:' key)")
    assert result.output.count("\n") == 1
    team = CliRunner().invoke(cli, ["run", "--seed", "1", "--team",
                                    str(root / "rules" / "default.yaml")])
    assert team.exit_code == 2 and "this is a rulebook file, not a team" in team.output


def test_static_analysis_finds_conditions_that_cannot_hold(tmp_path: Path) -> None:
    from drills.cli.main import cli

    root = Path(__file__).resolve().parent.parent
    text = (root / "rules" / "default.yaml").read_text()
    changed = text.replace(
        "when: signal.mentions_1h >= 15 and signal.negative_share >= 0.3",
        "when: signal.mentions_1h >= 100 and signal.mentions_1h < 50").replace(
        "when: signal.mentions_1h >= 40 and signal.negative_share >= 0.4",
        "when: signal.mentions_1h >= 10 and signal.negative_share >= 0.4\n"
        "      and (signal.velocity > 3 and signal.velocity <= 3 or signal.press_1h >= 1)")
    assert changed.count("mentions_1h >= 100") == 1 and "velocity <= 3" in changed
    path = tmp_path / "odd.yaml"
    path.write_text(changed)
    result = CliRunner().invoke(cli, ["lint", str(path)])
    assert result.exit_code == 0, result.output  # warnings: the rulebook is valid
    out = result.stdout
    assert (f"{path}:51:11: warning: rule 'watch-negative-chatter' can never fire: no value "
            "of signal.mentions_1h satisfies") in out
    assert "warning: a branch can never be true: no value of signal.velocity" in out
    assert (f"{path}:59:11: warning: thresholds inverted between levels: 'negative-spike' "
            "escalates to issue at signal.mentions_1h >= 10, below 'watch-negative-chatter' "
            "(watch) at >= 100") in out
    strict = CliRunner().invoke(cli, ["lint", "--strict", str(path)])
    assert strict.exit_code == 2
    clean = CliRunner().invoke(cli, ["lint", str(root / "rules")])
    assert "warning" not in clean.stdout
