"""What users hit at the command line (issue 22): unwritable paths, a log folder that
vanishes, Ctrl-C, one-line value errors, the seed of ``play``, replay and the store."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from drills.cli.main import cli

RUN = ["run", "--seed", "1", "--hours", "1", "--no-store"]


def _records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A simulated drill's log and one with a (no-show) person in it."""
    folder = tmp_path_factory.mktemp("logs")
    made = {"run": folder / "run.jsonl", "human": folder / "human.jsonl"}
    for key, extra in (("run", []), ("human", ["--human", "comms_lead"])):
        result = CliRunner().invoke(cli, [*RUN, *extra, "--log", str(made[key])])
        assert result.exit_code == 0, result.output
    return made


# -- 1. output paths a user cannot write ------------------------------------------------------

def _unwritable_cases(logs: dict[str, Path], target: str) -> list[tuple[list[str], str]]:
    return [
        (["play", "--plain", "--speed", "0", "--seed", "1", "--log", target], "--log"),
        ([*RUN, "--log", target], "--log"),
        (["report", str(logs["run"]), "-o", target], "-o"),
        (["actions", str(logs["human"]), "-o", target], "-o"),
        (["replay", str(logs["run"]), "--log", target], "--log"),
    ]


def test_a_path_under_a_file_is_one_line_naming_the_flag(tmp_path: Path,
                                                          logs: dict[str, Path]) -> None:
    afile = tmp_path / "notes.txt"
    afile.write_text("not a folder\n")
    target = str(afile / "new.jsonl")
    for args, flag in _unwritable_cases(logs, target):
        result = CliRunner().invoke(cli, args, input="quit\n")
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.strip() == f"error: {flag} {target}: {afile} is a file, not a " \
                                         "folder", args
        assert "Traceback" not in result.output
        # Checked before the drill: nothing ran, so no score was printed.
        assert "Score" not in result.stdout, args


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes a folder whatever its mode")
def test_a_read_only_folder_is_one_line_naming_the_flag(tmp_path: Path,
                                                         logs: dict[str, Path]) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        for args, flag in _unwritable_cases(logs, str(folder / "new.jsonl")):
            result = CliRunner().invoke(cli, args, input="quit\n")
            assert result.exit_code == 2, (args, result.output)
            assert result.stderr.startswith(f"error: {flag} {folder / 'new.jsonl'}: cannot "
                                            f"write in {folder}"), args
            assert result.stderr.count("\n") == 1
    finally:
        folder.chmod(0o700)


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    target = tmp_path / "nope" / "run.jsonl"
    result = CliRunner().invoke(cli, [*RUN, "--log", str(target)])
    assert result.exit_code == 2
    assert result.stderr == f"error: --log {target}: the folder {target.parent} does not " \
                            "exist\n"


# -- 2. the log folder disappears during a session ---------------------------------------------

def test_a_session_log_survives_its_folder_vanishing(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder is deleted while the person plays (by the ``wait`` below); the log is
    rescued to the user's data folder, the user is told where, the report still prints."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "logs"
    folder.mkdir()
    from drills.play import console as console_module

    original = console_module.Console.execute

    def execute(self: console_module.Console, line: str) -> object:
        if line.strip() == "quit":
            shutil.rmtree(folder)
        return original(self, line)

    monkeypatch.setattr(console_module.Console, "execute", execute)
    result = CliRunner().invoke(cli, ["play", "--plain", "--speed", "0", "--seed", "1",
                                      "--no-store", "--log", str(folder / "p.jsonl")],
                                input="wait 30m\nquit\n")
    assert result.exit_code == 0, result.output
    rescued = tmp_path / "data" / "crisis-drills" / "rescued" / "p.jsonl"
    assert f"saved it to {rescued} instead" in result.stderr
    assert f"log written to {rescued}" in result.stderr
    assert "Score" in result.stdout
    assert _records(rescued)[-1]["type"] == "end"
    assert not folder.exists()


def test_atomic_text_rescues_and_warns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from drills.log import files

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    folder = tmp_path / "gone"
    folder.mkdir()
    with pytest.warns(files.Rescued) as caught, files.atomic_log(str(folder / "a.jsonl")) as sink:
        sink.write({"type": "drill", "t": 0})
        shutil.rmtree(folder)
    rescued = Path(caught[0].message.rescued)  # type: ignore[union-attr]
    assert rescued.read_text() == '{"type":"drill","t":0}\n'
    assert not list((tmp_path / "data" / "crisis-drills" / "rescued").glob(".drill-*"))


# -- 3. Ctrl-C -----------------------------------------------------------------------------------

def _wait_for(condition: object, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_ctrl_c_in_run_keeps_a_partial_log_and_exits_130(tmp_path: Path) -> None:
    log = tmp_path / "long.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "drills.cli.main", "run", "--seed", "3", "--hours", "744",
         "--no-store", "--log", str(log)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        # Interrupt once the drill is writing its log (the temporary file beside it grows).
        _wait_for(lambda: any(p.stat().st_size > 50_000 for p in tmp_path.glob(".drill-*")))
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert "Aborted" not in err and "Traceback" not in err
    assert "interrupted: the drill stopped at minute" in err
    assert f"its partial log is in {log}" in err
    records = _records(log)
    assert records[-1]["type"] == "end" and records[-1]["interrupted"] is True
    assert 0 < float(records[-1]["t"]) < 744 * 60  # type: ignore[arg-type]
    scored = CliRunner().invoke(cli, ["score", str(log), "--json"])
    assert scored.exit_code == 0, scored.output
    assert not list(tmp_path.glob(".drill-*"))


def test_interrupted_run_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same without a signal: the drill raises KeyboardInterrupt at a monitoring tick."""
    from drills.cli import progress

    def interrupting(report: object, *, enabled: bool = True) -> object:
        from contextlib import contextmanager

        @contextmanager
        def stop() -> object:
            def tick(now: float, _end: float) -> None:
                if now >= 30:
                    raise KeyboardInterrupt
            yield tick
        return stop()

    monkeypatch.setattr(progress, "stop_on_interrupt", interrupting)
    log = tmp_path / "run.jsonl"
    result = CliRunner().invoke(cli, [*RUN, "--log", str(log)])
    assert result.exit_code == 130, result.output
    assert "Aborted" not in result.output
    assert _records(log)[-1]["interrupted"] is True


def test_ctrl_c_in_plain_play_exits_130_and_keeps_the_log(tmp_path: Path) -> None:
    log = tmp_path / "play.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "drills.cli.main", "play", "--plain", "--speed", "0",
         "--seed", "1", "--no-store", "--log", str(log)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=tmp_path)
    try:
        assert process.stdin is not None and process.stdout is not None
        # Once a command is answered, the session's loop (and its Ctrl-C handler) runs.
        process.stdin.write("inbox\n")
        process.stdin.flush()
        _wait_for(lambda: process.stdout.readline().startswith("> inbox"))  # type: ignore
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert "interrupted: ending the drill at" in out
    assert "Score" in out
    assert _records(log)[-1]["type"] == "end"


# -- 5. usage errors, check's summary, play's seed -----------------------------------------------

def test_a_bad_value_is_one_line_and_exit_2() -> None:
    result = CliRunner().invoke(cli, ["play", "--speed", "abc"])
    assert result.exit_code == 2
    assert result.stderr == "error: Invalid value for '--speed': 'abc' is not a valid float " \
                            "range.\n"
    assert "Usage:" not in result.output and "Try" not in result.output


def test_check_counts_what_it_printed() -> None:
    result = CliRunner().invoke(cli, ["check", "--scenario", "sv-data-breach", "--rulebook",
                                      "strict", "--team", "skeleton-weekend", "--start",
                                      "sat 21:00"])
    assert result.exit_code == 0
    warnings = [line for line in result.stdout.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2
    assert result.stderr == "sv-data-breach x strict x skeleton-weekend checked together: " \
                            "0 error(s), 2 warning(s)\n"
    assert result.stdout.endswith("\n")


def test_play_draws_and_prints_a_seed_when_none_is_given(tmp_path: Path) -> None:
    help_text = CliRunner().invoke(cli, ["play", "--help"]).output
    assert "[default: 1]" not in help_text and "drawn and printed" in help_text
    result = CliRunner().invoke(cli, ["play", "--plain", "--speed", "0", "--no-store",
                                      "--log", str(tmp_path / "p.jsonl")], input="quit\n")
    assert result.exit_code == 0, result.output
    seed = int(result.stderr.split("seed ", 1)[1].split()[0])
    assert _records(tmp_path / "p.jsonl")[0]["seed"] == seed


# -- 6. replay records only when asked -----------------------------------------------------------

def test_replay_records_in_the_store_only_with_store(tmp_path: Path,
                                                     logs: dict[str, Path]) -> None:
    db = str(tmp_path / "h.db")
    plain = CliRunner().invoke(cli, ["replay", str(logs["run"]), "--db", db])
    assert plain.exit_code == 0, plain.output
    assert "recorded as drill" not in plain.stderr
    stored = CliRunner().invoke(cli, ["replay", str(logs["run"]), "--store", "--db", db])
    assert stored.exit_code == 0, stored.output
    assert "recorded as drill 1" in stored.stderr
    history = CliRunner().invoke(cli, ["history", "--db", db, "--json"])
    assert len(json.loads(history.stdout)) == 1


# -- 4. the bench on a plain install ----------------------------------------------------------

_PLAIN_INSTALL = """
import sys
for name in ("httpx", "distributed", "dask"):
    sys.modules[name] = None  # import fails, as on a plain `pip install .`
from drills.bench import figures


def bench_cluster(quick, progress):
    import distributed  # noqa: F401 - needs the cluster extra
    return {"cluster.x": 1}


figures.bench_cluster = bench_cluster
# The serve load test (the one that used httpx), a section needing dask, and a cheap one:
# the whole bench is `test_cli.py`'s; here what a missing extra does.
figures.SECTIONS[:] = [figures.bench_serve, bench_cluster, figures.bench_baselines]
from drills.cli.main import cli
cli(["bench", "--quick", "--json"])
"""


def test_the_bench_runs_without_the_dev_extra(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-c", _PLAIN_INSTALL], capture_output=True,
                            text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["serve.participants"] == 30
    assert figures["serve.actions"] > 0
    assert figures["serve.actions_lost"] == 0
    assert figures["baseline.simpy_events_per_s"] > 0
    assert figures["skipped"] == {
        "cluster": "needs distributed (pip install 'crisis-drills[cluster]')"}
    assert "cluster: skipped, needs distributed" in result.stderr


# -- 7. a drill quit at minute 0 is not rated ---------------------------------------------------

def test_a_drill_quit_at_minute_0_is_not_rated(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    log = tmp_path / "q.jsonl"
    played = CliRunner().invoke(cli, ["play", "--plain", "--speed", "0", "--seed", "1",
                                      "--db", db, "--log", str(log)], input="quit\n")
    assert played.exit_code == 0, played.output
    assert "Score: not rated: the drill ended at minute 0" in played.stdout
    assert "100.0" not in played.stdout and "Rating P" not in played.stdout
    scored = CliRunner().invoke(cli, ["score", str(log), "--json"])
    document = json.loads(scored.stdout)
    assert (document["score"], document["rating"]) == (None, None)
    assert CliRunner().invoke(cli, ["score", str(log), "--fail-under", "50"]).exit_code == 1
    history = CliRunner().invoke(cli, ["history", "--db", db])
    assert history.exit_code == 0, history.output
    row = next(line for line in history.stdout.splitlines() if "overheating-kettle" in line)
    assert row.rstrip().endswith("not rated"), row
    report = CliRunner().invoke(cli, ["report", str(log), "--format", "md", "-o",
                                      str(tmp_path / "r.md")])
    assert report.exit_code == 0, report.output
    assert "not rated" in (tmp_path / "r.md").read_text()


def test_a_drill_that_ran_its_course_is_rated_even_when_quiet(tmp_path: Path) -> None:
    """Nothing asked and nothing done over the whole planned drill is still rated."""
    from drills.inputs.builtins import resolve
    from drills.rulebook.load import load_rulebook
    from drills.score.score import score_log

    header = {"type": "drill", "t": 0, "schema": 1, "seed": 1, "scenario": "x",
              "rulebook": "default", "team": "t", "start": "mon 09:00", "duration": 60.0}
    book = load_rulebook(resolve("rulebook", "default"))
    ran = score_log([header, {"type": "end", "t": 60, "duration": 60}], book)
    assert ran["rating"] is not None and ran["score"] is not None
    quit_early = score_log([header, {"type": "end", "t": 5, "duration": 5}], book)
    assert quit_early["rating"] is None


# -- 8. play -> actions -> run --actions ---------------------------------------------------------

SESSION = "wait 5h\nack\nwait 10m\nack\nwait 40m\n" \
          "act holding_statement via x : We are aware. Next update by 19:30.\nwait 1h\nquit\n"


def test_play_actions_run_reproduces_the_session_byte_for_byte(tmp_path: Path) -> None:
    """A session where the person acknowledged pages and quit early: the actions file
    carries the drill's options and where it ended, so a run of it *is* the session (the
    same header, the same log, byte for byte)."""
    played = tmp_path / "play.jsonl"
    result = CliRunner().invoke(cli, ["play", "--plain", "--speed", "0", "--seed", "1",
                                      "--start", "fri 17:30", "--no-store", "--log",
                                      str(played)], input=SESSION)
    assert result.exit_code == 0, result.output
    assert sum(1 for r in _records(played) if r.get("status") == "acknowledged"
               and r.get("human")) == 2
    actions = tmp_path / "a.yaml"
    assert CliRunner().invoke(cli, ["actions", str(played), "-o", str(actions)]).exit_code == 0
    assert "seed: 1" in actions.read_text() and 'start: "fri 17:30"' in actions.read_text()
    rerun = tmp_path / "run.jsonl"
    result = CliRunner().invoke(cli, ["run", "--actions", str(actions), "--no-store", "--log",
                                      str(rerun)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr and "seed " not in result.stderr
    assert rerun.read_bytes() == played.read_bytes()


def test_a_run_with_other_options_than_recorded_warns_once(tmp_path: Path) -> None:
    actions = tmp_path / "a.yaml"
    actions.write_text('drill: {seed: 1, start: "fri 17:30", scenario: overheating-kettle}\n'
                       "humans: {comms_lead: Ana}\nactions: []\n")
    same = CliRunner().invoke(cli, ["run", "--actions", str(actions), "--start", "fre 17:30",
                                    "--hours", "1", "--no-store"])
    warnings = [line for line in same.stderr.splitlines() if line.startswith("warning")]
    assert warnings == [f"warning: {actions} was recorded with --hours (not given); this run "
                        "differs, so it is another drill with another score"]
    other = CliRunner().invoke(cli, ["run", "--actions", str(actions), "--seed", "2",
                                     "--start", "mon 09:00", "--no-store"])
    assert other.exit_code == 0, other.output
    assert other.stderr.splitlines()[0] == (
        f"warning: {actions} was recorded with --seed 1, --start fri 17:30; this run "
        "differs, so it is another drill with another score")
    plain = CliRunner().invoke(cli, ["run", "--actions", str(actions), "--no-store", "--json"])
    assert json.loads(plain.stdout)["drill"]["start"] == "fri 17:30"
    assert json.loads(plain.stdout)["drill"]["seed"] == 1


# -- 9. a log names its inputs portably -----------------------------------------------------------

def _own_scenario(folder: Path, root: Path) -> Path:
    """A scenario of the user's own (a built-in under another id), in ``folder``."""
    text = (root / "scenarios" / "overheating-kettle.yaml").read_text(encoding="utf-8")
    path = folder / "limit-long.yaml"
    path.write_text(text.replace("scenario: overheating-kettle", "scenario: limit-long", 1),
                    encoding="utf-8")
    return path


def test_a_simulated_drill_from_a_file_replays_beside_it_or_from_a_library(
        tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "drill").mkdir()
    (tmp_path / "lib").mkdir()
    scenario = _own_scenario(tmp_path / "drill", root)
    log = tmp_path / "drill" / "d.jsonl"
    monkeypatch.chdir(tmp_path / "drill")
    ran = CliRunner().invoke(cli, [*RUN, "--scenario", "limit-long.yaml", "--log", str(log)])
    assert ran.exit_code == 0, ran.output
    monkeypatch.chdir(tmp_path)  # elsewhere: the file is found beside the log
    again = CliRunner().invoke(cli, ["replay", str(log)])
    assert again.exit_code == 0, again.output
    assert "identical" in again.stderr
    mailed = tmp_path / "mailed.jsonl"
    shutil.copy(log, mailed)  # the log alone: the error names the file it needs
    missing = CliRunner().invoke(cli, ["replay", str(mailed)])
    assert missing.exit_code == 2
    assert missing.stderr.startswith(f"error: {mailed}: the drill ran with scenario "
                                     "'limit-long', which is not a built-in; it needs the "
                                     "file limit-long.yaml")
    assert missing.stderr.count("\n") == 1
    shutil.move(str(scenario), tmp_path / "lib" / "renamed.yaml")  # found by its id
    found = CliRunner().invoke(cli, ["replay", str(mailed), "--library", str(tmp_path / "lib")])
    assert found.exit_code == 0, found.output
    assert "identical" in found.stderr


def test_a_people_drill_names_a_file_beside_its_log_relatively_with_its_hash(
        tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from drills.log.sources import content_hash

    folder = tmp_path / "session"
    folder.mkdir()
    scenario = _own_scenario(folder, root)
    log = folder / "d.jsonl"
    ran = CliRunner().invoke(cli, [*RUN, "--human", "comms_lead", "--scenario", str(scenario),
                                   "--log", str(log)])
    assert ran.exit_code == 0, ran.output
    inputs = _records(log)[0]["inputs"]
    assert inputs["scenario"] == "limit-long.yaml"  # type: ignore[index]
    assert inputs["sha256"] == {"scenario": content_hash(str(scenario))}  # type: ignore[index]
    moved = tmp_path / "elsewhere"
    shutil.move(str(folder), moved)  # the folder moves as a whole
    monkeypatch.chdir(tmp_path)
    again = CliRunner().invoke(cli, ["replay", str(moved / "d.jsonl")])
    assert again.exit_code == 0, again.output
    assert "identical" in again.stderr
    # Only the log: a library holding the same content under another name serves.
    (tmp_path / "lib").mkdir()
    shutil.move(str(moved / "limit-long.yaml"), tmp_path / "lib" / "kettle-v2.yaml")
    missing = CliRunner().invoke(cli, ["replay", str(moved / "d.jsonl")])
    assert missing.exit_code == 2 and "it needs the file 'limit-long.yaml' (sha256 " \
        in missing.stderr
    found = CliRunner().invoke(cli, ["replay", str(moved / "d.jsonl"), "--library",
                                     str(tmp_path / "lib")])
    assert found.exit_code == 0, found.output
    # A file of that name whose content changed since is named in a warning.
    changed = moved / "limit-long.yaml"
    changed.write_text((tmp_path / "lib" / "kettle-v2.yaml").read_text() + "\n# edited\n")
    noted = CliRunner().invoke(cli, ["replay", str(moved / "d.jsonl")])
    assert f"warning: {changed} is not the scenario file the drill ran with" in noted.stderr


# -- 10. progress on long runs, on a terminal only -------------------------------------------

class _Terminal:
    """A stream that says it is a terminal."""

    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


def test_progress_bars_wait_two_seconds_and_stay_off_pipes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    import tqdm

    from drills.cli import progress

    made: list[dict[str, object]] = []

    class Recording(tqdm.tqdm):  # type: ignore[type-arg]
        def __init__(self, *args: object, **kwargs: object) -> None:
            made.append(kwargs)
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tqdm, "tqdm", Recording)
    for make in (progress.drill_progress, lambda s: progress.bar("B", s)):
        piped = io.StringIO()
        report, finish = make(piped)
        report(30, 60)
        finish()
        assert piped.getvalue() == ""
        report, finish = make(_Terminal())
        report(30, 60)
        finish()
    assert [kwargs["delay"] for kwargs in made] == [2.0, 2.0]


def test_score_report_and_replay_report_their_progress(
        tmp_path: Path, logs: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from drills.api import replay_drill, score_drill
    from drills.cli import progress

    read: list[tuple[int, int]] = []
    score_drill(str(logs["run"]), progress=lambda done, size: read.append((done, size)))
    size = logs["run"].stat().st_size
    assert read[-1] == (size, size)
    simulated: list[tuple[float, float]] = []
    replay_drill(str(logs["human"]), progress=lambda now, end: simulated.append((now, end)))
    assert simulated[-1][1] == 60.0 and simulated[-1][0] >= 59
    assert [now for now, _end in simulated] == sorted(now for now, _end in simulated)
    # The commands hand a bar to them (drawn only on a terminal).
    asked: list[str] = []

    def fake_bar(unit: str, stream: object = None) -> tuple[object, object]:
        asked.append(unit)
        return (lambda _done, _total: None), (lambda: None)

    def fake_drill(stream: object = None) -> tuple[object, object]:
        asked.append("drill")
        return (lambda _now, _end: None), (lambda: None)

    monkeypatch.setattr(progress, "bar", fake_bar)
    monkeypatch.setattr(progress, "drill_progress", fake_drill)
    for args in (["score", str(logs["run"])], ["report", str(logs["run"]), "-o",
                                                str(tmp_path / "r.html")],
                 ["replay", str(logs["human"])]):
        assert CliRunner().invoke(cli, args).exit_code == 0, args
    assert asked == ["B", "B", "drill"]


def test_a_played_drill_names_a_scenario_beside_its_log_by_its_name(
        tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = _own_scenario(tmp_path, root)
    log = tmp_path / "p.jsonl"
    played = CliRunner().invoke(cli, ["play", "--plain", "--speed", "0", "--seed", "1",
                                      "--no-store", "--scenario", str(scenario), "--log",
                                      str(log)], input="wait 1h\nquit\n")
    assert played.exit_code == 0, played.output
    assert _records(log)[0]["inputs"]["scenario"] == "limit-long.yaml"  # type: ignore[index]
    moved = tmp_path / "moved"
    moved.mkdir()
    for path in (scenario, log):
        shutil.move(str(path), moved / path.name)
    monkeypatch.chdir(moved.parent.parent)
    again = CliRunner().invoke(cli, ["replay", str(moved / "p.jsonl")])
    assert again.exit_code == 0 and "identical" in again.stderr, again.output


def test_actions_of_a_drill_with_a_file_beside_its_log_run_from_elsewhere(
        tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "session"
    folder.mkdir()
    scenario = _own_scenario(folder, root)
    log = folder / "p.jsonl"
    played = CliRunner().invoke(cli, ["play", "--plain", "--speed", "0", "--seed", "1",
                                      "--no-store", "--scenario", str(scenario), "--log",
                                      str(log)], input=SESSION)
    assert played.exit_code == 0, played.output
    monkeypatch.chdir(tmp_path)
    actions = tmp_path / "a.yaml"
    assert CliRunner().invoke(cli, ["actions", str(log), "-o", str(actions)]).exit_code == 0
    rerun = folder / "again.jsonl"
    result = CliRunner().invoke(cli, ["run", "--actions", str(actions), "--no-store", "--log",
                                      str(rerun)])
    assert result.exit_code == 0, result.output
    assert rerun.read_bytes() == log.read_bytes()


def test_a_log_to_dev_null_leaves_the_device_alone(tmp_path: Path) -> None:
    """Writing the log to /dev/null (or a pipe) writes through it: an atomic rename onto it
    would replace the device itself, for every program on the machine when run as root."""
    import stat

    before = os.stat("/dev/null")
    assert stat.S_ISCHR(before.st_mode)
    result = CliRunner().invoke(cli, ["run", "--seed", "1", "--hours", "1", "--log",
                                      "/dev/null"])
    assert result.exit_code == 0, result.output
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    import threading

    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    result = CliRunner().invoke(cli, ["run", "--seed", "1", "--hours", "1", "--log", str(fifo)])
    reader.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert got and got[0].startswith(b'{"type":"drill"')
