"""``drill bench``: the compare figures, CPU a drill, and Dask vs local (or said skipped)."""

from __future__ import annotations

import sys

import pytest

from drills.bench import figures


def test_dask_is_skipped_and_said_without_the_cluster_extra(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails, as without [cluster]
    monkeypatch.setattr(figures, "SECTIONS", [figures.bench_dask])
    said: list[str] = []
    result = figures.run_benchmarks(quick=True, progress=said.append)
    assert result["skipped"] == {"dask": "needs distributed (pip install "
                                         "'crisis-drills[cluster]')"}
    assert not any(key.startswith("compare.") for key in result)
    assert "dask: skipped, needs distributed" in said[-1]


def test_compare_figures_give_cpu_a_drill_and_the_projection(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def fake(seeds: int, workers: int = 1, scheduler: str | None = None) -> tuple[
            float, float, int]:
        calls.append(workers)
        return (4.0, 2.0, 64) if workers == 1 else (2.5, 2.2, 64)

    monkeypatch.setattr(figures, "_timed_compare", fake)
    result = figures.bench_compare(True, lambda _s: None)
    assert calls == [1, 2]
    assert result["compare.drills_per_min"] == round(64 / 2.5 * 60)
    assert result["compare.speedup_2workers"] == 1.6
    assert result["compare.cpu_ms_per_drill_1worker"] == 31.2
    assert result["compare.projected_s_3200_drills_2_idle_cores"] == 50.0
    table = figures.render_table(result)
    assert "compare.projected_s_3200_drills_2_idle_cores" in table and "< 60  ok" in table


def test_dask_against_local_on_a_loopback_cluster() -> None:
    pytest.importorskip("distributed")
    result = figures.bench_dask(True, lambda _s: None)
    assert result["compare.dask_drills_per_min"] > 0
    assert result["compare.dask_vs_local_2workers"] > 0
