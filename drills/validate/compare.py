"""``drill compare OLD NEW``: the same drills under two rulebooks, compared pair by pair.

Each metric gets the mean paired difference (new - old), its 95% t-interval, and a verdict
from one decision rule (``decision.py``): worse, better, equivalent or inconclusive, against
a practical margin, Holm-corrected across the primary metrics. The rulebook-independent
metrics lead; score deltas are relative to each rulebook's own protocol.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from drills.validate.cache import DrillCache, drill_key
from drills.validate.metrics import INDEPENDENT, METRICS, drill_metrics
from drills.validate.sweep import Job, loaded, run_iter


def compare_job(job: Job) -> dict[str, Any]:
    """One drill's metrics (runs in a worker process)."""
    from drills.drive.batch import simulate
    from drills.score.score import score_log

    scenario, rulebook, team = loaded(job.scenario, job.rulebook, job.team)
    records, _summary = simulate(scenario, rulebook, team, seed=job.seed, start=job.start,
                                 log_feed="none")
    return drill_metrics(records, score_log(records, rulebook, trusted=True))


Progress = Callable[[int], None]


def run_cached(todo: list[Job], cache: DrillCache, workers: int,
               progress: Progress | None = None,
               scheduler: str | None = None) -> Iterator[dict[str, Any]]:
    """Every job's metrics, in order: from the cache, or run (and cached as each finishes,
    so an interrupted comparison keeps what it finished)."""
    keys = [drill_key("compare", j.scenario, j.rulebook, j.team, j.seed, j.start)
            for j in todo]
    results: dict[int, dict[str, Any]] = {}
    missing = []
    for i, key in enumerate(keys):
        hit = cache.get(key)
        if hit is None:
            missing.append(i)
        else:
            results[i] = hit
    if progress is not None:
        progress(len(todo) - len(missing))
    done = run_iter(compare_job, [todo[i] for i in missing], workers, scheduler)
    for i, result in zip(missing, done, strict=True):
        cache.put(keys[i], result)
        results[i] = result
        if progress is not None:
            progress(1)
    for i in range(len(todo)):
        yield results[i]


def compare_results(pairs: list[tuple[Job, dict[str, Any], dict[str, Any]]],
                    primary: tuple[str, ...] = INDEPENDENT,
                    margins: dict[str, str] | None = None) -> dict[str, Any]:
    """The comparison document from (job, old result, new result) pairs: a verdict for
    every metric, from the declared ``primary`` metrics and practical ``margins``."""
    from drills.validate.decision import UNITS, VERDICTS, decide, interval, rule_text
    from drills.validate.decision import margins as chosen_margins

    chosen = chosen_margins(margins)
    deltas: dict[str, list[float]] = {}
    old_means: dict[str, float] = {}
    metrics: dict[str, Any] = {}
    for name, (independent, higher_is_worse) in METRICS.items():
        old = [float(o["metrics"][name]) for _j, o, _n in pairs]
        new = [float(n["metrics"][name]) for _j, _o, n in pairs]
        deltas[name] = [b - a for a, b in zip(old, new, strict=True)]
        old_means[name] = sum(old) / len(old)
        low, high = interval(deltas[name])
        metrics[name] = {"old": round(old_means[name], 4),
                         "new": round(sum(new) / len(new), 4),
                         "delta": round(sum(deltas[name]) / len(pairs), 4),
                         "ci": [round(low, 4), round(high, 4)],
                         "unit": UNITS[name], "independent": independent,
                         "higher_is_worse": higher_is_worse}
    for name, verdict in decide(deltas, old_means, primary, chosen).items():
        metrics[name].update(verdict, worse=verdict["verdict"] == "worse")
    outcome = {v: [n for n in primary if metrics[n]["verdict"] == v] for v in VERDICTS}
    rules: dict[str, dict[str, int]] = defaultdict(lambda: {"old": 0, "new": 0})
    load: dict[str, dict[str, float]] = defaultdict(lambda: {"old": 0.0, "new": 0.0})
    for _job, old_result, new_result in pairs:
        for side, result in (("old", old_result), ("new", new_result)):
            for rule, count in result["firings"].items():
                rules[rule][side] += count
            for role, count in result["load"].items():
                load[role][side] += count / len(pairs)
    return {
        "pairs": len(pairs),
        "primary": list(primary),
        "verdict": outcome,
        "decision_rule": rule_text(primary),
        "run": _run(pairs),
        "metrics": metrics,
        "rules": dict(sorted(rules.items())),
        "only_old": sorted(r for r, v in rules.items() if v["old"] and not v["new"]),
        "only_new": sorted(r for r, v in rules.items() if v["new"] and not v["old"]),
        "alert_load_by_role": {r: {k: round(v, 2) for k, v in d.items()}
                               for r, d in sorted(load.items())},
        "by_scenario": _groups(pairs, lambda j: j.scenario),
        "by_team": _groups(pairs, lambda j: j.team),
    }


def _name(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0]


def _run(pairs: list[tuple[Job, dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """What ran: seeds, scenarios, teams and the start, for the report's metadata."""
    from drills.team.clock import format_start

    jobs = [job for job, _o, _n in pairs]
    return {"seeds": max((j.seed for j in jobs), default=0),
            "scenarios": list(dict.fromkeys(_name(j.scenario) for j in jobs)),
            "teams": list(dict.fromkeys(_name(j.team) for j in jobs)),
            "start": format_start(jobs[0].start) if jobs else None}


def _groups(pairs: list[tuple[Job, dict[str, Any], dict[str, Any]]], key: Any
            ) -> dict[str, dict[str, float]]:
    """Mean paired difference of each rulebook-independent metric, per group."""
    groups: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = defaultdict(list)
    for job, old, new in pairs:
        groups[_name(key(job))].append((old, new))
    return {name: {m: round(sum(n["metrics"][m] - o["metrics"][m] for o, n in members)
                            / len(members), 4) for m in INDEPENDENT}
            for name, members in sorted(groups.items())}


def compare_jobs(old_jobs: list[Job], new_rulebook: str, cache: DrillCache,
                 workers: int, progress: Progress | None = None,
                 scheduler: str | None = None, primary: tuple[str, ...] = INDEPENDENT,
                 margins: dict[str, str] | None = None) -> dict[str, Any]:
    """``progress(n)`` is told of every n drills done (from the cache or run)."""
    new_jobs = [replace(j, rulebook=new_rulebook) for j in old_jobs]
    old_list = list(run_cached(old_jobs, cache, workers, progress, scheduler))
    new_list = list(run_cached(new_jobs, cache, workers, progress, scheduler))
    return compare_results(list(zip(old_jobs, old_list, new_list, strict=True)), primary,
                           margins)
