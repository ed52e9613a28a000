"""``drill compare``: two rulebooks over the same drills, compared pair by pair."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from drills.api import compare_rulebooks
from drills.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["--scenarios", "overheating-kettle,viral-complaint,sv-data-breach", "--seeds", "4",
         "--workers", "1"]


def _broken(tmp_path: Path) -> Path:
    text = (ROOT / "rules" / "default.yaml").read_text()
    broken = text.replace("(signal.mentions_1h >= 150 and signal.negative_share >= 0.5)\n"
                          "      or signal.press_1h >= 2", "signal.mentions_1h < 0")
    path = tmp_path / "broken.yaml"
    path.write_text(broken.replace("rulebook: default", "rulebook: broken"))
    return path


def test_identical_rulebooks_give_zero_deltas_and_never_fail(tmp_path: Path) -> None:
    copy = tmp_path / "copy.yaml"
    copy.write_text((ROOT / "rules" / "default.yaml").read_text())
    result = CliRunner().invoke(cli, ["compare", "default", str(copy), *SMALL, "--no-cache",
                                      "--json", "--fail-if-worse"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["pairs"] == 12
    for name, m in doc["metrics"].items():
        assert m["delta"] == 0 and m["ci"] == [0, 0] and not m["worse"], name
        assert m["old"] == m["new"]
    assert all(v["old"] == v["new"] for v in doc["rules"].values())


def test_a_rulebook_whose_crisis_rule_never_fires_is_caught(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["compare", "default", str(_broken(tmp_path)), *SMALL,
                                 "--no-cache", "--fail-if-worse"])
    assert result.exit_code == 1, result.output
    assert "is significantly worse than default on:" in result.output
    doc = json.loads(runner.invoke(cli, ["compare", "default", str(_broken(tmp_path)),
                                         *SMALL, "--no-cache", "--json"]).stdout)
    worse = [n for n, m in doc["metrics"].items() if m["worse"] and m["independent"]]
    assert {"statements", "time_to_first_statement"} & set(worse)
    assert "crisis-threshold" in doc["only_old"]
    assert doc["rules"]["crisis-threshold"]["new"] == 0
    # The trap: its own score says it did better.
    assert doc["metrics"]["score"]["new"] > doc["metrics"]["score"]["old"]


def test_results_are_the_same_whatever_the_executor(tmp_path: Path) -> None:
    args = {"scenarios": "viral-complaint,rumour-wave", "seeds": 3}
    one = compare_rulebooks("default", "strict", workers=1, **args)
    two = compare_rulebooks("default", "strict", workers=2, **args)
    assert one == two


def test_the_cache_runs_only_what_changed(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from drills.validate import compare

    calls: list[str] = []
    original = compare.compare_job

    def counting(job):  # type: ignore[no-untyped-def]
        calls.append(job.rulebook)
        return original(job)

    monkeypatch.setattr(compare, "compare_job", counting)
    cache = str(tmp_path / "cache.sqlite")
    new = tmp_path / "new.yaml"
    new.write_text((ROOT / "rules" / "strict.yaml").read_text())
    args = {"scenarios": "viral-complaint", "seeds": 3, "workers": 1, "cache": cache}
    first = compare_rulebooks("default", str(new), **args)
    assert len(calls) == 6
    calls.clear()
    again = compare_rulebooks("default", str(new), **args)
    assert calls == [] and again == first
    new.write_text(new.read_text().replace("within: 45m", "within: 50m"))
    compare_rulebooks("default", str(new), **args)
    assert len(calls) == 3 and all(c == str(new) for c in calls)  # OLD came from the cache


def test_output_forms_and_mistakes(tmp_path: Path) -> None:
    runner = CliRunner()
    md = runner.invoke(cli, ["compare", "default", "strict", "--scenarios", "viral-complaint",
                             "--seeds", "2", "--workers", "1", "--no-cache", "--markdown"])
    assert md.exit_code == 0 and "| metric" in md.stdout
    assert "Relative to each rulebook's own protocol" in md.stdout
    bad = runner.invoke(cli, ["compare", "default", "strict", "--no-cache",
                              "--fail-if-worse", "reach"])
    assert bad.exit_code == 2 and "unknown metric reach" in bad.output
    folder = runner.invoke(cli, ["compare", "default", "strict", "--cache", str(tmp_path)])
    assert folder.exit_code == 2 and "is a directory" in folder.output


def test_progress_is_reported_and_nothing_is_drawn_when_piped(tmp_path: Path) -> None:
    import io

    from drills.cli.progress import bar

    seen: list[tuple[int, int]] = []
    compare_rulebooks("default", "strict", scenarios="viral-complaint", seeds=2, workers=1,
                      cache=str(tmp_path / "c.sqlite"),
                      progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (4, 4) and [d for d, _t in seen] == sorted(d for d, _t in seen)
    again: list[tuple[int, int]] = []
    compare_rulebooks("default", "strict", scenarios="viral-complaint", seeds=2, workers=1,
                      cache=str(tmp_path / "c.sqlite"),
                      progress=lambda done, total: again.append((done, total)))
    assert again[-1] == (4, 4)  # all from the cache
    piped = io.StringIO()
    report, finish = bar("drills", piped)
    report(1, 4)
    finish()
    assert piped.getvalue() == ""


def test_an_interrupted_comparison_keeps_what_finished(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from drills.validate import compare

    original = compare.compare_job
    calls: list[int] = []

    def interrupted(job):  # type: ignore[no-untyped-def]
        if len(calls) == 3:
            raise KeyboardInterrupt
        calls.append(job.seed)
        return original(job)

    monkeypatch.setattr(compare, "compare_job", interrupted)
    cache = str(tmp_path / "c.sqlite")
    with pytest.raises(KeyboardInterrupt):
        compare_rulebooks("default", "strict", scenarios="viral-complaint", seeds=5,
                          workers=1, cache=cache)
    monkeypatch.setattr(compare, "compare_job", original)
    from drills.validate.cache import DrillCache

    store = DrillCache(cache)
    kept = store._db.execute("SELECT COUNT(*) FROM drills").fetchone()[0]  # type: ignore[union-attr]
    store.close()
    assert kept == 3


def test_the_same_results_on_a_dask_cluster() -> None:
    """The issue's determinism check: local, then a LocalCluster with 2 workers."""
    distributed = pytest.importorskip("distributed")  # a dev dependency: always there in CI
    args = {"scenarios": "viral-complaint", "seeds": 3, "workers": 1, "cache": None}
    local = compare_rulebooks("default", "strict", **args)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        remote = compare_rulebooks("default", "strict", scheduler=cluster.scheduler_address,
                                   **args)
    assert remote == local


def test_an_unreachable_scheduler_is_one_clear_error() -> None:
    result = CliRunner().invoke(cli, ["compare", "default", "strict", "--no-cache",
                                      "--scenarios", "viral-complaint", "--seeds", "1",
                                      "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2, result.output
    assert "cannot reach the Dask scheduler" in result.output


def test_the_table_shows_where_the_effect_differs_by_scenario() -> None:
    doc = compare_rulebooks("default", "strict", scenarios="viral-complaint,rumour-wave,"
                            "executive-misconduct", seeds=3, workers=1)
    from drills.validate.report import compare_text

    text = compare_text(doc)
    differing = [m for m in doc["by_scenario"]["rumour-wave"]
                 if len({(g[m] > 0) - (g[m] < 0) for g in doc["by_scenario"].values()}) > 1]
    if differing:
        assert "Where the effect differs by scenario" in text
        assert all(name in text for name in doc["by_scenario"])
    else:
        assert "Where the effect differs by scenario" not in text
