"""Many drills at once for rulebook validation: the jobs, and one executor that runs them.

Every drill is determined by its inputs and seed, so results do not depend on the executor
or the number of workers. Inputs are loaded and compiled once per process.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from drills.errors import InputError
from drills.inputs.builtins import builtin_names, resolve

R = TypeVar("R")


@dataclass(frozen=True)
class Job:
    scenario: str  # paths, so a worker process finds the same files
    rulebook: str
    team: str
    seed: int
    start: float
    #: Parameters a sweep varies: (name, value) pairs applied after loading.
    overrides: tuple[tuple[str, str], ...] = ()


def names(kind: str, choice: str) -> list[str]:
    """``all`` or a comma-separated list of names or paths, resolved to paths."""
    if choice == "all":
        chosen = builtin_names(kind)
    else:
        chosen = [c.strip() for c in choice.split(",") if c.strip()]
    if not chosen:
        raise InputError(f"--{kind}s: name at least one {kind}, or 'all'")
    return [os.path.abspath(resolve(kind, c)) for c in chosen]


def jobs(rulebook: str, scenarios: str, teams: str, seeds: int, start: float) -> list[Job]:
    """Scenario x team x seed, in a fixed order."""
    if seeds < 1:
        raise InputError(f"--seeds must be at least 1, got {seeds}")
    book = os.path.abspath(resolve("rulebook", rulebook))
    return [Job(s, book, t, seed, start) for s in names("scenario", scenarios)
            for t in names("team", teams) for seed in range(1, seeds + 1)]


def loaded(job_scenario: str, job_rulebook: str, job_team: str) -> tuple[Any, Any, Any]:
    """The three inputs, loaded and checked once per process (again if a file changed)."""
    from drills.feed.scenario_load import load_scenario
    from drills.rulebook.load import load_rulebook
    from drills.team.load import load_team

    return (_once(load_scenario, job_scenario, _stamp(job_scenario)),
            _once(load_rulebook, job_rulebook, _stamp(job_rulebook)),
            _once(load_team, job_team, _stamp(job_team)))


def _stamp(path: str) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_mtime_ns, stat.st_size


@functools.cache
def _once(load: Callable[[str], Any], path: str, _stamp: tuple[int, int]) -> Any:
    return load(path)


def run_iter(work: Callable[[Job], R], todo: Iterable[Job], workers: int,
             scheduler: str | None = None) -> Iterator[R]:
    """``work`` over every job, results in order as they finish: here (1 worker), in a
    pool of processes, or on a Dask distributed cluster (``scheduler``: tcp://HOST:PORT)."""
    todo = list(todo)
    if scheduler is not None:
        yield from _on_cluster(work, todo, scheduler)
        return
    if workers <= 1 or len(todo) < 2:
        yield from (work(job) for job in todo)
        return
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        yield from pool.map(work, todo, chunksize=max(1, len(todo) // (workers * 8)))
    except BaseException:  # Ctrl-C: stop at once, drop what has not started
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def check_scheduler(scheduler: str | None) -> None:
    """A Dask scheduler address is ``tcp://host:port`` (or ``tls://``); anything else is the
    user's mistake, said before any drill runs (Dask's own error is a traceback)."""
    if scheduler is None:
        return
    scheme, sep, rest = scheduler.partition("://")
    host, colon, port = rest.rpartition(":")
    if not (sep and scheme in ("tcp", "tls") and colon and host and port.isdigit()
            and 0 < int(port) < 65536):
        raise InputError(f"--scheduler {scheduler!r}: write the Dask scheduler's address as "
                         "tcp://host:port (like tcp://127.0.0.1:8786)")


def _on_cluster(work: Callable[[Job], R], todo: list[Job], scheduler: str) -> Iterator[R]:
    """The jobs on a Dask cluster (``pip install crisis-drills[cluster]``). The workers must
    see the same files at the same paths (a shared folder, or the same checkout)."""
    check_scheduler(scheduler)
    try:
        from distributed import Client
    except ImportError:
        raise InputError("--scheduler needs Dask: pip install 'crisis-drills[cluster]'") \
            from None
    try:
        client = Client(scheduler, timeout="5s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"--scheduler {scheduler}: cannot reach the Dask scheduler "
                         f"({exc})") from None
    try:
        futures = client.map(work, todo, pure=False)
        for future in futures:
            yield future.result()
    finally:
        client.close()  # type: ignore[no-untyped-call]


def run_all(work: Callable[[Job], R], todo: Iterable[Job], workers: int,
            scheduler: str | None = None,
            progress: Callable[[int], None] | None = None) -> list[R]:
    """``work`` over every job, in order; ``progress(1)`` after each."""
    results = []
    for result in run_iter(work, todo, workers, scheduler):
        results.append(result)
        if progress is not None:
            progress(1)
    return results


def checked_jobs(rulebooks: list[str], scenarios: str, teams: str, seeds: int,
                 start: str) -> tuple[list[Job], list[Any]]:
    """The jobs for the first of ``rulebooks``, and every rulebook loaded, with every input
    checked here: a mistake is one clear error before any worker starts."""
    from drills.drive.batch import check_compatible
    from drills.feed.scenario_load import load_scenario
    from drills.rulebook.load import load_rulebook
    from drills.team.clock import parse_start
    from drills.team.load import load_team

    try:
        week_minute = parse_start(start)
    except ValueError as exc:
        raise InputError(f"--start: {exc}") from None
    todo = jobs(rulebooks[0], scenarios, teams, seeds, week_minute)
    books = [load_rulebook(os.path.abspath(resolve("rulebook", r))) for r in rulebooks]
    for scenario_path in dict.fromkeys(j.scenario for j in todo):
        load_scenario(scenario_path)
    for team_path in dict.fromkeys(j.team for j in todo):
        team = load_team(team_path)
        for book in books:
            check_compatible(book, team)
    return todo, books
