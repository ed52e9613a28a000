"""The terminal UI of ``drill play``: through Textual's pilot, and once in a real terminal
under tmux."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drills.drive.session import LiveSession
from drills.play.console import Console
from drills.play.tui import PlayApp
from tests.live_helpers import live_drill, records_of


def _text(app: PlayApp, widget: str) -> str:
    log = app.query_one(widget)
    return "\n".join(strip.text for strip in log.lines)  # type: ignore[attr-defined]


def test_the_tui_takes_commands_and_shows_the_drill() -> None:
    live, out = live_drill({"comms_lead": "Ana"}, seed=1)
    console = Console(LiveSession(live, speed=0, wall=time.monotonic), "Ana")
    app = PlayApp(console)

    async def session() -> None:
        async with app.run_test(size=(160, 45)) as pilot:
            assert app.focused is app.query_one("#command")  # type at once
            for line in ("wait 5h", "ack", "filter x", "template holding_statement"):
                await pilot.press(*line)
                await pilot.press("enter")
                await pilot.pause()
            # The template is on the command line, ready to edit.
            assert app.query_one("#command").value.startswith(  # type: ignore[attr-defined]
                "act holding_statement : We are aware")
            await pilot.press("enter")
            await pilot.pause()
            messages = _text(app, "#messages")
            assert "PAGE o2: notify - 'ack o2'" in messages
            assert "acknowledged o2" in messages
            assert "fulfils" not in messages or "holding_statement" in messages
            feed = _text(app, "#feed")
            # Posts wrap in the pane; each post's first line starts with its id.
            platforms = {line.split()[2] for line in feed.splitlines()
                         if line.split() and line.split()[0][1:].isdecimal()}
            assert platforms == {"x"}
            inbox = str(app.query_one("#inbox").render())
            assert "o2" in inbox and "notify" in inbox
            status = str(app.query_one("#status").render())
            assert "issue" in status and "Ana as comms_lead" in status
            await pilot.press("ctrl+c")
        assert not app.is_running

    asyncio.run(session())
    live.finish()
    records = records_of(out.getvalue())
    assert any(r["type"] == "action" and r.get("human") and r["action"] == "holding_statement"
               for r in records)


def _tmux() -> str | None:
    found = shutil.which("tmux")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "tmux"], check=False,
                   capture_output=True)
    return shutil.which("tmux")


def test_the_tui_in_a_real_terminal_under_tmux(tmp_path: Path) -> None:
    tmux = _tmux()
    if tmux is None:
        if os.geteuid() == 0:
            pytest.fail("tmux could not be installed with apt-get; CI needs it")
        pytest.skip("tmux is missing: sudo apt-get install tmux")
    drill = Path(sys.executable).with_name("drill")
    log = tmp_path / "tui.jsonl"
    name = f"drills-test-{os.getpid()}"
    command = (f"{drill} play --speed 0 --seed 1 --start 'fri 17:30' --as Ana "
               f"--log {log}; sleep 60")  # the pane stays to show the report
    env = {**os.environ, "TERM": "xterm-256color"}
    subprocess.run([tmux, "new-session", "-d", "-s", name, "-x", "150", "-y", "45", command],
                   check=True, env=env)
    try:
        def screen() -> str:
            return subprocess.run([tmux, "capture-pane", "-p", "-t", name], check=True,
                                  capture_output=True, text=True).stdout

        def wait_for(text: str) -> str:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                shown = screen()
                if text in shown:
                    return shown
                time.sleep(0.2)
            raise AssertionError(f"{text!r} never appeared:\n{screen()}")

        wait_for("'help' lists the commands")
        subprocess.run([tmux, "send-keys", "-t", name, "wait 5h", "Enter"], check=True)
        shown = wait_for("something needs you")
        assert "PAGE o2" in shown and "Inbox" in shown and "Feed" in shown
        subprocess.run([tmux, "send-keys", "-t", name, "ack", "Enter"], check=True)
        wait_for("acknowledged o2")
        subprocess.run([tmux, "send-keys", "-t", name, "quit", "Enter"], check=True)
        report = wait_for("What to improve")
    finally:
        subprocess.run([tmux, "kill-session", "-t", name], check=False, capture_output=True)
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert records[0]["humans"] == {"comms_lead": "Ana"}
    assert any(r.get("human") and r.get("status") == "acknowledged" for r in records)
    assert "People: Ana" in report


def test_the_tui_wraps_posts_takes_a_pasted_statement_and_shows_a_post() -> None:
    from textual import events

    live, out = live_drill({"comms_lead": "Ana"}, seed=1)
    console = Console(LiveSession(live, speed=0, wall=time.monotonic), "Ana")
    app = PlayApp(console)

    async def session() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            messages = _text(app, "#messages")
            assert "BRIEFING: A kettle overheats" in messages
            for line in ("wait 2h", "wait 1h"):
                await pilot.press(*line)
                await pilot.press("enter")
                await pilot.pause()
            # At 100x30 a post is wrapped, not cut to a few characters: its words are all there.
            feed = " ".join(_text(app, "#feed").split())
            post = next(e for e in live.feed(100) if len(e["text"]) > 60)
            assert " ".join(post["text"].split()) in feed
            box = app.query_one("#command")
            box.post_message(events.Paste("act holding_statement via x : We know.\n"
                                          "Next update by 21:00."))
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert "unknown command" not in _text(app, "#messages")
            await pilot.press("ctrl+o")
            await pilot.pause()
            assert " press inquiry on news at " in _text(app, "#messages") or \
                " misinformation on " in _text(app, "#messages")
            await pilot.press("ctrl+c")

    asyncio.run(session())
    live.finish()
    statements = [r for r in records_of(out.getvalue()) if r["type"] == "action"
                  and r.get("human")]
    assert [s["text"] for s in statements] == ["We know.\nNext update by 21:00."]
