"""Drills on a Dask distributed cluster, the way Dask likes work to come.

- **Inputs travel by content.** The scenario, rulebook and team files a run names are read
  here, hashed (SHA-256), and sent once to every worker (a worker plugin, so a worker that
  joins later gets them too); a job names a file by its hash, and the worker runs it from its
  own copy, under the file's own name (names of inputs come from their file names). The
  workers need not see the same paths, or any shared folder.
- **Python is checked at connect**: every worker must run a Python where durable-rules builds
  (3.11 or 3.12) and import it, or the run stops before any drill with one clear line.
- Tasks are batches of drills sized to last 0.5-2 s (``executor.py``), a few per worker in
  flight, gathered with ``as_completed`` and put back in job order: the results are the same
  bytes as a local run.

Only imported when ``--scheduler`` is given: ``distributed`` is an optional dependency.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import fields, is_dataclass, replace
from typing import Any, TypeVar

from distributed import Client, WorkerPlugin

from drills.errors import InputError

J = TypeVar("J")
R = TypeVar("R")

#: The Pythons durable-rules builds on (its C extension), as (major, minor).
PYTHONS = ((3, 11), (3, 12))
#: The fields of a job that name input files.
FILE_FIELDS = ("scenario", "rulebook", "team")
#: How a shipped file is named in a job: ``sha256:HEX/NAME``.
PREFIX = "sha256:"
#: Where each worker process keeps its copies: hash -> local path.
_LOCAL: dict[str, str] = {}


class InputFiles(WorkerPlugin):
    """The inputs of a run, by hash: written to a private folder on each worker at setup."""

    def __init__(self, files: dict[str, tuple[str, bytes]]) -> None:
        self.files = files

    def setup(self, worker: Any) -> None:
        install(self.files)


def install(files: dict[str, tuple[str, bytes]]) -> None:
    """Write ``files`` (hash -> (file name, content)) where this process's jobs find them."""
    for digest, (name, content) in files.items():
        if digest in _LOCAL and os.path.isfile(_LOCAL[digest]):
            continue
        folder = tempfile.mkdtemp(prefix=f"drills-{digest[:12]}-")
        path = os.path.join(folder, name)
        with open(path, "wb") as handle:
            handle.write(content)
        _LOCAL[digest] = path


def localise(job: J) -> J:
    """``job`` with every shipped input named by its copy on this worker."""
    changes = {}
    for name in FILE_FIELDS:
        value = getattr(job, name, None)
        if isinstance(value, str) and value.startswith(PREFIX):
            digest = value[len(PREFIX):].partition("/")[0]
            if digest not in _LOCAL:
                raise RuntimeError(f"input {value} was not shipped to this worker")
            changes[name] = _LOCAL[digest]
    return replace(job, **changes) if changes else job  # type: ignore[type-var]


def run_shipped(work: Callable[[J], R], batch: list[J]) -> tuple[list[R], float]:
    """One task on a worker: ``work`` over a batch of jobs, and the seconds it took (the
    client sizes the next batches from it)."""
    import time

    began = time.perf_counter()  # a duration, never a date: results do not depend on it
    results = [work(localise(job)) for job in batch]
    return results, time.perf_counter() - began


class Shipment:
    """The input files of a run, read and hashed once here; jobs renamed to their hashes."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[str, bytes]] = {}
        self._names: dict[str, str] = {}
        self._sent: set[str] = set()

    def rename(self, job: J) -> J:
        if not is_dataclass(job):
            return job
        present = {f.name for f in fields(job)}
        changes = {name: self._name(getattr(job, name)) for name in FILE_FIELDS
                   if name in present}
        return replace(job, **changes) if changes else job  # type: ignore[type-var]

    def _name(self, path: str) -> str:
        if path not in self._names:
            try:
                with open(path, "rb") as handle:
                    content = handle.read()
            except OSError as exc:
                raise InputError(f"{path}: cannot read it to send to the cluster "
                                 f"({exc.strerror})") from None
            digest = hashlib.sha256(content).hexdigest()
            self.files[digest] = (os.path.basename(path), content)
            self._names[path] = f"{PREFIX}{digest}/{os.path.basename(path)}"
        return self._names[path]

    def send(self, client: Client) -> None:
        """Register what is new with every worker, present and future (once per file)."""
        new = {d: f for d, f in self.files.items() if d not in self._sent}
        if not new:
            return
        name = "drills-inputs-" + hashlib.sha256("".join(sorted(new)).encode()).hexdigest()[:16]
        client.register_plugin(InputFiles(new), name=name)
        self._sent |= set(new)


def _python() -> tuple[tuple[int, int], str | None]:
    """On a worker: its Python, and why durable-rules does not import (None: it does)."""
    try:
        import drills.engine.durable_engine  # noqa: F401  (it builds on durable-rules)
    except Exception as exc:  # pragma: no cover - a broken worker, reported by connect
        problem: str | None = f"{type(exc).__name__}: {exc}"
    else:
        problem = None
    return (sys.version_info[0], sys.version_info[1]), problem


def check_workers(client: Client) -> None:
    """Every worker runs a Python durable-rules builds on, and imports it; InputError (exit
    2) otherwise."""
    answers = client.run(_python)
    if not answers:
        raise InputError("the Dask cluster has no workers: start some with dask worker "
                         "tcp://HOST:PORT")
    wrong = []
    for address, (version, problem) in sorted(answers.items()):
        if tuple(version) not in PYTHONS:
            wrong.append(f"{address} runs Python {version[0]}.{version[1]}")
        elif problem:
            wrong.append(f"{address} cannot import durable-rules ({problem})")
    if wrong:
        allowed = " or ".join(f"{a}.{b}" for a, b in PYTHONS)
        raise InputError(f"the Dask workers need Python {allowed} with crisis-drills "
                         f"installed: {'; '.join(wrong)}")


def connect(scheduler: str) -> Client:
    """A Dask client on ``scheduler`` (``tcp://HOST:PORT``), its workers checked."""
    try:
        client = Client(scheduler, timeout="5s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"--scheduler {scheduler}: cannot reach the Dask scheduler "
                         f"({exc})") from None
    try:
        check_workers(client)
    except BaseException:
        client.close()  # type: ignore[no-untyped-call]
        raise
    return client


def threads(client: Client) -> int:
    """The worker threads of the cluster: tasks that can run at once."""
    info = client.scheduler_info()
    return max(1, sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values()))


def as_completed(futures: Iterable[Any]) -> Any:
    from distributed import as_completed as completed

    return completed(futures, with_results=True)  # type: ignore[no-untyped-call]
