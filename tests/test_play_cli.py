"""``drill play --plain``, ``drill replay``, ``drill actions`` and ``drill run --actions``,
used as a person would: through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from drills.cli.main import cli

SESSION = """\
inbox
wait 5h
ack
wait 10m
ack
feed 3 x
do o2
do o4 via x : hi
wait 40m
act holding_statement via x,facebook : We're aware of reports about {product} units.
do o999
bogus
act reply on e99999 : sorry
wait 1h
quit
"""
PLAY = ["play", "--plain", "--speed", "0", "--seed", "1", "--start", "fri 17:30",
        "--as", "Ana"]


def _play(tmp_path: Path, name: str = "play.jsonl", script: str = SESSION) -> tuple[Path, str]:
    log = tmp_path / name
    result = CliRunner().invoke(cli, [*PLAY, "--log", str(log)], input=script)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return log, result.output


def test_plain_mode_runs_a_session_from_stdin(tmp_path: Path) -> None:
    log, out = _play(tmp_path)
    assert "You play comms_lead as Ana." in out
    assert "PAGE o2: notify - 'ack o2'" in out
    assert "stopped waiting at fri 19:45: something needs you" in out
    assert "acknowledged o2: notify, due 20:00" in out
    assert "a1: notify, fulfils o2 (on time)" in out
    # Bad commands: one line each, and the drill goes on.
    assert "? unknown command 'bogus'; 'help' lists the commands" in out
    assert "? no obligation 'o999'" in out
    assert "? no event 'e99999' to act on" in out
    # Coaching on the text, at once and in the report.
    assert "coach: fill in {product} before publishing" in out
    assert "coach: say when the next update comes" in out
    assert "People: Ana. Coaching on their words" in out
    assert "ending the drill at" in out and "Score " in out
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert records[0]["humans"] == {"comms_lead": "Ana"}
    assert records[-1]["type"] == "end"
    actions = [r for r in records if r["type"] == "action" and r.get("human")]
    assert [a["action"] for a in actions] == ["notify", "notify", "holding_statement"]
    assert actions[2]["channels"] == ["x", "facebook"]


def test_replay_reproduces_a_played_log_byte_for_byte(tmp_path: Path) -> None:
    log, _out = _play(tmp_path)
    again = tmp_path / "again.jsonl"
    result = CliRunner().invoke(cli, ["replay", str(log), "--log", str(again)])
    assert result.exit_code == 0, result.output
    assert "identical" in result.output
    assert again.read_bytes() == log.read_bytes()


def test_the_same_session_twice_gives_the_same_log(tmp_path: Path) -> None:
    first, _ = _play(tmp_path, "a.jsonl")
    second, _ = _play(tmp_path, "b.jsonl")
    assert first.read_bytes() == second.read_bytes()


def test_replay_says_where_a_changed_input_makes_it_differ(tmp_path: Path, root: Path) -> None:
    rulebook = tmp_path / "rules.yaml"
    rulebook.write_text((root / "rules" / "default.yaml").read_text())
    log = tmp_path / "play.jsonl"
    result = CliRunner().invoke(cli, [*PLAY, "--rulebook", str(rulebook), "--log", str(log)],
                                input="wait 5h\nack\nquit\n")
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(cli, ["replay", str(log)]).exit_code == 0
    changed = rulebook.read_text().replace("mentions_1h >= 15 and", "mentions_1h >= 10 and")
    assert changed != rulebook.read_text()
    rulebook.write_text(changed)
    result = CliRunner().invoke(cli, ["replay", str(log)])
    assert result.exit_code == 1
    assert "differs from line" in result.output


def test_a_simulated_drill_replays_too(tmp_path: Path) -> None:
    log = tmp_path / "sim.jsonl"
    result = CliRunner().invoke(cli, ["run", "--seed", "4", "--hours", "6", "--log", str(log)])
    assert result.exit_code == 0, result.output
    again = tmp_path / "again.jsonl"
    result = CliRunner().invoke(cli, ["replay", str(log), "--log", str(again)])
    assert result.exit_code == 0, result.output
    assert again.read_bytes() == log.read_bytes()


def test_recorded_actions_reproduce_the_played_drill(tmp_path: Path) -> None:
    """play -> actions -> run --actions: the same drill, byte for byte."""
    log, _ = _play(tmp_path)
    actions = tmp_path / "actions.yaml"
    result = CliRunner().invoke(cli, ["actions", str(log), "-o", str(actions)])
    assert result.exit_code == 0, result.output
    text = actions.read_text()
    assert "humans:\n  comms_lead: \"Ana\"" in text
    assert "action: holding_statement" in text
    assert CliRunner().invoke(cli, ["lint", str(actions)]).exit_code == 0
    rerun = tmp_path / "rerun.jsonl"
    result = CliRunner().invoke(cli, ["run", "--seed", "1", "--start", "fri 17:30",
                                      "--actions", str(actions), "--log", str(rerun)])
    assert result.exit_code == 0, result.output
    played = log.read_text().splitlines()
    recorded = rerun.read_text().splitlines()
    # The played drill ended early (quit); the recorded one runs to the end: same until then.
    while _closing(played[-1]):  # what quitting wrote: the end, and what stayed open
        played.pop()
    assert recorded[:len(played)] == played


def _closing(line: str) -> bool:
    record = json.loads(line)
    return record["type"] == "end" or record.get("status") in ("open", "missed")


ACTIONS = """\
actions:
  - {at: 136m, member: Ana, role: comms_lead, action: acknowledge}
  - {at: 140m, member: Ana, action: notify}
  - {at: 3h, member: Ana, action: holding_statement, channels: [x, facebook],
     text: "We're aware of reports about overheating kettles. Next update by 21:30."}
  - {at: 61m, member: Bo, role: community_manager, action: reply, event: e4, text: "Sorry!"}
"""


def _run_actions(tmp_path: Path, text: str, *extra: str) -> tuple[int, str, Path]:
    """Exit code, stdout (with stderr when it failed) and the log's path."""
    path = tmp_path / "actions.yaml"
    path.write_text(text)
    log = tmp_path / "run.jsonl"
    result = CliRunner().invoke(cli, ["run", "--seed", "1", "--start", "fri 17:30", "--hours",
                                      "8", "--actions", str(path), "--log", str(log), *extra])
    return result.exit_code, result.stdout if result.exit_code == 0 else result.output, log


def test_run_with_recorded_actions_is_deterministic_and_scored(tmp_path: Path) -> None:
    code, out, log = _run_actions(tmp_path, ACTIONS, "--json")
    assert code == 0, out
    first = log.read_bytes()
    code, _out, log = _run_actions(tmp_path, ACTIONS, "--json")
    assert code == 0 and log.read_bytes() == first
    document = json.loads(out)
    assert document["people"] == ["Ana", "Bo"]
    records = [json.loads(line) for line in first.decode().splitlines()]
    assert records[0]["humans"] == {"comms_lead": "Ana", "community_manager": "Bo"}
    mine = [r for r in records if r.get("human")]
    assert [(r["type"], r.get("member"), r.get("action") or r.get("status")) for r in mine] == [
        ("action", "Bo", "reply"), ("obligation", "Ana", "acknowledged"),
        ("action", "Ana", "notify"), ("action", "Ana", "holding_statement")]
    assert [r["t"] for r in mine] == [61, 136, 140, 180]


def test_a_no_show_scores_lower_and_the_backup_takes_over(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["run", "--seed", "1", "--start", "fri 17:30", "--hours", "8", "--json"]
    absent = runner.invoke(cli, [*base, "--human", "comms_lead"])
    assert absent.exit_code == 0, absent.output
    code, out, _log = _run_actions(tmp_path, ACTIONS, "--json")
    assert code == 0, out
    absent_doc, present_doc = json.loads(absent.stdout), json.loads(out)
    assert present_doc["score"] > absent_doc["score"]
    done = [o for o in absent_doc["obligations"] if o["role"] == "comms_lead" and o["by"]]
    assert done and all(o["by"] != "no-show" for o in done)
    assert absent_doc["people"] == ["no-show"]


@pytest.mark.parametrize(("text", "message"), [
    ("actions:\n  - {at: 5x, member: Ana, role: comms_lead, action: notify}\n",
     "actions.yaml:2:"),
    ("actions:\n  - {at: 5m, member: Ana, role: comms_lead, action: notfy}\n",
     "actions.yaml:2:.*notfy"),
    ("actions:\n  - {at: 5m, member: Ana, action: notify}\n",
     "actions.yaml:2:5: say which role Ana plays"),
    ("actions:\n  - {at: 5m, member: Ana, role: comms_lead, action: notify}\n"
     "  - {at: 6m, member: Bo, role: comms_lead, action: notify}\n",
     "actions.yaml:3:.*comms_lead is played by Ana"),
    ("actions:\n  - {at: 5m, member: Ana, role: comms_lad, action: notify}\n",
     "actions.yaml:2:.*'comms_lad' is not a role of rulebook 'default'"),
    ("actions:\n  - {at: 5m, member: Ana, role: comms_lead, action: reply, event: e99999}\n",
     "actions.yaml:2:5: at fri 17:35, Ana: no event 'e99999'"),
    ("actions:\n  - {at: 5m, member: Ana, role: comms_lead, action: acknowledge}\n",
     "actions.yaml:2:5: at fri 17:35, Ana: no page is waiting"),
    ("actions:\n  - {at: 9d, member: Ana, role: comms_lead, action: notify}\n",
     "after the drill's end"),
    ("rulebook: x\n", "this is a rulebook file, not a actions"),
])
def test_a_bad_actions_file_gets_one_positioned_error(tmp_path: Path, text: str,
                                                      message: str) -> None:
    code, out, log = _run_actions(tmp_path, text)
    assert code == 2, out
    assert "Traceback" not in out
    import re

    assert re.search(message, out), out
    assert not log.exists()


def test_ctrl_c_ends_a_plain_session_and_keeps_the_log(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    log = tmp_path / "ctrl-c.jsonl"
    drill = Path(sys.executable).with_name("drill")
    process = subprocess.Popen([str(drill), *PLAY, "--log", str(log)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdin is not None
    process.stdin.write("wait 5h\nack\n")
    process.stdin.flush()
    time.sleep(3)
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 130, out  # interrupted, the log kept (issue 22)
    assert "interrupted: ending the drill at" in out and "Traceback" not in out
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert records[-1]["type"] == "end"
    assert any(r.get("human") and r.get("status") == "acknowledged" for r in records)


def test_a_played_log_scores_as_the_session_said(tmp_path: Path) -> None:
    import re

    log, out = _play(tmp_path)
    said = float(re.search(r"Score (\d+\.\d) / 100", out).group(1))  # type: ignore[union-attr]
    result = CliRunner().invoke(cli, ["score", str(log), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["score"] == said
    assert document["people"] == ["Ana"]
    assert [c["action"] for c in document["coaching"]] == ["holding_statement"]
    assert document["coaching"][0]["notes"][0] == "fill in {product} before publishing"
