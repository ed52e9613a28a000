"""The live command language: what parses, and the one line a mistake gets."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from drills.cli.main import cli
from drills.play.commands import Command, CommandError, parse_command


@pytest.mark.parametrize(("line", "command"), [
    ("", None),
    ("   ", None),
    ("inbox", Command("inbox")),
    ("FEED 20 x", Command("feed", arg="x", count=20)),
    ("feed tiktok", Command("feed", arg="tiktok")),
    ("ack", Command("ack")),
    ("ack o3", Command("ack", arg="o3")),
    ("do o3 : We know. Next update at 19:30.",
     Command("do", arg="o3", text="We know. Next update at 19:30.")),
    ("do o3 via x,Facebook on e12 : hi", Command("do", arg="o3", event="e12",
                                                  channels=("x", "facebook"), text="hi")),
    ("act reply on e812", Command("act", arg="reply", event="e812")),
    ("approve o9", Command("approve", arg="o9")),
    ("template holding_statement", Command("template", arg="holding_statement")),
    ("wait 10m", Command("wait", minutes=10.0)),
    ("wait 1h30m", Command("wait", minutes=90.0)),
    ("wait 45", Command("wait", minutes=45.0)),
    ("wait 90s", Command("wait", minutes=1.5)),
    ("speed 60", Command("speed", speed=60.0)),
    ("speed 2x", Command("speed", speed=2.0)),
    ("pause", Command("pause")),
    ("filter all", Command("filter", arg="all")),
    ("quit", Command("quit")),
])
def test_commands_parse(line: str, command: Command | None) -> None:
    assert parse_command(line) == command


@pytest.mark.parametrize(("line", "message"), [
    ("inbx", "unknown command 'inbx' (did you mean 'inbox'?)"),
    ("do", "usage: do OB"),
    ("do o3 o4", "expected 'on EVENT' or 'via CH,CH' after 'o3'"),
    ("do o3 via", "expected 'on EVENT' or 'via CH,CH'"),
    ("wait", "usage: wait DURATION"),
    ("wait soon", "bad duration 'soon'"),
    ("wait 0m", "above zero"),
    ("speed fast", "speed takes a number"),
    ("inbox : hello", "only 'do', 'act', 'draft' and 'reject' take a text"),
    (": hello", "a command comes before ':'"),
    ("pause now", "pause takes nothing after it"),
    ("ack o1 o2", "usage: ack [OB]"),
])
def test_a_bad_command_gets_one_line(line: str, message: str) -> None:
    import re

    with pytest.raises(CommandError, match=re.escape(message)):
        parse_command(line)


@pytest.mark.parametrize(("args", "message"), [
    (["--role", "comms_lad"], "'comms_lad' is not a role of rulebook 'default' (did you mean"),
    (["--speed", "-1"], "--speed"),
    (["--as", " "], "--as"),
    (["--scenario", "no-such"], "no-such"),
])
def test_play_refuses_bad_flags_with_one_line(args: list[str], message: str,
                                              tmp_path) -> None:
    result = CliRunner().invoke(cli, ["play", "--plain", "--log", str(tmp_path / "x.jsonl"),
                                      *args], input="quit\n")
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.jsonl").exists()


def test_speed_pause_and_resume_in_plain_mode(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["play", "--plain", "--speed", "0", "--log",
                                      str(tmp_path / "x.jsonl")],
                                input="speed 60\npause\nresume\nspeed 0\nwait 1h\nquit\n")
    assert result.exit_code == 0, result.output
    for line in ("speed 60x", "paused at mon 09:00", "resumed at mon 09:", "speed 0x (time "
                 "moves only with 'wait')", "now mon 10:"):
        assert line in result.output
