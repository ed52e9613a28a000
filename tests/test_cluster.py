"""Dask as Dask likes it: inputs shipped by hash, Python checked at connect, ~1 s batches."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed")  # a dev dependency: always there in CI

from drills.errors import InputError
from drills.inputs.builtins import resolve
from drills.validate import cluster
from drills.validate.executor import MAX_BATCH, next_batch_size
from drills.validate.sweep import Job


def test_inputs_travel_by_hash_and_keep_their_names(tmp_path: Path) -> None:
    rulebook = tmp_path / "my-rules.yaml"
    shutil.copy(resolve("rulebook", "default"), rulebook)
    job = Job(resolve("scenario", "viral-complaint"), str(rulebook),
              resolve("team", "standard"), 3, 540.0)
    shipment = cluster.Shipment()
    shipped = shipment.rename(job)
    assert shipped.rulebook.startswith("sha256:") and shipped.rulebook.endswith("/my-rules.yaml")
    assert shipment.rename(job) == shipped and len(shipment.files) == 3  # read once each
    os.remove(rulebook)  # the worker never needs the client's path
    cluster.install(shipment.files)
    local = cluster.localise(shipped)
    assert os.path.basename(local.rulebook) == "my-rules.yaml"
    assert Path(local.rulebook).read_bytes() == Path(resolve("rulebook", "default")).read_bytes()
    assert (local.seed, local.start) == (3, 540.0)


def test_a_job_whose_input_was_not_shipped_is_an_error() -> None:
    job = Job("sha256:" + "0" * 64 + "/x.yaml", "default", "standard", 1, 0.0)
    with pytest.raises(RuntimeError, match="was not shipped"):
        cluster.localise(job)


class _Client:
    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers

    def run(self, _function: Any) -> dict[str, Any]:
        return self.answers


def test_workers_on_another_python_are_refused_at_connect() -> None:
    ok = ((3, 11), None)
    cluster.check_workers(_Client({"tcp://a:1": ok}))  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"need Python 3\.11 or 3\.12.*tcp://b:2 runs "
                                         r"Python 3\.13"):
        cluster.check_workers(_Client({"tcp://a:1": ok,  # type: ignore[arg-type]
                                       "tcp://b:2": ((3, 13), None)}))
    with pytest.raises(InputError, match="cannot import durable-rules"):
        cluster.check_workers(_Client({"tcp://a:1": ((3, 12), "ImportError: no")}))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="no workers"):
        cluster.check_workers(_Client({}))  # type: ignore[arg-type]


def test_batches_grow_or_shrink_towards_one_second_tasks() -> None:
    assert next_batch_size(16, 0.5, 16) == 32  # 30 ms a drill: double, not 33 at once
    assert next_batch_size(32, 1.0, 32) == 32
    assert next_batch_size(64, 8.0, 64) == 32  # at most halving
    assert next_batch_size(4, 4.0, 4) == 2
    assert next_batch_size(1, 9.0, 1) == 1
    assert next_batch_size(MAX_BATCH, 0.01, MAX_BATCH) == MAX_BATCH


def test_a_local_cluster_gives_the_bytes_of_a_local_run(tmp_path: Path) -> None:
    """A rulebook the workers could not read at its path: shipped, same result as here."""
    import json

    import distributed

    from drills.api import compare_rulebooks

    rulebook = tmp_path / "mine.yaml"
    shutil.copy(resolve("rulebook", "strict"), rulebook)
    args = {"scenarios": "viral-complaint,rumour-wave", "seeds": 3, "cache": None}
    local = compare_rulebooks("default", str(rulebook), workers=1, **args)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as lc:
        remote = compare_rulebooks("default", str(rulebook),
                                   scheduler=lc.scheduler_address, **args)
    assert json.dumps(remote, sort_keys=True) == json.dumps(local, sort_keys=True)
