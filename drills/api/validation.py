"""Validating a rulebook: unit tests, coverage, compare and sweep over many drills."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from drills.errors import Diagnostic, InputError
from drills.inputs.builtins import resolve
from drills.validate.suite import Ran


def test_rulebook(rulebook: str | None, test_files: list[str], *, keyword: str | None = None,
                  broken: list[Diagnostic] | None = None) -> list[Ran]:
    """Run rulebook unit tests (``drill test``) against ``rulebook`` (a name or a path; None:
    each file's own ``rulebook:``); ``keyword`` keeps the tests whose name contains it;
    ``broken`` collects bad files' diagnostics instead of raising."""
    from drills.validate.suite import run_tests

    return run_tests(rulebook, test_files, keyword, broken)


def coverage_rulebook(rulebook: str, *, scenarios: str = "all", teams: str = "standard",
                      seeds: int = 3, start: str = "mon 09:00", workers: int = 1,
                      scheduler: str | None = None,
                      progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """What ``rulebook`` exercised over scenario x team x seed drills (``drill coverage``)."""
    from drills.validate.coverage import coverage_job, coverage_report
    from drills.validate.sweep import checked_jobs, run_all

    todo, (book,) = checked_jobs([rulebook], scenarios, teams, seeds, start)
    tick = _counter(len(todo), progress)
    return coverage_report(run_all(coverage_job, todo, workers, scheduler, tick), book)


def _counter(total: int, progress: Callable[[int, int], None] | None
             ) -> Callable[[int], None] | None:
    """``progress(done, total)`` from a stream of ``tick(n)`` calls."""
    if progress is None:
        return None
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        progress(done[0], total)
    return tick


def compare_rulebooks(old: str, new: str, *, scenarios: str = "all", teams: str = "standard",
                      seeds: int = 5, start: str = "mon 09:00", workers: int = 1,
                      cache: str | None = None,
                      progress: Callable[[int, int], None] | None = None,
                      scheduler: str | None = None, primary: tuple[str, ...] | None = None,
                      margins: dict[str, str] | None = None) -> dict[str, Any]:
    """The same drills under two rulebooks, compared pair by pair (``drill compare``).

    ``cache`` is a SQLite file of drill results (None: run everything afresh);
    ``progress(done, total)`` hears of every drill done; ``primary`` metrics (default: the
    rulebook-independent ones) and ``margins`` (``{"time_to_calm": "30m"}``) make verdicts.
    """
    from drills.validate.cache import DrillCache
    from drills.validate.compare import compare_jobs
    from drills.validate.metrics import INDEPENDENT
    from drills.validate.sweep import checked_jobs

    todo, books = checked_jobs([old, new], scenarios, teams, seeds, start)
    new_path = os.path.abspath(resolve("rulebook", new))
    store = DrillCache(cache)
    try:
        document = compare_jobs(todo, new_path, store, workers,
                                _counter(2 * len(todo), progress), scheduler,
                                primary or INDEPENDENT, margins)
    finally:
        store.close()
    document["old"] = {"rulebook": books[0].name, "version": books[0].version, "given": old}
    document["new"] = {"rulebook": books[1].name, "version": books[1].version, "given": new}
    return document


def sweep_team(*, vary: tuple[str, ...], rulebook: str = "default", team: str = "standard",
               scenarios: str = "all", seeds: int = 50, start: str = "mon 09:00",
               workers: int = 1, scheduler: str | None = None,
               progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """A Monte Carlo over staffing parameters (``drill sweep``)."""
    from dataclasses import replace as with_overrides

    from drills.validate.staffing import combinations, parse_vary, sweep_job, sweep_report
    from drills.validate.sweep import checked_jobs, run_all

    varied = parse_vary(vary)
    base, _books = checked_jobs([rulebook], scenarios, team, seeds, start)
    if "," in team or team == "all":
        raise InputError("--team: a sweep varies one team; name one")
    rows = []
    combos = combinations(varied)
    tick = _counter(len(combos) * len(base), progress)
    for combo in combos:
        todo = [with_overrides(job, overrides=combo) for job in base]
        rows.append((combo, run_all(sweep_job, todo, workers, scheduler, tick)))
    document = sweep_report(rows)
    document.update(rulebook=rulebook, team=team, seeds=seeds, scenarios=scenarios)
    return document
