"""The CLI as a user meets it: help with examples, versions, listings, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from drills import __version__
from drills.cli.main import cli


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        found.append(path)
        if isinstance(command, click.Group):
            found.extend(_commands(command, path))
    return found


ALL_COMMANDS = _commands(cli)


def test_there_are_commands() -> None:
    assert {("list",), ("lint",), ("rules", "show"), ("bench",)} <= set(ALL_COMMANDS)


@pytest.mark.parametrize("path", [(), *ALL_COMMANDS], ids=lambda p: " ".join(p) or "drill")
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output, f"drill {' '.join(path)} --help has no example"
    example = result.output.split("Example:", 1)[1]
    assert f"drill {' '.join(path)}".strip() in example


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"drill, version {__version__}"


def test_list_shows_builtins_one_line_each() -> None:
    result = CliRunner().invoke(cli, ["list", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    names = {(r["kind"], r["name"]) for r in rows}
    assert {("rulebook", "default"), ("rulebook", "strict")} <= names
    assert all(r["title"] for r in rows)
    table = CliRunner().invoke(cli, ["list"])
    assert "rulebook  default" in table.output


def test_rules_show_table_and_json() -> None:
    result = CliRunner().invoke(cli, ["rules", "show", "default"])
    assert result.exit_code == 0
    assert "press-inquiry" in result.output and "route by spokesperson within 30m" in result.output
    rows = json.loads(CliRunner().invoke(cli, ["rules", "show", "strict", "--json"]).output)
    press = next(r for r in rows if r["id"] == "press-inquiry")
    assert press["trigger"] == "event"
    # --json is data: structured fields, durations in minutes, no display strings.
    assert press["require"][0] == {"action": "route", "role": "spokesperson", "within": 15.0,
                                   "every": None, "approve": [], "channels": None,
                                   "template": None, "weight": 1.0}
    crisis = next(r for r in rows if r["id"] == "crisis-threshold")
    assert crisis["escalate"] == "crisis" and "->" not in json.dumps(rows)
    listed = json.loads(CliRunner().invoke(cli, ["list", "--json"]).output)
    assert all(not row["title"].endswith("...") for row in listed)
    assert any(len(row["title"]) > 90 for row in listed)


def test_rules_show_unknown_name_suggests() -> None:
    result = CliRunner().invoke(cli, ["rules", "show", "defualt"])
    assert result.exit_code == 2
    assert "unknown rulebook 'defualt' (did you mean 'default'?)" in result.output
    assert "Traceback" not in result.output


def test_rules_show_broken_file_is_positioned(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("rulebook: x\nversion: 1\nroles: {a: {}}\nseverity: [normal]\nrules: []\n")
    result = CliRunner().invoke(cli, ["rules", "show", str(path)])
    assert result.exit_code == 2
    assert f"{path}:4:11: needs at least 2 items" in result.output


def test_a_typo_in_a_flag_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["rules", "show", "default", "--jsn"])
    assert result.exit_code == 2
    assert "No such option '--jsn'. Did you mean '--json'?" in result.output


def test_lint_needs_a_path() -> None:
    result = CliRunner().invoke(cli, ["lint"])
    assert result.exit_code == 2
    assert "Missing argument 'PATHS...'" in result.output


def test_bench_reports_every_figure_the_issues_ask_for() -> None:
    """A quick run (small workloads): the figures exist and are positive; timings are not
    asserted (``drill bench`` without --quick is the measurement)."""
    result = CliRunner().invoke(cli, ["bench", "--quick", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output[result.output.index("{"):])
    keys = ["rules.adapter_events_per_s", "rules.raw_events_per_s",
            "rules.rss_growth_mb_10k_drills", "feed.events_per_s", "feed.jsonl_lines_per_s",
            "feed.peak_rss_mb_1m_events", "drill.pipeline_events_per_s",
            "drill.drills_per_min_1proc", "drill.drills_per_min_2proc",
            "drill.rss_growth_mb_2k_drills", "baseline.simpy_events_per_s",
            "baseline.durable_posts_per_s"]
    for key in keys:
        assert isinstance(figures[key], (int, float)), key
        if not key.endswith("growth_mb_10k_drills") and not key.endswith("2k_drills"):
            assert figures[key] > 0, key
    assert figures["quick"] is True
