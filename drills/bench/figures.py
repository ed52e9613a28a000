"""``drill bench``: speed and memory figures against the project's targets.

Figures are measured, never asserted in tests (tests check correctness). Keys are stable:
``rules.*`` (the engine), ``feed.*`` (the generator), ``drill.*`` and ``baseline.*``.
"""

from __future__ import annotations

import functools
import gc
import itertools
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Generator, Iterator
from typing import Any

import psutil

from drills.engine.durable_engine import engine_for, raw_throughput
from drills.feed.crisis import Crisis
from drills.feed.render import jsonl_lines
from drills.feed.scenario_load import load_scenario
from drills.inputs.builtins import resolve
from drills.rulebook.load import load_rulebook

Progress = Callable[[str], None]
#: Throughput figures are the best of this many runs: the machine's noise only slows runs.
REPEATS = 3


def best_of(measure: Callable[[], float], repeats: int = REPEATS) -> float:
    return max(measure() for _ in range(repeats))

#: Targets from the issues, shown beside each figure: (key, comparison, target).
TARGETS: dict[str, tuple[str, float]] = {
    "rules.adapter_vs_raw": (">=", 0.8),
    "rules.rss_growth_mb_10k_drills": ("<", 20),
    "feed.events_per_s": (">=", 200_000),
    "feed.jsonl_lines_per_s": (">=", 80_000),
    "feed.peak_rss_mb_1m_events": ("<", 200),
    "drill.pipeline_events_per_s": (">=", 100_000),
    "drill.drills_per_min_2proc": (">=", 1_000),
    "drill.speedup_2proc": (">=", 1.8),
    "drill.rss_growth_mb_2k_drills": ("<", 20),
    "drill.peak_rss_mb_1m_events": ("<", 300),
    "compare.drills_per_min": (">=", 3_200),
    "compare.speedup_2workers": (">=", 1.8),
    "compare.projected_s_3200_drills_2_idle_cores": ("<", 60),
    "serve.p95_action_ms": ("<", 150),
    "serve.actions_lost": ("<", 1),
}

# The default rulebook's event rules, written by hand in durable-rules JSON: the baseline.
RAW_DEFAULT_EVENT_RULES: dict[str, Any] = {
    "influencer": {"all": [{"m": {"$and": [
        {"msg": "event"}, {"$gte": {"event__author__followers": 100000}},
        {"$lte": {"event__sentiment": -0.3}}]}}]},
    "press": {"all": [{"m": {"$and": [{"msg": "event"}, {"event__kind": "press_inquiry"}]}}]},
    "regulator": {"all": [{"m": {"$and": [{"msg": "event"},
                                          {"event__kind": "regulator_inquiry"}]}}]},
    "misinformation": {"all": [{"m": {"$and": [{"msg": "event"},
                                               {"event__kind": "misinformation"},
                                               {"$gte": {"event__reach": 5000}}]}}]},
    "leak": {"all": [{"m": {"$and": [{"msg": "event"}, {"event__kind": "employee_leak"}]}}]},
}


def _rss_mb() -> float:
    return float(psutil.Process().memory_info().rss) / 2**20


def synthetic_events(n: int, seed: int = 1) -> list[dict[str, Any]]:
    """Events shaped like the feed's, for engine benchmarks that need no scenario."""
    rng = random.Random(seed)
    kinds = ["mention"] * 80 + ["reply"] * 12 + ["reshare"] * 5 + ["press_inquiry",
             "misinformation", "influencer_post"]
    return [{
        "id": f"e{i}", "t": i * 0.1, "kind": rng.choice(kinds), "platform": "x",
        "author": {"handle": f"u{rng.randrange(5000)}", "followers": int(rng.paretovariate(1.2)
                                                                          * 200),
                   "verified": rng.random() < 0.02},
        "text": "My kettle melted", "sentiment": rng.uniform(-1, 1), "arousal": rng.random(),
        "reach": int(rng.paretovariate(1.1) * 300), "lang": "en",
    } for i in range(n)]


def bench_rules(quick: bool, progress: Progress) -> dict[str, float]:
    book = load_rulebook(resolve("rulebook", "default"))
    engine = engine_for(book)
    events = synthetic_events(5_000 if quick else 50_000)
    drill_state = {"severity": 0, "cluster": "accidental", "elapsed": 0}
    per_drill = 1_000

    def through_adapter() -> float:
        start = time.perf_counter()
        for offset in range(0, len(events), per_drill):
            with engine.session() as session:
                for event in events[offset:offset + per_drill]:
                    session.on_event(event, None, drill_state, event["t"])
        return len(events) / (time.perf_counter() - start)

    progress("rules: adapter events/s (every event posted, as in the raw baseline)")
    guards = engine.event_guards
    engine.event_guards = None  # the comparison with raw posts every event
    try:
        adapter = best_of(through_adapter)
    finally:
        engine.event_guards = guards
    progress("rules: adapter events/s with its guards (what a drill sees)")
    guarded = best_of(through_adapter)

    progress("rules: raw durable-rules events/s")
    messages = []
    for i, event in enumerate(events):
        message = {"msg": "event", "event__kind": event["kind"],
                   "event__author__followers": event["author"]["followers"],
                   "event__sentiment": event["sentiment"], "event__reach": event["reach"],
                   "sid": str(i // per_drill), "id": i}
        messages.append(message)
    raw = best_of(lambda: raw_throughput(RAW_DEFAULT_EVENT_RULES, messages,
                                         clock=time.perf_counter))

    drills = 300 if quick else 10_000
    progress(f"rules: RSS growth over {drills:,} drills")
    small = synthetic_events(8, seed=2)
    signal = {"mentions_1h": 50, "negative_share": 0.5, "mentions_15m": 20, "velocity": 3}

    def run(n: int) -> None:
        for _ in range(n):
            with engine.session() as session:
                for event in small:
                    session.on_event(event, signal, drill_state, event["t"])
                session.on_state(signal, drill_state, 5.0)

    run(500)
    gc.collect()
    before = _rss_mb()
    run(drills)
    gc.collect()
    growth = _rss_mb() - before
    return {
        "rules.adapter_events_per_s": round(adapter),
        "rules.adapter_guarded_events_per_s": round(guarded),
        "rules.raw_events_per_s": round(raw),
        "rules.adapter_vs_raw": round(adapter / raw, 3),
        "rules.rss_growth_mb_10k_drills": round(growth * (10_000 / drills), 2),
    }


def _feed_of(n: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    """The first ``n`` events of a scaled-up kettle crisis (uncontested)."""
    scenario = load_scenario(resolve("scenario", "overheating-kettle"))
    # 60x the scenario's rates gives ~78k events a day; scale so that n arrive well inside it.
    crisis = Crisis(scenario, seed, rate_scale=60 * max(1.0, n / 60_000))
    return itertools.islice(iter(crisis.feed), n)


_PEAK_RSS_CHILD = """
import resource, sys
from drills.bench.figures import _feed_of
n = 0
for _ in _feed_of(int(sys.argv[1])):
    n += 1
print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def bench_feed(quick: bool, progress: Progress) -> dict[str, float]:
    n = 10_000 if quick else 100_000
    progress(f"feed: events/s for a crisis of {n:,} events")
    _feed_of(1000)  # warm the name pools (made once per process)

    def generate() -> float:
        start = time.perf_counter()
        count = sum(1 for _ in _feed_of(n))
        return count / (time.perf_counter() - start)

    events_per_s = best_of(generate)

    progress(f"feed: drill feed --format jsonl to a file, {n:,} lines")

    def write_jsonl() -> float:
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "feed.jsonl")
            start = time.perf_counter()
            with open(path, "w", encoding="utf-8") as handle:
                handle.writelines(jsonl_lines(_feed_of(n)))
            return n / (time.perf_counter() - start)

    lines_per_s = best_of(write_jsonl)

    big = 30_000 if quick else 1_000_000
    progress(f"feed: peak RSS generating {big:,} events (in a fresh process)")
    result = subprocess.run([sys.executable, "-c", _PEAK_RSS_CHILD, str(big)], check=True,
                            capture_output=True, text=True)
    produced, max_rss_kb = (int(x) for x in result.stdout.split())
    assert produced == big, f"generated {produced} events, expected {big}"
    return {
        "feed.events_per_s": round(events_per_s),
        "feed.jsonl_lines_per_s": round(lines_per_s),
        "feed.peak_rss_mb_1m_events": round(max_rss_kb / 1024, 1),
    }


def _default_drill(seed: int) -> float:
    """One default drill as ``drill run`` does it (records kept, scored); returns the score."""
    from drills.drive.batch import simulate
    from drills.score.score import score_log

    scenario, rulebook, team = _defaults()
    records, _summary = simulate(scenario, rulebook, team, seed=seed, start=0.0)
    return float(score_log(records, rulebook)["score"])


@functools.cache
def _defaults() -> tuple[Any, Any, Any]:
    from drills.team.load import load_team

    return (load_scenario(resolve("scenario", "overheating-kettle")),
            load_rulebook(resolve("rulebook", "default")), load_team(resolve("team", "standard")))


def _drills_worker(args: tuple[int, int]) -> float:
    """Run ``n`` drills after a warm-up; return the seconds the n took."""
    first, n = args
    _default_drill(10_000_000 + first)
    start = time.perf_counter()
    for seed in range(first, first + n):
        _default_drill(seed)
    return time.perf_counter() - start


_DRILL_PEAK_RSS_CHILD = """
import os, resource, sys, tempfile
from drills.bench.figures import _defaults
from drills.score.score import LogScorer
from drills.log.records import TeeSink, TextSink
from drills.drive.batch import ScoringSink
from drills.sim.world import DrillConfig, World
target = int(sys.argv[1])
scenario, rulebook, team = _defaults()
scorer = LogScorer(rulebook)
with tempfile.TemporaryDirectory() as folder:
    with open(os.path.join(folder, "drill.jsonl"), "w", encoding="utf-8") as handle:
        config = DrillConfig(scenario, rulebook, team, 1, 0.0, "full",
                             rate_scale=60 * target / 43_000)  # ~target events
        summary = World(config, TeeSink(ScoringSink(scorer), TextSink(handle))).run()
    document = scorer.document()
print(summary.events, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def bench_drill(quick: bool, progress: Progress) -> dict[str, float]:
    from drills.log.records import TextSink
    from drills.sim.world import DrillConfig, World

    scenario, rulebook, team = _defaults()
    target = 10_000 if quick else 100_000
    progress(f"drill: pipeline events/s for a crisis of ~{target:,} events, log to a file")
    scale = 60 * target / 78_000
    events = 0

    def pipeline_run() -> float:
        nonlocal events
        with tempfile.TemporaryDirectory() as folder, \
                open(os.path.join(folder, "drill.jsonl"), "w", encoding="utf-8") as sink_file:
            config = DrillConfig(scenario, rulebook, team, 1, 0.0, "full", rate_scale=scale)
            start = time.perf_counter()
            summary = World(config, TextSink(sink_file)).run()
            events = summary.events
            return summary.events / (time.perf_counter() - start)

    pipeline = best_of(pipeline_run, 2)

    n = 10 if quick else 300
    progress(f"drill: default drills per minute, 1 process ({n} drills)")
    one = n / _drills_worker((0, n)) * 60
    progress(f"drill: default drills per minute, 2 processes ({n} drills each)")
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    # Each worker warms up before timing itself; the slower worker's own time is the
    # figure, which leaves process start-up and imports out.
    with context.Pool(2) as pool:
        took = pool.map(_drills_worker, [(300_000, n), (400_000, n)])
    two = 2 * n / max(took) * 60

    drills = 50 if quick else 2_000
    progress(f"drill: RSS growth over {drills:,} default drills in one process")
    for seed in range(50):
        _default_drill(500_000 + seed)
    gc.collect()
    before = _rss_mb()
    for seed in range(drills):
        _default_drill(600_000 + seed)
    gc.collect()
    growth = _rss_mb() - before

    big = 30_000 if quick else 1_000_000
    progress(f"drill: peak RSS of a drill of ~{big:,} events, logged and scored as it streams "
             "(in a fresh process)")
    result = subprocess.run([sys.executable, "-c", _DRILL_PEAK_RSS_CHILD, str(big)],
                            check=True, capture_output=True, text=True)
    big_events, max_rss_kb = (int(x) for x in result.stdout.split())
    return {
        "drill.peak_rss_mb_1m_events": round(max_rss_kb / 1024, 1),
        "drill.peak_rss_events": big_events,
        "drill.pipeline_events_per_s": round(pipeline),
        "drill.pipeline_events": events,
        "drill.drills_per_min_1proc": round(one),
        "drill.drills_per_min_2proc": round(two),
        "drill.speedup_2proc": round(two / one, 2),
        "drill.rss_growth_mb_2k_drills": round(growth * (2_000 / drills), 2),
    }


def bench_baselines(quick: bool, progress: Progress) -> dict[str, float]:
    import simpy

    progress("baseline: bare SimPy timeouts/s and bare durable-rules posts/s")
    n = 100_000 if quick else 1_000_000
    env = simpy.Environment()

    def ticker(env: simpy.Environment) -> Generator[simpy.Event, Any, None]:
        for _ in range(n):
            yield env.timeout(1)

    env.process(ticker(env))
    start = time.perf_counter()
    env.run()
    simpy_rate = n / (time.perf_counter() - start)
    posts = 20_000 if quick else 100_000
    rules = {"press": {"all": [{"m": {"kind": "press_inquiry"}}]},
             "big": {"all": [{"m": {"$gte": {"followers": 100000}}}]}}
    messages = [{"sid": "b", "id": i, "kind": "press_inquiry" if i % 2 else "mention",
                 "followers": 200000 if i % 3 == 0 else 10} for i in range(posts)]
    durable_rate = raw_throughput(rules, messages, clock=time.perf_counter, as_facts=False)
    return {"baseline.simpy_events_per_s": round(simpy_rate),
            "baseline.durable_posts_per_s": round(durable_rate)}


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished worker processes."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _timed_compare(seeds: int, workers: int = 1,
                   scheduler: str | None = None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds here and in local workers, drills) of ``drill compare
    default strict --scenarios all --teams all`` without a cache."""
    from drills.api import compare_rulebooks

    start, cpu = time.perf_counter(), _cpu_seconds()
    document = compare_rulebooks("default", "strict", scenarios="all", teams="all",
                                 seeds=seeds, workers=workers, cache=None, scheduler=scheduler)
    return time.perf_counter() - start, _cpu_seconds() - cpu, 2 * int(document["pairs"])


def bench_compare(quick: bool, progress: Progress) -> dict[str, float]:
    """``drill compare default strict --scenarios all --teams all`` without a cache: one
    worker, then two (process start-up included). CPU a drill is what the machine spent,
    whatever else ran on it: on a shared machine it is the steadier figure."""
    seeds = 1 if quick else 10
    progress(f"compare: default vs strict, all scenarios x all teams x {seeds} seed(s), "
             "1 worker")
    one, one_cpu, drills = _timed_compare(seeds, 1)
    progress("compare: the same with 2 workers (process start-up included)")
    two, two_cpu, _drills = _timed_compare(seeds, 2)
    return {"compare.drills": drills,
            "compare.drills_per_min": round(drills / two * 60),
            "compare.speedup_2workers": round(one / two, 2),
            "compare.cpu_ms_per_drill_1worker": round(one_cpu / drills * 1000, 1),
            "compare.cpu_ms_per_drill_2workers": round(two_cpu / drills * 1000, 1),
            "compare.projected_s_3200_drills_2_idle_cores": round(3200 * one_cpu / drills / 2,
                                                                  1)}


def bench_dask(quick: bool, progress: Progress) -> dict[str, float]:
    """The same comparison on a loopback Dask cluster of 2 single-thread worker processes
    (started first, not timed) against 2 local workers, measured one after the other."""
    import distributed

    seeds = 1 if quick else 10
    progress("dask: a loopback LocalCluster, 2 workers x 1 thread (start-up not timed)")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1",
                                  dashboard_address=None) as cluster:  # type: ignore[no-untyped-call]
        progress(f"dask: compare, {seeds} seed(s), on the cluster")
        remote, _cpu, drills = _timed_compare(seeds, scheduler=cluster.scheduler_address)
    progress("dask: the same with 2 local workers")
    local, _cpu, _drills = _timed_compare(seeds, 2)
    return {"compare.dask_drills_per_min": round(drills / remote * 60),
            "compare.dask_vs_local_2workers": round(local / remote, 2)}


def bench_live(quick: bool, progress: Progress) -> dict[str, float]:
    """What one-second steps cost: a default 24 h drill with a (no-show) person in it, run as
    ``drill run --human`` and ``drill replay`` do, against the same drill all simulated."""
    from drills.drive.live import LiveDrill
    from drills.drive.recorded import play_inputs
    from drills.log.records import NullSink
    from drills.sim.world import DrillConfig, World

    scenario, rulebook, team = _defaults()
    hours = 6 if quick else 24
    progress(f"live: a {hours} h drill with a person in it (one-second steps) vs simulated")

    def simulated() -> float:
        start = time.perf_counter()
        World(DrillConfig(scenario, rulebook, team, 1, 0.0, duration=hours * 60.0),
              NullSink()).run()
        return time.perf_counter() - start

    def stepped() -> float:
        start = time.perf_counter()
        config = DrillConfig(scenario, rulebook, team, 1, 0.0, duration=hours * 60.0,
                             humans={"comms_lead": "no-show"})
        play_inputs(LiveDrill(config), [])
        return time.perf_counter() - start

    plain, live = best_of(simulated), best_of(stepped)
    return {f"live.stepped_drill_s_{hours}h": round(live, 2),
            "live.step_overhead_x": round(live / plain, 2)}


def bench_serve(quick: bool, progress: Progress) -> dict[str, float]:
    from drills.bench.serve_load import serve_benchmark

    progress("serve: 30 participants in a 2 h drill at speed 120 on loopback (about a minute)"
             if not quick else "serve: 30 participants, a 15-minute drill at speed 120")
    return serve_benchmark(quick)


SECTIONS: list[Callable[[bool, Progress], dict[str, float]]] = [
    bench_rules, bench_feed, bench_drill, bench_live, bench_serve, bench_compare, bench_dask,
    bench_baselines]


#: Modules that come only with an extra (``pip install 'crisis-drills[EXTRA]'``).
OPTIONAL_MODULES = {"httpx": "dev", "distributed": "cluster", "dask": "cluster",
                    "playwright": "dev", "hypothesis": "dev"}


def run_benchmarks(quick: bool = False, progress: Progress = lambda _s: None) -> dict[str, Any]:
    """Every section's figures; a section that needs a missing extra is skipped, named under
    ``skipped`` with the extra to install, and the others still run."""
    figures: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    for section in SECTIONS:
        try:
            figures.update(section(quick, progress))
        except ImportError as exc:
            module = (exc.name or "").partition(".")[0]
            if module not in OPTIONAL_MODULES:
                raise
            name = section.__name__.removeprefix("bench_")
            skipped[name] = (f"needs {module} (pip install "
                             f"'crisis-drills[{OPTIONAL_MODULES[module]}]')")
            progress(f"{name}: skipped, {skipped[name]}")
    if skipped:
        figures["skipped"] = skipped
    figures["quick"] = quick
    return figures


def render_table(figures: dict[str, Any]) -> str:
    from tabulate import tabulate

    rows = []
    for key, value in figures.items():
        if key in ("quick", "skipped"):
            continue
        target = TARGETS.get(key)
        verdict = ""
        if target is not None:
            op, bound = target
            ok = value >= bound if op == ">=" else value < bound
            verdict = f"{op} {bound:g}  {'ok' if ok else 'MISSED'}"
        rows.append([key, f"{value:,}" if isinstance(value, (int, float)) else value, verdict])
    note = "\n(quick run: smaller workloads, not a measurement)" if figures.get("quick") else ""
    for name, why in (figures.get("skipped") or {}).items():
        note += f"\n{name}: skipped, {why}"
    return tabulate(rows, headers=["figure", "value", "target"], tablefmt="simple") + note
