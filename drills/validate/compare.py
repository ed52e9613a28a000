"""``drill compare OLD NEW``: the same drills under two rulebooks, compared pair by pair.

Each metric gets the mean paired difference (new - old), a 95% bootstrap confidence
interval and a Wilcoxon signed-rank p-value (SciPy). NEW is *worse* on a metric when the
interval lies wholly on the bad side. The rulebook-independent metrics lead; score deltas
are relative to each rulebook's own protocol.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any

from drills.validate.cache import DrillCache, drill_key
from drills.validate.metrics import INDEPENDENT, METRICS, drill_metrics
from drills.validate.sweep import Job, loaded, run_iter

#: Bootstrap resamples and its seed: the same intervals on every run.
RESAMPLES = 2000
BOOTSTRAP_SEED = 20261124


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


def _stats(deltas: list[float], higher_is_worse: bool) -> dict[str, Any]:
    import numpy as np
    from scipy import stats

    values = np.asarray(deltas, dtype=float)
    mean = float(values.mean())
    if np.all(values == values[0]):  # no spread: the interval is the value itself
        low = high = float(values[0])
        p = 1.0 if values[0] == 0 else 0.0
    else:
        boot = stats.bootstrap((values,), np.mean, confidence_level=0.95,
                               n_resamples=RESAMPLES, method="percentile",
                               random_state=np.random.default_rng(BOOTSTRAP_SEED))
        low = float(boot.confidence_interval.low)
        high = float(boot.confidence_interval.high)
        p = float(stats.wilcoxon(values, zero_method="zsplit").pvalue) \
            if np.any(values != 0) else 1.0
    worse = low > 0 if higher_is_worse else high < 0
    return {"delta": round(mean, 4), "ci": [round(low, 4), round(high, 4)],
            "p": round(p, 6), "worse": bool(worse)}


def compare_results(pairs: list[tuple[Job, dict[str, Any], dict[str, Any]]]
                    ) -> dict[str, Any]:
    """The comparison document from (job, old result, new result) pairs."""
    metrics: dict[str, Any] = {}
    for name, (independent, higher_is_worse) in METRICS.items():
        old = [float(o["metrics"][name]) for _j, o, _n in pairs]
        new = [float(n["metrics"][name]) for _j, _o, n in pairs]
        deltas = [b - a for a, b in zip(old, new, strict=True)]
        metrics[name] = {"old": round(sum(old) / len(old), 4),
                         "new": round(sum(new) / len(new), 4),
                         **_stats(deltas, higher_is_worse),
                         "independent": independent,
                         "higher_is_worse": higher_is_worse}
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
        "metrics": metrics,
        "rules": dict(sorted(rules.items())),
        "only_old": sorted(r for r, v in rules.items() if v["old"] and not v["new"]),
        "only_new": sorted(r for r, v in rules.items() if v["new"] and not v["old"]),
        "alert_load_by_role": {r: {k: round(v, 2) for k, v in d.items()}
                               for r, d in sorted(load.items())},
        "by_scenario": _groups(pairs, lambda j: j.scenario),
        "by_team": _groups(pairs, lambda j: j.team),
    }


def _groups(pairs: list[tuple[Job, dict[str, Any], dict[str, Any]]], key: Any
            ) -> dict[str, dict[str, float]]:
    """Mean paired difference of each rulebook-independent metric, per group."""
    import os

    groups: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = defaultdict(list)
    for job, old, new in pairs:
        groups[os.path.splitext(os.path.basename(key(job)))[0]].append((old, new))
    return {name: {m: round(sum(n["metrics"][m] - o["metrics"][m] for o, n in members)
                            / len(members), 4) for m in INDEPENDENT}
            for name, members in sorted(groups.items())}


def compare_jobs(old_jobs: list[Job], new_rulebook: str, cache: DrillCache,
                 workers: int, progress: Progress | None = None,
                 scheduler: str | None = None) -> dict[str, Any]:
    """``progress(n)`` is told of every n drills done (from the cache or run)."""
    new_jobs = [replace(j, rulebook=new_rulebook) for j in old_jobs]
    old_list = list(run_cached(old_jobs, cache, workers, progress, scheduler))
    new_list = list(run_cached(new_jobs, cache, workers, progress, scheduler))
    return compare_results(list(zip(old_jobs, old_list, new_list, strict=True)))


def worse_metrics(document: dict[str, Any], names: Iterable[str]) -> list[str]:
    return [n for n in names if document["metrics"][n]["worse"]]
