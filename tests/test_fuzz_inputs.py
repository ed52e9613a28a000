"""A seeded mutation fuzz over every kind of user file and the drill log.

Every mutant must end in diagnostics or a clear error (``DrillError``), never another
exception: a traceback is exit 1, which reads as a failed threshold. Mutants that still load
are run as a short drill, so what validation lets through cannot crash the simulation. The
budget keeps this to seconds; the seed keeps it the same on every run.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from drills.drive.batch import run_scored, simulate
from drills.errors import DrillError
from drills.feed.scenario_load import check_scenario_text, load_scenario
from drills.log.files import read_log_lines
from drills.rulebook.load import check_rulebook_text, load_rulebook
from drills.score.report import render_report
from drills.score.score import check_log, score_log
from drills.team.load import check_team_text, load_team

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = 150  # per file; each file kind has several files
LOG_MUTANTS = 600

#: Values that broke loaders or the scorer before, and their relatives.
NASTY: list[Any] = [
    None, True, False, 0, -1, 1e999, -1e-300, 10**30, 0.5, "", "x", "01e999.3", "1e5", "nan",
    "10", "10m", "-5m", "0h", "1000000/h", "mon-fri 25:00-26:00", "sat,sun", "{brand}",
    "{__class__}", "drill.severity >= 2", "event.kind ==", "a" * 500, [], [1, "a"], {},
    {"a": {"b": None}}, "ö", "\u0000", "<script>alert(1)</script>",
]


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _nodes(child, (*path, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += _nodes(child, (*path, i))
    return found


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


def mutate(document: Any, rng: random.Random) -> Any:
    """One to three random edits: replace a value, drop or rename a key, duplicate an item."""
    mutant = copy.deepcopy(document)
    for _ in range(rng.randint(1, 3)):
        paths = [p for p in _nodes(mutant) if p]
        if not paths:
            return rng.choice(NASTY)
        path = rng.choice(paths)
        parent = _get(mutant, path[:-1])
        key = path[-1]
        roll = rng.random()
        if roll < 0.6:
            parent[key] = copy.deepcopy(rng.choice(NASTY))
        elif roll < 0.75 and isinstance(parent, dict):
            del parent[key]
        elif roll < 0.85 and isinstance(parent, dict):
            parent[f"{key}x"] = parent.pop(key)
        elif isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        else:
            parent[key] = str(parent[key])
    return mutant


def _yaml_files() -> list[tuple[str, Path]]:
    files = [("rulebook", p) for p in sorted((ROOT / "rules").glob("*.yaml"))]
    files += [("scenario", p) for p in sorted((ROOT / "scenarios").glob("*.yaml"))][:4]
    files += [("team", p) for p in sorted((ROOT / "scenarios" / "teams").glob("*.yaml"))]
    return files


CHECK = {"rulebook": check_rulebook_text, "scenario": check_scenario_text,
         "team": check_team_text}
DEFAULTS: dict[str, Any] = {}


def _defaults() -> dict[str, Any]:
    if not DEFAULTS:
        DEFAULTS.update(
            rulebook=load_rulebook(str(ROOT / "rules" / "default.yaml")),
            scenario=load_scenario(str(ROOT / "scenarios" / "viral-complaint.yaml")),
            team=load_team(str(ROOT / "scenarios" / "teams" / "standard.yaml")))
    return DEFAULTS


@pytest.mark.parametrize(("kind", "path"), _yaml_files(),
                         ids=lambda v: v.name if isinstance(v, Path) else v)
def test_mutated_files_give_diagnostics_never_a_crash(kind: str, path: Path) -> None:
    original = yaml.safe_load(path.read_text(encoding="utf-8"))
    rng = random.Random(f"fuzz:{path.name}")
    loaded = 0
    for n in range(MUTANTS):
        mutant = mutate(original, rng)
        text = yaml.safe_dump(mutant, allow_unicode=True, sort_keys=False)
        try:
            checked = CHECK[kind](text, f"mutant-{n}.yaml")
        except DrillError:
            continue
        except Exception as exc:  # pragma: no cover - the failure this test exists for
            pytest.fail(f"{path.name} mutant {n} crashed the loader: {exc!r}\n{text}")
        if checked.value is None:
            assert checked.errors, f"mutant {n} neither loaded nor said why"
            continue
        loaded += 1
        if loaded % 3:
            continue  # a drill for every third survivor keeps the budget
        inputs = {**_defaults(), kind: checked.value}
        try:
            run_scored(inputs["scenario"], inputs["rulebook"], inputs["team"], seed=n,
                       start=540.0, log_feed="none", hours=2)
        except DrillError:
            continue
        except Exception as exc:  # pragma: no cover
            pytest.fail(f"{path.name} mutant {n} loaded but crashed a drill: {exc!r}\n{text}")


def _log_sources() -> list[list[dict[str, Any]]]:
    logs = []
    for path in sorted((ROOT / "tests" / "data" / "logs").glob("*.jsonl")):
        logs.append([record for _line, record in read_log_lines(str(path))])
    defaults = _defaults()
    records, _summary = simulate(defaults["scenario"], defaults["rulebook"],
                                 defaults["team"], seed=3, start=540.0, log_feed="sample")
    logs.append(records)
    return logs


def test_mutated_logs_are_scored_or_refused_never_a_crash() -> None:
    rulebook = _defaults()["rulebook"]
    rng = random.Random("fuzz:logs")
    sources = _log_sources()
    refused = scored = 0
    for n in range(LOG_MUTANTS):
        source = rng.choice(sources)
        index = rng.randrange(len(source))
        mutant = list(source)
        if rng.random() < 0.1:
            del mutant[index]
        else:
            mutant[index] = mutate(source[index], rng)
        mutant = [r if isinstance(r, dict) else {"type": r} for r in mutant]
        try:
            check_log(mutant, f"mutant-{n}.jsonl")
            render_report(score_log(mutant, rulebook, f"mutant-{n}.jsonl"))  # as drill score
            scored += 1
        except DrillError as exc:
            assert str(exc).startswith(f"mutant-{n}.jsonl"), str(exc)
            refused += 1
        except Exception as exc:  # pragma: no cover
            pytest.fail(f"log mutant {n} crashed the scorer: {exc!r}\n"
                        f"{json.dumps(mutant[index], default=str)[:500]}")
    assert refused > 50 and scored > 50  # both outcomes were exercised
