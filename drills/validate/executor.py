"""Run many drills lazily: batches of jobs as tasks, a bounded number in flight, results in
job order. Memory stays flat in the number of jobs, whatever the executor.

Here (one worker), in a pool of spawned processes, or on a Dask distributed cluster. A
task of ~16 drills lasts about half a second: long enough to pay for sending it, short
enough that an interrupted run loses little.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

from drills.errors import InputError

J = TypeVar("J")
R = TypeVar("R")

#: Jobs per task, and tasks in flight per worker.
BATCH = 16
IN_FLIGHT_PER_WORKER = 4


def run_batch(work: Callable[[J], R], batch: list[J]) -> list[R]:
    """One task: ``work`` over a batch of jobs (module-level, so it pickles)."""
    return [work(job) for job in batch]


def batched(items: Iterable[J], size: int) -> Iterator[list[J]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


class Executor(Generic[J]):
    """``map(work, jobs)`` lazily, in order; ``close()`` (or ``with``) ends the workers.

    ``workers`` processes (1: here, in this process), or a Dask cluster at ``scheduler``.
    """

    def __init__(self, workers: int, scheduler: str | None = None) -> None:
        self.workers = max(1, workers)
        self.scheduler = scheduler
        self._pool: Any = None
        self._client: Any = None

    def __enter__(self) -> Executor[J]:
        return self

    def __exit__(self, kind: object, *_rest: object) -> None:
        self.close(cancel=kind is not None)

    def _submit(self) -> Callable[..., Any]:
        if self.scheduler is not None:
            if self._client is None:
                self._client = _connect(self.scheduler)
            client = self._client
            return lambda *args: client.submit(*args, pure=False)
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"))
        return self._pool.submit  # type: ignore[no-any-return]

    def map(self, work: Callable[[J], R], jobs: Iterable[J]) -> Iterator[R]:
        """``work`` over every job, results in job order as they come."""
        if self.scheduler is None and self.workers <= 1:
            yield from (work(job) for job in jobs)
            return
        submit = self._submit()
        window = self.workers * IN_FLIGHT_PER_WORKER
        pending: deque[Any] = deque()
        for batch in batched(jobs, BATCH):
            pending.append(submit(run_batch, work, batch))
            if len(pending) >= window:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()

    def close(self, cancel: bool = False) -> None:
        """Stop the workers; ``cancel`` drops what has not started (Ctrl-C)."""
        if self._pool is not None:
            self._pool.shutdown(wait=not cancel, cancel_futures=cancel)
            self._pool = None
        if self._client is not None:
            self._client.close()
            self._client = None


def _connect(scheduler: str) -> Any:
    """A Dask client (``pip install crisis-drills[cluster]``). The workers must see the same
    files at the same paths (a shared folder, or the same checkout)."""
    from drills.validate.sweep import check_scheduler

    check_scheduler(scheduler)
    try:
        from distributed import Client
    except ImportError:
        raise InputError("--scheduler needs Dask: pip install 'crisis-drills[cluster]'") \
            from None
    try:
        return Client(scheduler, timeout="5s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"--scheduler {scheduler}: cannot reach the Dask scheduler "
                         f"({exc})") from None
