"""``drill compare OLD NEW``: the same drills under two rulebooks, compared pair by pair.

Each metric gets the mean paired difference (new - old), its 95% t-interval, and a verdict
from one decision rule (``decision.py``): worse, better, equivalent or inconclusive, against
a practical margin, Holm-corrected across the primary metrics. The rulebook-independent
metrics lead; score deltas are relative to each rulebook's own protocol.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from drills.validate.cache import DrillCache, drill_key
from drills.validate.decision import UNITS, VERDICTS, Summary, decide, interval, rule_text
from drills.validate.decision import margins as chosen_margins
from drills.validate.executor import Executor, batched
from drills.validate.metrics import INDEPENDENT, METRICS, drill_metrics
from drills.validate.sweep import Job, loaded


def compare_job(job: Job) -> dict[str, Any]:
    """One drill's metrics (runs in a worker process)."""
    from drills.drive.batch import simulate
    from drills.score.score import score_log

    scenario, rulebook, team = loaded(job.scenario, job.rulebook, job.team)
    records, _summary = simulate(scenario, rulebook, team, seed=job.seed, start=job.start,
                                 log_feed="none")
    return drill_metrics(records, score_log(records, rulebook, trusted=True))


Progress = Callable[[int], None]
#: Jobs looked up in the cache at a time: memory is flat in the number of seeds.
CHUNK = 2048


@dataclass
class Counts:
    """How many drills a run took from the cache, and how many it ran (and cached)."""

    cached: int = 0
    ran: int = 0


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a comparison, with what had finished by then."""

    def __init__(self, counts: Counts, kept: bool) -> None:
        super().__init__()
        self.counts = counts
        self.kept = kept

    def message(self) -> str:
        ran = self.counts.ran
        if not ran:
            done = "no drill had finished, so none was cached"
        elif self.kept:
            done = (f"{ran:,} drill{'s' * (ran != 1)} finished and "
                    f"{'were' if ran != 1 else 'was'} kept in the cache; run the same "
                    "command again to go on")
        else:
            done = f"{ran:,} drill{'s' * (ran != 1)} finished; nothing is kept (--no-cache)"
        return f"interrupted: {done}"


def run_cached(todo: Iterable[Job], cache: DrillCache, executor: Executor[Job],
               progress: Progress | None = None,
               counts: Counts | None = None) -> Iterator[dict[str, Any]]:
    """Every job's metrics, in order: from the cache, or run (and cached as each finishes,
    so an interrupted comparison keeps what it finished). Jobs are taken a chunk at a time."""
    counts = counts if counts is not None else Counts()
    for chunk in batched(todo, CHUNK):
        keys = [drill_key("compare", j.scenario, j.rulebook, j.team, j.seed, j.start)
                for j in chunk]
        results: list[dict[str, Any] | None] = [cache.get(key) for key in keys]
        missing = [i for i, hit in enumerate(results) if hit is None]
        counts.cached += len(chunk) - len(missing)
        if progress is not None and len(chunk) > len(missing):
            progress(len(chunk) - len(missing))
        done = executor.map(compare_job, [chunk[i] for i in missing])
        for i, fresh in zip(missing, done, strict=True):
            cache.put(keys[i], fresh)
            results[i] = fresh
            counts.ran += 1
            if progress is not None:
                progress(1)
        for result in results:
            if result is None:  # pragma: no cover - every missing job was run above
                raise RuntimeError("a drill result went missing")
            yield result


class Tally:
    """The comparison, added to pair by pair: sums and spreads only, so a million seeds
    take no more memory than ten."""

    def __init__(self) -> None:
        self.deltas = {name: Summary() for name in METRICS}
        self.old = dict.fromkeys(METRICS, 0.0)
        self.new = dict.fromkeys(METRICS, 0.0)
        self.pairs = 0
        self.rules: dict[str, dict[str, int]] = defaultdict(lambda: {"old": 0, "new": 0})
        self.load: dict[str, dict[str, float]] = defaultdict(lambda: {"old": 0.0, "new": 0.0})
        self.groups: dict[str, dict[str, dict[str, float]]] = {
            "by_scenario": defaultdict(lambda: dict.fromkeys(INDEPENDENT, 0.0)),
            "by_team": defaultdict(lambda: dict.fromkeys(INDEPENDENT, 0.0))}
        self.sizes: dict[str, dict[str, int]] = {"by_scenario": defaultdict(int),
                                                 "by_team": defaultdict(int)}
        self.run: dict[str, Any] = {"seeds": 0, "scenarios": {}, "teams": {}, "start": None}

    def add(self, job: Job, old: dict[str, Any], new: dict[str, Any]) -> None:
        self.pairs += 1
        for name in METRICS:
            a, b = float(old["metrics"][name]), float(new["metrics"][name])
            self.old[name] += a
            self.new[name] += b
            self.deltas[name].add(b - a)
        for side, result in (("old", old), ("new", new)):
            for rule, count in result["firings"].items():
                self.rules[rule][side] += count
            for role, count in result["load"].items():
                self.load[role][side] += count
        for key, group in (("by_scenario", _name(job.scenario)), ("by_team", _name(job.team))):
            self.sizes[key][group] += 1
            sums = self.groups[key][group]
            for name in INDEPENDENT:
                sums[name] += new["metrics"][name] - old["metrics"][name]
        run = self.run
        run["seeds"] = max(run["seeds"], job.seed)
        run["scenarios"].setdefault(_name(job.scenario))
        run["teams"].setdefault(_name(job.team))
        run["start"] = run["start"] or job.start

    def document(self, primary: tuple[str, ...] = INDEPENDENT,
                 margins: dict[str, str] | None = None) -> dict[str, Any]:
        """The comparison document: a verdict for every metric, from the declared
        ``primary`` metrics and practical ``margins``."""
        from drills.team.clock import format_start

        if not self.pairs:
            raise ValueError("a comparison needs at least one pair of drills")
        n = self.pairs
        old_means = {name: self.old[name] / n for name in METRICS}
        metrics: dict[str, Any] = {}
        for name, (independent, higher_is_worse) in METRICS.items():
            low, high = interval(self.deltas[name])
            metrics[name] = {"old": round(old_means[name], 4),
                             "new": round(self.new[name] / n, 4),
                             "delta": round(self.deltas[name].mean, 4),
                             "ci": [round(low, 4), round(high, 4)],
                             "unit": UNITS[name], "independent": independent,
                             "higher_is_worse": higher_is_worse}
        for name, verdict in decide(self.deltas, old_means, primary,
                                    chosen_margins(margins)).items():
            metrics[name].update(verdict, worse=verdict["verdict"] == "worse")
        rules = self.rules
        return {
            "pairs": n,
            "primary": list(primary),
            "verdict": {v: [m for m in primary if metrics[m]["verdict"] == v]
                        for v in VERDICTS},
            "decision_rule": rule_text(primary),
            "run": {"seeds": self.run["seeds"], "scenarios": list(self.run["scenarios"]),
                    "teams": list(self.run["teams"]),
                    "start": format_start(self.run["start"] or 0.0)},
            "metrics": metrics,
            "rules": dict(sorted(rules.items())),
            "only_old": sorted(r for r, v in rules.items() if v["old"] and not v["new"]),
            "only_new": sorted(r for r, v in rules.items() if v["new"] and not v["old"]),
            "alert_load_by_role": {r: {k: round(v / n, 2) for k, v in d.items()}
                                   for r, d in sorted(self.load.items())},
            **{key: {group: {m: round(total / self.sizes[key][group], 4)
                             for m, total in sums.items()}
                     for group, sums in sorted(self.groups[key].items())}
               for key in ("by_scenario", "by_team")},
        }


def _name(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0]


def compare_results(pairs: Iterable[tuple[Job, dict[str, Any], dict[str, Any]]],
                    primary: tuple[str, ...] = INDEPENDENT,
                    margins: dict[str, str] | None = None) -> dict[str, Any]:
    """The comparison document from (job, old result, new result) pairs."""
    tally = Tally()
    for job, old, new in pairs:
        tally.add(job, old, new)
    return tally.document(primary, margins)


def compare_jobs(old_jobs: Sequence[Job], new_rulebook: str, cache: DrillCache,
                 workers: int, progress: Progress | None = None,
                 scheduler: str | None = None, primary: tuple[str, ...] = INDEPENDENT,
                 margins: dict[str, str] | None = None) -> dict[str, Any]:
    """Each job under its own rulebook and under ``new_rulebook``, pair by pair, streamed:
    ``progress(n)`` is told of every n drills done (from the cache or run). Ctrl-C raises
    :class:`Interrupted` saying how many drills finished."""
    def both() -> Iterator[Job]:
        for job in old_jobs:
            yield job
            yield replace(job, rulebook=new_rulebook)

    tally = Tally()
    counts = Counts()
    try:
        with Executor[Job](workers, scheduler) as executor:
            results = run_cached(both(), cache, executor, progress, counts)
            for job, old, new in zip(old_jobs, results, results, strict=False):
                tally.add(job, old, new)
    except KeyboardInterrupt as stop:
        raise Interrupted(counts, cache.path is not None) from stop
    return tally.document(primary, margins)
