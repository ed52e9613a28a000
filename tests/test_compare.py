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
    """With 12 drills the damage is not yet *worse* beyond the margins: the verdict says
    inconclusive (never equivalent) and asks for more seeds; at 20 seeds it fails (below)."""
    runner = CliRunner()
    # Three English scenarios: the trap below holds on them (on sv-data-breach's 4 seeds the
    # broken rulebook happens to score itself a little lower since the Swedish feed changed).
    small = ["--scenarios", "overheating-kettle,viral-complaint,rumour-wave", *SMALL[2:]]
    result = runner.invoke(cli, ["compare", "default", str(_broken(tmp_path)), *small,
                                 "--no-cache", "--json"])
    doc = json.loads(result.stdout)
    for name in ("time_to_first_statement", "statements", "stale_share"):
        assert doc["metrics"][name]["verdict"] in ("worse", "inconclusive"), name
        assert doc["metrics"][name]["delta"] != 0
    assert "crisis-threshold" in doc["only_old"]
    assert doc["rules"]["crisis-threshold"]["new"] == 0
    # The trap: its own score says it did better.
    assert doc["metrics"]["score"]["new"] > doc["metrics"]["score"]["old"]
    from drills.validate.report import verdict_line

    if not doc["verdict"]["worse"]:
        line = verdict_line(doc)
        assert line.endswith("more seeds would decide the inconclusive ones")
        assert "time_to_first_statement (leans worse)" in line


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


def test_the_table_shows_the_change_by_scenario_for_every_metric() -> None:
    doc = compare_rulebooks("default", "strict", scenarios="viral-complaint,rumour-wave,"
                            "executive-misconduct", seeds=3, workers=1)
    from drills.validate.metrics import INDEPENDENT
    from drills.validate.report import compare_text

    text = compare_text(doc)
    assert "Mean change by scenario" in text
    assert all(name in text for name in doc["by_scenario"])
    header = next(line for line in text.splitlines() if line.startswith("scenario"))
    assert all(f"{m} (" in header for m in INDEPENDENT)  # no column dropped


# -- one decision rule -----------------------------------------------------------------------

GATE = ["--scenarios", "overheating-kettle,viral-complaint,sv-data-breach", "--seeds", "20",
        "--workers", "1"]


@pytest.fixture(scope="module")
def gate_cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One cache for the gate tests: default's 60 drills run once."""
    return str(tmp_path_factory.mktemp("gate") / "cache.sqlite")


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = (ROOT / "rules" / "default.yaml").read_text()
    assert old in text
    path = tmp_path / "new.yaml"
    path.write_text(text.replace(old, new))
    return path


@pytest.mark.parametrize("minutes", [28, 29, 32])
def test_a_change_that_does_not_matter_passes_the_gate(tmp_path: Path, gate_cache: str,
                                                       minutes: int) -> None:
    """The issue's false alarms: customer_support's ack_within 30m -> 28m, 29m, 32m."""
    new = _variant(tmp_path, "customer_support: {backup: community_manager, ack_within: 30m",
                   f"customer_support: {{backup: community_manager, ack_within: {minutes}m")
    result = CliRunner().invoke(cli, ["compare", "default", str(new), *GATE, "--cache",
                                      gate_cache, "--fail-if-worse", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["verdict"]["worse"] == [] and doc["pairs"] == 60
    assert sorted(n for names in doc["verdict"].values() for n in names) == \
        sorted(doc["primary"])
    # time_to_calm was the false alarm: now shown to be within its margin.
    assert {"time_to_first_statement", "stale_share", "time_to_calm"} <= \
        set(doc["verdict"]["equivalent"])


@pytest.mark.parametrize(("old", "new"), [
    # The holding statement removed from crisis-declared.
    ("      - {action: holding_statement, role: comms_lead, approve: [legal], within: 60m,\n"
     "         channels: active, template: holding_statement}\n", ""),
    # The crisis rule can never fire.
    ("(signal.mentions_1h >= 150 and signal.negative_share >= 0.5)\n"
     "      or signal.press_1h >= 2", "signal.mentions_1h < 0"),
])
def test_a_change_that_matters_still_fails_the_gate(tmp_path: Path, gate_cache: str,
                                                    old: str, new: str) -> None:
    path = _variant(tmp_path, old, new)
    result = CliRunner().invoke(cli, ["compare", "default", str(path), *GATE, "--cache",
                                      gate_cache, "--fail-if-worse", "--markdown"])
    assert result.exit_code == 1, result.output
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"**FAIL: {path} is worse than default on ")
    assert "time_to_first_statement" in first and "statements" in first
    assert "| `time_to_first_statement` | min" in result.stdout
    assert "**worse (p<0.001)**" in result.stdout
    assert f"FAIL: {path} is worse" in result.stderr


def test_gate_options_are_checked_before_any_drill(gate_cache: str) -> None:
    runner = CliRunner()
    base = ["compare", "default", "strict", "--cache", gate_cache]
    empty = runner.invoke(cli, [*base, "--fail-if-worse", ""])
    assert empty.exit_code == 2 and "--fail-if-worse: name at least one metric" in empty.output
    for margin, message in (("time_to_calm=30", "write a duration like 10m"),
                            ("reach=5%", "unknown metric 'reach'"),
                            ("statements", "write METRIC=VALUE"),
                            ("statements=-1", "a margin is 0 or more")):
        bad = runner.invoke(cli, [*base, "--margin", margin])
        assert bad.exit_code == 2 and message in bad.output, bad.output
        assert "Traceback" not in bad.output


def test_margins_and_the_pages_gate(gate_cache: str) -> None:
    runner = CliRunner()
    args = ["compare", "default", "strict", "--scenarios", "viral-complaint", "--seeds", "3",
            "--workers", "1", "--cache", gate_cache]
    doc = json.loads(runner.invoke(cli, [*args, "--json", "--margin",
                                         "time_to_first_statement=10m", "--margin",
                                         "negative_reach=1%"]).stdout)
    assert doc["metrics"]["time_to_first_statement"]["margin"] == 10
    reach = doc["metrics"]["negative_reach"]
    assert reach["margin"] == pytest.approx(reach["old"] / 100, rel=1e-3)
    assert "Holm" in doc["decision_rule"]
    busiest = max(v["new"] for v in doc["alert_load_by_role"].values())
    gated = runner.invoke(cli, [*args, "--max-pages-per-role", str(busiest - 0.5)])
    assert gated.exit_code == 1 and "more than" in gated.stdout.splitlines()[0]
    assert runner.invoke(cli, [*args, "--max-pages-per-role", str(busiest + 1)]).exit_code == 0


def test_holm_and_the_verdicts() -> None:
    from drills.validate.decision import Margin, Summary, decide, holm

    assert holm({"a": 0.01, "b": 0.04, "c": 0.03}) == pytest.approx(
        {"a": 0.03, "c": 0.06, "b": 0.06})
    deltas = {"time_to_first_statement": [40.0, 42, 38, 41, 39, 40],   # worse beyond 15
              "statements": [0.0] * 6,                                 # exactly equal
              "time_to_calm": [5.0, -3, 4, -2, 1, 0],                  # within 30
              "violations": [2.0, -2, 3, -3, 1, -1]}                   # too noisy to tell
    chosen = {"time_to_first_statement": Margin(15), "statements": Margin(0.5),
              "time_to_calm": Margin(30), "violations": Margin(0.25)}
    result = decide({n: Summary.of(v) for n, v in deltas.items()}, dict.fromkeys(deltas, 1.0),
                    tuple(deltas), chosen)
    assert {n: r["verdict"] for n, r in result.items()} == {
        "time_to_first_statement": "worse", "statements": "equivalent",
        "time_to_calm": "equivalent", "violations": "inconclusive"}
    # More statements is better: the sign turns with the metric's direction.
    better = decide({"statements": Summary.of([2.0, 2.5, 1.5, 2.0])}, {"statements": 5.0},
                    ("statements",), {"statements": Margin(0.5)})
    assert better["statements"]["verdict"] == "better"


@pytest.mark.parametrize("command", [["compare", "default", "strict"],
                                     ["coverage", "default"],
                                     ["sweep", "--vary", "on_call=1,2"]])
@pytest.mark.parametrize("address", ["", "http://127.0.0.1:8786", "tcp://127.0.0.1",
                                     "127.0.0.1:8786"])
def test_a_bad_scheduler_address_is_a_usage_error(command: list[str], address: str) -> None:
    """Exit 2 naming the accepted form, before any drill; never a traceback or exit 1."""
    result = CliRunner().invoke(cli, [*command, "--seeds", "1", "--scheduler", address])
    assert result.exit_code == 2, result.output
    assert "tcp://host:port" in result.output and "Traceback" not in result.output


# -- big runs are safe -----------------------------------------------------------------------

def test_a_big_run_says_its_size_and_needs_yes(tmp_path: Path) -> None:
    runner = CliRunner()
    huge = runner.invoke(cli, ["compare", "default", "strict", "--seeds", "1000000",
                               "--workers", "2", "--cache", str(tmp_path / "c.sqlite")])
    assert huge.exit_code == 2, huge.output
    assert "this would run 16,000,000 drills, about" in huge.output
    assert "more than 20,000 drills need --yes" in huge.output
    small = runner.invoke(cli, ["compare", "default", "strict", "--scenarios",
                                "viral-complaint", "--seeds", "2", "--workers", "1",
                                "--no-cache"])
    assert small.exit_code == 0
    assert small.stderr.startswith("running 4 drills, about 1 s on 1 worker")
    for command in (["coverage", "default"], ["sweep", "--vary", "on_call=1,2"]):
        refused = runner.invoke(cli, [*command, "--seeds", "100000"])
        assert refused.exit_code == 2 and "need --yes" in refused.output, command


def test_jobs_are_made_as_they_are_needed() -> None:
    """A million seeds make no list: the plan computes each job, the executor takes a few
    batches ahead of the results."""
    import itertools

    from drills.validate.executor import Executor
    from drills.validate.sweep import jobs

    plan = jobs("default", "all", "all", 10**6, 540.0)
    assert len(plan) == 32 * 10**6
    last = plan[len(plan) - 1]
    assert last.seed == 10**6 and last.team.endswith("well-drilled.yaml")
    assert plan[1].seed == 2 and plan[10**6].seed == 1
    taken: list[int] = []

    def endless() -> itertools.count[int]:
        return itertools.count()

    def work(n: int) -> int:
        taken.append(n)
        return n * 2

    results = Executor[int](1).map(work, endless())
    assert list(itertools.islice(results, 5)) == [0, 2, 4, 6, 8]
    assert taken == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(("after", "message"), [
    (0, "interrupted: no drill had finished, so none was cached"),
    (3, "interrupted: 3 drills finished and were kept in the cache; run the same command "
        "again to go on"),
])
def test_ctrl_c_says_honestly_what_was_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            after: int, message: str) -> None:
    from drills.validate import compare

    original = compare.compare_job
    calls: list[int] = []

    def interrupted(job):  # type: ignore[no-untyped-def]
        if len(calls) == after:
            raise KeyboardInterrupt
        calls.append(job.seed)
        return original(job)

    monkeypatch.setattr(compare, "compare_job", interrupted)
    result = CliRunner().invoke(cli, ["compare", "default", "strict", "--scenarios",
                                      "viral-complaint", "--seeds", "5", "--workers", "1",
                                      "--cache", str(tmp_path / "c.sqlite")])
    assert result.exit_code == 130
    assert message in result.stderr


def test_the_markdown_reads_as_a_pr_comment(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    monkeypatch.chdir(tmp_path)
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "new.yaml").write_text((ROOT / "rules" / "strict.yaml").read_text())
    result = CliRunner().invoke(cli, ["compare", "default", "./rules/new.yaml", "--scenarios",
                                      "viral-complaint,rumour-wave", "--seeds", "3",
                                      "--workers", "1", "--no-cache", "--markdown"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert re.match(r"\*\*(PASS|FAIL): \./rules/new\.yaml ", lines[0])  # as the user gave it
    assert "## Rulebook comparison: `default` → `./rules/new.yaml`" in lines
    for heading in ("### Outcome: what the public saw (primary, gated)",
                    "### Pages per role (obligations and pages per drill)",
                    "### Relative to each rulebook's own protocol, and cost (not gated)",
                    "### Run"):
        assert heading in lines, heading
    squeezed = re.sub(r" +", " ", result.stdout)
    assert "| metric | unit | old | new | change | 95% interval | margin | verdict |" in squeezed
    assert "| `negative_reach` | people" in squeezed
    assert not re.search(r"\de[+-]\d", result.stdout)  # no +1.19e+05
    assert not re.search(r"\bp 0\b|p=0\.000", result.stdout)
    assert "these are context, not evidence" in result.stdout
    assert "| `executive_on_call`" in squeezed
    for meta in ("- seeds: 1–3", "- scenarios: viral-complaint, rumour-wave",
                 "- teams: standard", "- start: mon 09:00"):
        assert meta in lines, meta
    assert "WORSE" not in result.stdout


def test_a_project_file_holds_the_settings(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "ours"\n\n[tool.drills.compare]\nscenarios = "viral-complaint"\n'
        'seeds = 2\nworkers = 1\nfail_if_worse = "statements"\nmax_pages_per_role = 1000\n'
        'margins = {time_to_first_statement = "10m"}\n')
    runner = CliRunner()
    result = runner.invoke(cli, ["compare", "default", "strict", "--no-cache", "--json"])
    assert result.exit_code == 0, result.output
    assert "settings from pyproject.toml [tool.drills.compare]" in result.stderr
    doc = json.loads(result.stdout)
    assert doc["pairs"] == 2 and doc["run"]["scenarios"] == ["viral-complaint"]
    assert doc["primary"] == ["statements"]
    assert doc["metrics"]["time_to_first_statement"]["margin"] == 10
    flag = runner.invoke(cli, ["compare", "default", "strict", "--no-cache", "--json",
                               "--seeds", "1", "--margin", "time_to_first_statement=20m"])
    flagged = json.loads(flag.stdout)  # the command line wins
    assert flagged["pairs"] == 1
    assert flagged["metrics"]["time_to_first_statement"]["margin"] == 20
    (tmp_path / "drills.toml").write_text('[compare]\nseed = 3\n')
    bad = runner.invoke(cli, ["compare", "default", "strict", "--no-cache"])
    assert bad.exit_code == 2
    assert "drills.toml [compare]: unknown key 'seed' (did you mean 'seeds'?)" in bad.output
