"""Many drills at once for rulebook validation: the jobs, and one executor that runs them.

Every drill is determined by its inputs and seed, so results do not depend on the executor
or the number of workers. Inputs are loaded and compiled once per process.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, overload

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


class Plan(Sequence[Job]):
    """Scenario x team x seed jobs in a fixed order, made one at a time when asked for: a
    million seeds cost no memory until they run."""

    def __init__(self, scenarios: Sequence[str], teams: Sequence[str], seeds: int,
                 rulebook: str, start: float,
                 overrides: tuple[tuple[str, str], ...] = ()) -> None:
        self.scenarios, self.teams = tuple(scenarios), tuple(teams)
        self.seeds, self.rulebook, self.start = seeds, rulebook, start
        self.overrides = overrides

    def __len__(self) -> int:
        return len(self.scenarios) * len(self.teams) * self.seeds

    @overload
    def __getitem__(self, index: int) -> Job: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Job]: ...

    def __getitem__(self, index: int | slice) -> Job | Sequence[Job]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        rest, seed = divmod(index, self.seeds)
        scenario, team = divmod(rest, len(self.teams))
        return Job(self.scenarios[scenario], self.rulebook, self.teams[team], seed + 1,
                   self.start, self.overrides)

    def with_rulebook(self, rulebook: str) -> Plan:
        return Plan(self.scenarios, self.teams, self.seeds, rulebook, self.start,
                    self.overrides)


def jobs(rulebook: str, scenarios: str, teams: str, seeds: int, start: float) -> Plan:
    """Scenario x team x seed, in a fixed order (made lazily)."""
    if seeds < 1:
        raise InputError(f"--seeds must be at least 1, got {seeds}")
    book = os.path.abspath(resolve("rulebook", rulebook))
    return Plan(names("scenario", scenarios), names("team", teams), seeds, book, start)


#: CPU seconds a drill takes, measured on the built-ins (``drill bench``: 30-31 ms on a busy
#: 2-core machine, December 2026); for estimates.
DRILL_CPU_SECONDS = 0.031
#: More drills than this need ``--yes``: a typo in --seeds must not start a week of work.
MAX_DRILLS = 20_000


def size_text(drills: int, workers: int) -> str:
    """"3,200 drills, about 1 min on 2 workers": said before a big run starts."""
    seconds = drills * DRILL_CPU_SECONDS / max(1, workers)
    if seconds < 90:
        about = f"{max(1, round(seconds))} s"
    elif seconds < 5400:
        about = f"{round(seconds / 60)} min"
    elif seconds < 3 * 86400:
        about = f"{seconds / 3600:.1f} h"
    else:
        about = f"{seconds / 86400:,.0f} days"
    return (f"{drills:,} drills, about {about} on {workers} worker{'s' * (workers != 1)} "
            f"(~{DRILL_CPU_SECONDS * 1000:.0f} ms of CPU a drill; less for drills in the "
            "cache)")


def planned(scenarios: str, teams: str, seeds: int, per_drill: int = 1) -> int:
    """How many drills scenario x team x seed (x ``per_drill``: rulebooks, combinations)
    makes, without making them."""
    return len(names("scenario", scenarios)) * len(names("team", teams)) * seeds * per_drill


def check_size(drills: int, workers: int, yes: bool) -> None:
    """Refuse a run past :data:`MAX_DRILLS` unless the user said ``--yes``."""
    if drills > MAX_DRILLS and not yes:
        raise InputError(f"this would run {size_text(drills, workers)}; more than "
                         f"{MAX_DRILLS:,} drills need --yes")


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
    pool of processes, or on a Dask distributed cluster (``scheduler``: tcp://HOST:PORT).
    Jobs are taken lazily, a few batches ahead (``executor.py``)."""
    from drills.validate.executor import Executor

    with Executor[Job](workers, scheduler) as executor:
        yield from executor.map(work, todo)


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
                 start: str) -> tuple[Plan, list[Any]]:
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
    for scenario_path in dict.fromkeys(todo.scenarios):
        load_scenario(scenario_path)
    for team_path in dict.fromkeys(todo.teams):
        team = load_team(team_path)
        for book in books:
            check_compatible(book, team)
    return todo, books
