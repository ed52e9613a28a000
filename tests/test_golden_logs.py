"""Golden drill logs: the sha256 of the log and of the score of a few drills, simulated,
with people (an actions file, a no-show role) and played (``--plain``, speed 0).

A refactor of the world or of the drive layer must leave every one byte-identical. A
deliberate change of behaviour regenerates them with ``UPDATE_GOLDEN=1 python -m pytest
tests/test_golden_logs.py``; the diff of ``tests/golden/logs/digests.json`` then says which drills
changed, and the commit says why.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from click.testing import CliRunner

from drills.cli.main import cli

GOLDEN = Path(__file__).parent / "golden" / "logs" / "digests.json"
ACTIONS = Path(__file__).parent / "data" / "actions" / "golden.yaml"

RUNS: dict[str, list[str]] = {
    "kettle-default-standard": ["run", "--seed", "1", "--start", "fri 17:30", "--hours", "12"],
    "tone-deaf-strict-understaffed": [
        "run", "--scenario", "tone-deaf-campaign", "--rulebook", "strict", "--team",
        "understaffed", "--seed", "3", "--start", "mon 09:00", "--hours", "8"],
    "rumour-weekend": ["run", "--scenario", "rumour-wave", "--team", "skeleton-weekend",
                       "--seed", "2", "--start", "sat 10:00", "--hours", "10"],
    "sv-data-breach": ["run", "--scenario", "sv-data-breach", "--seed", "7",
                       "--start", "tue 10:00", "--hours", "6"],
    "no-show-comms-lead": ["run", "--seed", "1", "--start", "fri 17:30", "--hours", "4",
                           "--human", "comms_lead=Ann"],
    "actions-file": ["run", "--seed", "1", "--start", "fri 17:30", "--hours", "4",
                     "--actions", str(ACTIONS)],
}
PLAY = ["play", "--plain", "--speed", "0", "--seed", "1", "--start", "fri 17:30", "--hours",
        "4", "--role", "comms_lead", "--as", "Ann"]
PLAY_INPUT = ("wait 2h16m\nack\ndo o2\nwait 30m\ninbox\n"
              "act holding_statement : We are looking into it.\nwait 20m\nquit\n")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _figures(tmp_path: Path) -> dict[str, dict[str, str]]:
    runner = CliRunner()
    found: dict[str, dict[str, str]] = {}
    for name, args in [*RUNS.items(), ("play-plain", PLAY)]:
        log = tmp_path / f"{name}.jsonl"
        result = runner.invoke(cli, [*args, "--log", str(log)],
                               input=PLAY_INPUT if name == "play-plain" else None)
        assert result.exit_code == 0, (name, result.output)
        scored = runner.invoke(cli, ["score", str(log), "--json"])
        assert scored.exit_code == 0, (name, scored.output)
        score = json.loads(scored.output[scored.output.index("{"):])
        found[name] = {"log": _digest(log.read_bytes()),
                       "score": _digest(json.dumps(score, sort_keys=True).encode())}
    return found


def test_drill_logs_and_scores_match_their_golden_digests(tmp_path: Path) -> None:
    actual = _figures(tmp_path)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(actual, indent=2, sort_keys=True) + "\n", "utf-8")
    expected = json.loads(GOLDEN.read_text("utf-8"))
    changed = sorted(k for k in expected.keys() | actual.keys()
                     if expected.get(k) != actual.get(k))
    assert not changed, f"drills whose log or score changed: {changed}"


def test_the_played_session_replays_byte_for_byte(tmp_path: Path) -> None:
    log = tmp_path / "p.jsonl"
    runner = CliRunner()
    result = runner.invoke(cli, [*PLAY, "--log", str(log)], input=PLAY_INPUT)
    assert result.exit_code == 0, result.output
    assert b'"human":true' in log.read_bytes()
    replayed = runner.invoke(cli, ["replay", str(log)])
    assert replayed.exit_code == 0, replayed.output
