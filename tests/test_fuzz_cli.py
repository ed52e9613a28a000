"""A seeded mutation fuzz of what users bring to the CLI: actions files, drill logs (score,
report, replay, actions) and YAML inputs made hostile (deep nesting, non-finite and huge
numbers, lone surrogates).

Every mutant must end in a documented exit code with no traceback: 0 or 2 (a user's mistake),
and for replay 1 (the replay differs from the log). A traceback is exit 1 with an exception,
which reads as a failed threshold in CI. The budgets keep each test to a few seconds; the
seeds keep the mutants the same on every run.
"""

from __future__ import annotations

import copy
import json
import math
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from drills.cli.main import cli
from tests.test_fuzz_inputs import NASTY, mutate

ROOT = Path(__file__).resolve().parent.parent
ACTIONS_MUTANTS = 60
ACTIONS_RUNS = 6  # mutants that lint clean and are run as a drill
LOG_MUTANTS = 40
YAML_MUTANTS = 24  # per file kind


def _nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


#: What the fuzz of issue 22 found breaking things, and relatives.
HOSTILE: list[Any] = [
    *NASTY, math.nan, math.inf, -math.inf, 10**400, -(10**400), "x\ud800", "\udfff",
    "\ud83d\ude00", "9" * 400 + "m", _nested(200), _nested(60), {"a": _nested(100)},
    "é" * 10_000,
]


def _invoke(args: list[str]) -> Result:
    return CliRunner().invoke(cli, args)


def _assert_clean(result: Result, allowed: tuple[int, ...], what: str) -> None:
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not crashed and "Traceback" not in result.output, \
        f"{what} crashed: {result.exception!r}\n{result.output[-2000:]}"
    assert result.exit_code in allowed, f"{what}: exit {result.exit_code}\n{result.output}"


def hostile_mutate(document: Any, rng: random.Random) -> Any:
    """``mutate`` with hostile values in place of some of its edits."""
    mutant = mutate(document, rng)
    if rng.random() < 0.5:
        paths: list[tuple[Any, ...]] = []
        stack: list[tuple[Any, tuple[Any, ...]]] = [(mutant, ())]
        while stack:
            value, path = stack.pop()
            if path:
                paths.append(path)
            if isinstance(value, dict):
                stack.extend((v, (*path, k)) for k, v in value.items())
            elif isinstance(value, list):
                stack.extend((v, (*path, i)) for i, v in enumerate(value))
        if paths:
            path = rng.choice(sorted(paths, key=str))
            parent = mutant
            for part in path[:-1]:
                parent = parent[part]
            parent[path[-1]] = copy.deepcopy(rng.choice(HOSTILE))
    return mutant


def _yaml_text(value: Any) -> str:
    """YAML for a mutant; a lone surrogate is written as its escape (``\\ud800``)."""
    return yaml.safe_dump(value, allow_unicode=False, sort_keys=False, width=100)


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- actions files ----------------------------------------------------------------------

BASE_ACTIONS: dict[str, Any] = {
    "humans": {"comms_lead": "Ana"},
    "actions": [
        {"at": 30, "member": "Ana", "role": "comms_lead", "action": "notify"},
        {"at": "45m", "member": "Ana", "action": "holding_statement",
         "channels": ["x", "facebook"], "text": "We are looking into it."},
        {"at": "1.5h", "member": "Ana", "action": "reply", "event": "e3", "text": "Sorry!"},
    ],
}


def test_mutated_actions_files_lint_and_run_to_0_or_2(tmp_path: Path) -> None:
    rng = random.Random("fuzz:actions")
    path = tmp_path / "actions.yaml"
    runs = 0
    for n in range(ACTIONS_MUTANTS):
        path.write_text(_yaml_text(hostile_mutate(BASE_ACTIONS, rng)), encoding="utf-8")
        linted = _invoke(["lint", str(path)])
        _assert_clean(linted, (0, 2), f"lint of actions mutant {n}")
        if linted.exit_code == 0 and runs < ACTIONS_RUNS:
            runs += 1
            ran = _invoke(["run", "--actions", str(path), "--hours", "2", "--seed", str(n),
                           "--no-store"])
            _assert_clean(ran, (0, 2), f"run --actions of mutant {n}")
    assert runs >= 3  # some mutants survived lint and were run as drills


# -- drill logs -------------------------------------------------------------------------

def _live_log(folder: Path) -> list[str]:
    actions = folder / "base-actions.yaml"
    actions.write_text(_yaml_text(BASE_ACTIONS), encoding="utf-8")
    log = folder / "live.jsonl"
    result = _invoke(["run", "--actions", str(actions), "--hours", "2", "--seed", "4",
                      "--no-store", "--log-feed", "sample", "--log", str(log)])
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:  # the base file must stay valid as the product changes
        pytest.fail(f"the base actions file no longer runs: {result.output}")
    return log.read_text(encoding="utf-8").splitlines()


def _log_mutant(lines: list[str], rng: random.Random) -> list[str]:
    """One edit a hand or a disk could make: a record moved, dropped, or a value changed."""
    mutant = list(lines)
    index = rng.randrange(len(mutant))
    roll = rng.random()
    if roll < 0.2:
        mutant.insert(rng.randrange(len(mutant)), mutant.pop(index))
    elif roll < 0.3:
        del mutant[index]
    elif roll < 0.35:
        mutant[index] = mutant[index][: rng.randrange(len(mutant[index]) + 1)]
    else:
        record = json.loads(mutant[index])
        changed = hostile_mutate(record, rng)
        mutant[index] = json.dumps(changed, ensure_ascii=True) if isinstance(changed, dict) \
            else json.dumps({"type": changed}, ensure_ascii=True)
    return mutant


LOG_COMMANDS: dict[str, tuple[Callable[[str, Path], list[str]], tuple[int, ...]]] = {
    "score": (lambda log, _out: ["score", log], (0, 2)),
    "report": (lambda log, out: ["report", log, "-o", str(out / "r.html")], (0, 2)),
    "replay": (lambda log, _out: ["replay", log, "--no-store"], (0, 1, 2)),
    "actions": (lambda log, _out: ["actions", log], (0, 2)),
}


def test_mutated_logs_score_report_and_replay_to_documented_codes(tmp_path: Path) -> None:
    rng = random.Random("fuzz:log-cli")
    sources = [(ROOT / "tests" / "data" / "logs" / name).read_text(encoding="utf-8-sig")
               .splitlines() for name in ("tabletop.jsonl", "misconduct.jsonl")]
    sources = [[x for x in s if x.strip() and not x.startswith("#")] for s in sources]
    sources.append(_live_log(tmp_path))
    outcomes: dict[int, int] = {}
    for n in range(LOG_MUTANTS):
        source = sources[n % len(sources)]
        log = tmp_path / f"mutant-{n}.jsonl"
        log.write_text("\n".join(_log_mutant(source, rng)) + "\n", encoding="utf-8")
        command = rng.choice(sorted(LOG_COMMANDS)) if source is sources[-1] else \
            rng.choice(["score", "report"])
        args, allowed = LOG_COMMANDS[command]
        result = _invoke(args(str(log), tmp_path))
        _assert_clean(result, allowed, f"{command} of log mutant {n}")
        outcomes[result.exit_code] = outcomes.get(result.exit_code, 0) + 1
    assert outcomes.get(0, 0) > 5 and outcomes.get(2, 0) > 5, outcomes


# -- YAML inputs ------------------------------------------------------------------------

YAML_FILES = [("rulebook", "rules/default.yaml"), ("scenario", "scenarios/viral-complaint.yaml"),
              ("team", "scenarios/teams/standard.yaml")]


@pytest.mark.parametrize(("kind", "source"), YAML_FILES, ids=[k for k, _s in YAML_FILES])
def test_hostile_yaml_inputs_lint_to_0_or_2(tmp_path: Path, kind: str, source: str) -> None:
    original = yaml.safe_load((ROOT / source).read_text(encoding="utf-8"))
    rng = random.Random(f"fuzz:hostile:{kind}")
    path = tmp_path / f"{kind}.yaml"
    refused = 0
    for n in range(YAML_MUTANTS):
        path.write_text(_yaml_text(hostile_mutate(original, rng)), encoding="utf-8")
        result = _invoke(["lint", str(path)])
        _assert_clean(result, (0, 2), f"lint of {kind} mutant {n}")
        refused += result.exit_code == 2
    assert refused > YAML_MUTANTS // 3


def _block_scalars(text: str, lines: list[str]) -> list[tuple[int, int]]:
    """(line, column) of every scalar that is the last thing on its line in a block mapping,
    where a hostile value can take its place."""
    found = []
    stack = [yaml.compose(text, Loader=yaml.SafeLoader)]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for _key, value in node.value:
                end = value.end_mark
                if isinstance(value, yaml.ScalarNode) and value.style is None and \
                        value.start_mark.line == end.line and \
                        not lines[end.line][end.column:].strip() and not node.flow_style:
                    found.append((value.start_mark.line, value.start_mark.column))
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return sorted(found)


@pytest.mark.parametrize("hostile", [
    "[" * 300 + "]" * 300, "{a: " * 300 + "1" + "}" * 300, ".nan", "-.inf", "9" * 400,
    '"x\\ud800"', '"\\udfff"',
], ids=["deep-list", "deep-map", "nan", "-inf", "huge-int", "surrogate", "low-surrogate"])
@pytest.mark.parametrize(("kind", "source"), YAML_FILES, ids=[k for k, _s in YAML_FILES])
def test_each_hostile_value_at_a_random_key_is_one_positioned_error(
        tmp_path: Path, kind: str, source: str, hostile: str) -> None:
    text = (ROOT / source).read_text(encoding="utf-8")
    rng = random.Random(f"fuzz:at:{kind}:{hostile[:8]}")
    lines = text.splitlines()
    line, col = rng.choice(_block_scalars(text, lines))
    lines[line] = lines[line][:col] + hostile
    path = tmp_path / f"{kind}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _invoke(["lint", str(path)])
    _assert_clean(result, (2,), f"{kind} with {hostile[:12]} at line {line + 1}")
    assert f"{path}:{line + 1}:" in result.output, result.output


@pytest.mark.parametrize("hostile", [".nan", "-.inf", "1.0e+999", '"x\\ud800"',
                                     "[" * 200 + "]" * 200, "9" * 400],
                         ids=["nan", "-inf", "overflow", "surrogate", "deep", "huge-int"])
def test_hostile_values_in_a_rule_test_file_are_exit_2_at_their_line(
        tmp_path: Path, hostile: str) -> None:
    text = (ROOT / "rules" / "tests" / "default.yaml").read_text(encoding="utf-8")
    text = text.replace("rulebook: ../default.yaml", "rulebook: default")
    assert _invoke(["test", "default", _write(tmp_path / "ok.yaml", text)]).exit_code == 0
    target = "negative_share: 0.1}"
    line = text[: text.index(target)].count("\n") + 1
    path = _write(tmp_path / "tests.yaml", text.replace(target, f"negative_share: {hostile}}}",
                                                        1))
    result = _invoke(["test", "default", path])
    _assert_clean(result, (2,), f"rule test with {hostile}")  # never an engine error (3)
    assert f"{path}:{line}:" in result.output, result.output
