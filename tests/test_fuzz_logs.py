"""Drill logs as users bring them (issue 22): a hand-written log out of time order is sorted
with one warning (refused with --strict, or when the tool wrote it); deep nesting, lone
surrogates, a lost action name and a far-away end are one line and exit 2, never a traceback;
score and report stream a log record by record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from drills.api import report_drill, report_from_lines, score_drill
from drills.cli.main import cli
from drills.log.files import MAX_RECORD_DEPTH, read_log_lines

ROOT = Path(__file__).resolve().parent.parent
TABLETOP = ROOT / "tests" / "data" / "logs" / "tabletop.jsonl"
#: The facilitator writes o1's story together (created at 0, acknowledged at 12, done at
#: 20), then the crisis rule that fired at 10: line 6 is the first out of time order.
STORY_ORDER = [0, 1, 2, 4, 5, 3, 6, 7, 8, 9, 10]


def _drill(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _exit_2_one_line(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _without_lines(value: Any) -> Any:
    """A score document without the log line numbers its findings point at."""
    if isinstance(value, dict):
        return {k: _without_lines(v) for k, v in value.items() if k not in ("line", "lines")}
    if isinstance(value, list):
        return [_without_lines(v) for v in value]
    return value


@pytest.fixture
def story_log(tmp_path: Path) -> Path:
    lines = TABLETOP.read_text(encoding="utf-8").splitlines()
    return _write(tmp_path / "story.jsonl", [lines[i] for i in STORY_ORDER])


def test_an_out_of_order_log_scores_exactly_as_the_same_log_sorted(story_log: Path) -> None:
    result = _drill("score", str(story_log), "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == (f"{story_log}:6: warning: records are not in time order; "
                             "sorted by time\n")
    sorted_result = _drill("score", str(TABLETOP), "--json")
    assert sorted_result.stderr == ""
    story, tidy = json.loads(result.stdout), json.loads(sorted_result.stdout)
    assert story["score"] == tidy["score"] == 92.3
    assert _without_lines(story) == _without_lines(tidy)


def test_the_sorted_records_keep_their_lines_in_the_file(story_log: Path) -> None:
    document = score_drill(str(story_log))
    done = {o["id"]: o for o in document["obligations"]}
    assert done["o1"]["status"] == "met" and done["o3"]["status"] == "met"


def test_strict_refuses_an_out_of_order_log_in_score_and_report(story_log: Path,
                                                                tmp_path: Path) -> None:
    for args in (["score", str(story_log), "--strict"],
                 ["report", str(story_log), "--strict", "-o", str(tmp_path / "r.html")]):
        err = _exit_2_one_line(_drill(*args))
        assert err == (f"error: {story_log}:6: records must be in time order: t 10 comes "
                       "after 20 (--strict: a hand-written log is not sorted)\n")
    assert not (tmp_path / "r.html").exists()


def test_a_report_of_an_out_of_order_log_is_the_report_of_it_sorted(story_log: Path) -> None:
    heard: list[str] = []
    story = report_drill(str(story_log), fmt="html", warn=heard.append)
    assert heard == [f"{story_log}:6: warning: records are not in time order; sorted by time"]
    tidy = report_drill(str(TABLETOP), fmt="html")
    assert story.text.replace(str(story_log), str(TABLETOP)) == tidy.text


def test_a_log_the_tool_wrote_stays_strict(tmp_path: Path) -> None:
    log = tmp_path / "drill.jsonl"
    run = _drill("run", "--seed", "3", "--hours", "2", "--log", str(log), "--no-store")
    assert run.exit_code == 0, run.output
    lines = log.read_text(encoding="utf-8").splitlines()
    late = next(i for i, line in enumerate(lines) if i > 3 and json.loads(line)["t"] > 10)
    lines.insert(2, lines.pop(late))  # a record moved ahead of its time
    broken = _write(tmp_path / "broken.jsonl", lines)
    for command in ("score", "report"):
        err = _exit_2_one_line(_drill(command, str(broken)))
        assert f"{broken}:4: records must be in time order" in err
        assert "it was changed or damaged" in err


def _tabletop_with(index: int, old: str, new: str, path: Path) -> Path:
    lines = TABLETOP.read_text(encoding="utf-8").splitlines()
    assert old in lines[index]
    lines[index] = lines[index].replace(old, new)
    return _write(path, lines)


@pytest.mark.parametrize("command", ["score", "report", "replay", "actions"])
def test_a_record_nested_1000_deep_is_one_line(tmp_path: Path, command: str) -> None:
    deep = "[" * 1000 + "]" * 1000
    log = _tabletop_with(7, '"We are looking into it."', deep, tmp_path / "deep.jsonl")
    args = [command, str(log)] + (["--no-store"] if command == "replay" else [])
    err = _exit_2_one_line(_drill(*args))
    assert f"{log}:8:1: the record is nested more than {MAX_RECORD_DEPTH} levels deep" in err


def test_nesting_below_the_cap_is_an_ordinary_record_error(tmp_path: Path) -> None:
    shallow = "[" * 10 + "]" * 10
    log = _tabletop_with(7, '"We are looking into it."', shallow, tmp_path / "shallow.jsonl")
    err = _exit_2_one_line(_drill("score", str(log)))
    assert f"{log}:8: 'text' must be a string, got a list" in err


@pytest.mark.parametrize("command", ["score", "report", "replay", "actions"])
def test_a_lone_surrogate_in_a_log_header_is_one_line(tmp_path: Path, command: str) -> None:
    log = _tabletop_with(0, '"team":"room-4"', '"team":"x\\ud800"', tmp_path / "s.jsonl")
    args = [command, str(log)] + (["--no-store"] if command == "replay" else [])
    err = _exit_2_one_line(_drill(*args))
    assert f"{log}:1:86: a lone surrogate (\\ud800) is not text" in err


def test_a_surrogate_pair_in_a_log_is_one_character(tmp_path: Path) -> None:
    log = _tabletop_with(0, '"team":"room-4"', '"team":"room-\\ud83d\\ude00"',
                         tmp_path / "pair.jsonl")
    assert read_log_lines(str(log))[0][1]["team"] == "room-\U0001f600"
    assert score_drill(str(log))["score"] == 92.3


def _live_log(tmp_path: Path) -> Path:
    actions = tmp_path / "actions.yaml"
    actions.write_text("actions:\n  - {at: 30m, member: Ana, role: comms_lead, action: notify}"
                       "\n", encoding="utf-8")
    log = tmp_path / "live.jsonl"
    result = _drill("run", "--actions", str(actions), "--hours", "2", "--seed", "1",
                    "--no-store", "--log", str(log))
    assert result.exit_code == 0, result.output
    return log


@pytest.mark.parametrize("command", ["replay", "actions", "score", "report"])
def test_an_action_record_without_its_action_is_refused_with_its_line(
        tmp_path: Path, command: str) -> None:
    log = _live_log(tmp_path)
    lines = log.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if '"human":true' in line)
    lines[index] = lines[index].replace('"action":"notify",', "")
    broken = _write(tmp_path / "lost.jsonl", lines)
    args = [command, str(broken)] + (["--no-store"] if command == "replay" else [])
    err = _exit_2_one_line(_drill(*args))
    assert f"{broken}:{index + 1}: an action record needs its 'action'" in err


@pytest.mark.parametrize("end", [500_000, 44_640, 0.5])
def test_a_report_draws_an_end_anywhere(tmp_path: Path, end: float) -> None:
    log = _tabletop_with(10, '"t":120', f'"t":{end}', tmp_path / "far.jsonl")
    if end < 120:  # an end before the last record is out of order: sorted
        lines = log.read_text(encoding="utf-8").splitlines()
        log = _write(log, [lines[0], *[x for x in lines[1:] if json.loads(x)["t"] <= end],
                           lines[10]])
    result = _drill("report", str(log), "--format", "md", "-o", str(tmp_path / "r.md"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r-timeline.png").read_bytes().startswith(b"\x89PNG")


def test_a_streamed_report_is_the_report_of_the_whole_log(tmp_path: Path) -> None:
    log = tmp_path / "drill.jsonl"
    run = _drill("run", "--seed", "5", "--hours", "6", "--log", str(log), "--no-store")
    assert run.exit_code == 0, run.output
    streamed = report_drill(str(log), fmt="md")
    whole = report_from_lines(read_log_lines(str(log)), fmt="md", source=str(log))
    assert streamed.text == whole.text
    assert streamed.images == whole.images
    count = len(read_log_lines(str(log)))
    assert f"{count:,}" in streamed.text


def test_a_record_written_above_the_one_it_follows_is_sorted_not_refused(
        tmp_path: Path) -> None:
    lines = TABLETOP.read_text(encoding="utf-8").splitlines()
    # o1 done (t 20) and acknowledged (t 12) written first, then the records of minute 0
    log = _write(tmp_path / "done-first.jsonl",
                 [lines[0], lines[5], lines[4], *lines[1:4], *lines[6:]])
    result = _drill("score", str(log), "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"{log}:3: warning: records are not in time order; sorted by time\n"
    assert json.loads(result.stdout)["score"] == 92.3
    report = _drill("report", str(log), "-o", str(tmp_path / "r.html"))
    assert report.exit_code == 0 and report.stderr.count("warning:") == 1, report.output


def test_an_error_in_an_ordered_hand_written_log_is_reported_as_it_is(tmp_path: Path) -> None:
    log = _tabletop_with(5, '"status":"done"', '"status":"dnoe"', tmp_path / "typo.jsonl")
    err = _exit_2_one_line(_drill("score", str(log)))
    assert f"{log}:6: obligation 'status' is 'dnoe' (did you mean 'done'?)" in err


@pytest.mark.parametrize(("index", "old", "new", "message"), [
    (10, '"t":120', '"t":1' + "0" * 400, "'t' must be a number of minutes, got a number out of "
     "range"),
    (1, '"due":30', '"due":1' + "0" * 400, "'due' must be a number, got a number out of range"),
    (10, '"t":120', '"t":NaN', "'t' must be a number of minutes, got nan"),
    (1, '"due":30', '"due":-Infinity', "'due' must be a number, got -inf"),
])
def test_numbers_a_float_cannot_hold_are_refused_with_their_line(
        tmp_path: Path, index: int, old: str, new: str, message: str) -> None:
    log = _tabletop_with(index, old, new, tmp_path / "numbers.jsonl")
    for command in ("score", "report"):
        err = _exit_2_one_line(_drill(command, str(log)))
        assert f"{log}:{index + 1}: {message}" in err
