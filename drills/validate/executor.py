"""Run many drills lazily: batches of jobs as tasks, a bounded number in flight, results in
job order. Memory stays flat in the number of jobs, whatever the executor.

Here (one worker), in a pool of spawned processes, or on a Dask distributed cluster. A
task of ~16 drills lasts about half a second: long enough to pay for sending it, short
enough that an interrupted run loses little. On Dask (``cluster.py``) the batches are sized
from how long the last ones took, to last about a second each (Dask's advice: tasks of
0.5-2 s, well above its ~1 ms overhead a task), a few per worker thread in flight, gathered
with ``as_completed`` and put back in job order, so the results do not depend on the cluster.
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
#: On Dask: the seconds a task should last, and the bounds of a batch.
TASK_SECONDS = 1.0
MAX_BATCH = 512


def next_batch_size(size: int, seconds: float, jobs: int) -> int:
    """The batch size for tasks of about ``TASK_SECONDS``, from one that took ``seconds`` for
    ``jobs`` jobs: at most doubling or halving at a time, so one slow task does not swing it."""
    if jobs <= 0 or seconds <= 0:
        return min(MAX_BATCH, size * 2)
    wanted = int(TASK_SECONDS * jobs / seconds)
    return max(1, min(MAX_BATCH, size * 2, max(size // 2, wanted)))


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
        self._shipment: Any = None
        #: The current Dask batch size (grows or shrinks towards tasks of ~1 s).
        self.batch = BATCH

    def __enter__(self) -> Executor[J]:
        return self

    def __exit__(self, kind: object, *_rest: object) -> None:
        self.close(cancel=kind is not None)

    def _submit(self) -> Callable[..., Any]:
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
        if self.scheduler is not None:
            yield from self._map_dask(work, jobs)
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

    def _map_dask(self, work: Callable[[J], R], jobs: Iterable[J]) -> Iterator[R]:
        """Batches sized to ~1 s as tasks on the cluster, at most a few per worker thread in
        flight (or finished and waiting for an earlier one), results in job order."""
        from drills.validate import cluster

        if self._client is None:
            assert self.scheduler is not None
            self._client = _connect(self.scheduler)
            self._shipment = cluster.Shipment()
        client, shipment = self._client, self._shipment
        window = cluster.threads(client) * IN_FLIGHT_PER_WORKER
        iterator = iter(jobs)
        order: dict[str, int] = {}
        finished: dict[int, list[R]] = {}
        completed = cluster.as_completed([])
        submitted = emitted = 0
        exhausted = False
        while True:
            while not exhausted and len(order) + len(finished) < window:
                batch = [shipment.rename(job) for job in itertools.islice(iterator, self.batch)]
                if not batch:
                    exhausted = True
                    break
                shipment.send(client)
                future = client.submit(cluster.run_shipped, work, batch, pure=False)
                order[future.key] = submitted
                submitted += 1
                completed.add(future)
            if not order:
                return
            future, (results, seconds) = next(completed)
            finished[order.pop(future.key)] = results
            self.batch = next_batch_size(self.batch, seconds, len(results))
            while emitted in finished:
                yield from finished.pop(emitted)
                emitted += 1

    def close(self, cancel: bool = False) -> None:
        """Stop the workers; ``cancel`` drops what has not started (Ctrl-C)."""
        if self._pool is not None:
            self._pool.shutdown(wait=not cancel, cancel_futures=cancel)
            self._pool = None
        if self._client is not None:
            self._client.close()
            self._client = None


def _connect(scheduler: str) -> Any:
    """A Dask client (``pip install crisis-drills[cluster]``), its workers checked. Input
    files are sent to the workers by content, so they need not share paths."""
    from drills.validate.sweep import check_scheduler

    check_scheduler(scheduler)
    try:
        from drills.validate import cluster
    except ImportError:
        raise InputError("--scheduler needs Dask: pip install 'crisis-drills[cluster]'") \
            from None
    return cluster.connect(scheduler)
