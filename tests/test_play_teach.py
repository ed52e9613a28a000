"""Practice that teaches (issue 18): the briefing, ``show``, reminders in ``wait``,
``--pause-on-page``, statements over several lines and credit for proactive statements."""

from __future__ import annotations

import json
import time
from pathlib import Path

from click.testing import CliRunner

from drills.cli.main import cli
from drills.drive.session import LiveSession
from drills.play.console import Console
from drills.play.lines import group
from drills.play.promises import promised_at
from tests.live_helpers import live_drill

PLAY = ["play", "--plain", "--speed", "0", "--seed", "1", "--start", "fri 17:30",
        "--as", "Ana", "--no-store"]
FRIDAY_1730 = 4 * 1440 + 17 * 60 + 30


def _play(tmp_path: Path, script: str, *extra: str) -> tuple[list[dict[str, object]], str]:
    log = tmp_path / "play.jsonl"
    result = CliRunner().invoke(cli, [*PLAY, *extra, "--log", str(log)], input=script)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return [json.loads(line) for line in log.read_text().splitlines()], result.output


def test_the_briefing_names_the_crisis_the_role_its_actions_and_time(tmp_path: Path) -> None:
    _records, out = _play(tmp_path, "quit\n")
    head = out.split("> quit")[0]
    assert "BRIEFING: A kettle overheats on video and the clip goes viral (" in head
    assert "The situation: Product safety, accidental cluster" in head
    assert "A customer posts a video of a SteamPro kettle" in head
    assert "goes to head_of_communications" in head
    assert "  notify: tell the next person up the chain" in head
    assert "  holding_statement: a first public statement" in head
    assert "Time: the clock stands still until you 'wait'" in head


def test_the_briefing_in_swedish_names_the_brand_and_the_approver(tmp_path: Path) -> None:
    log = tmp_path / "sv.jsonl"
    result = CliRunner().invoke(cli, ["play", "--plain", "--speed", "60", "--seed", "7",
                                      "--scenario", "sv-data-breach", "--start", "tue 10:00",
                                      "--role", "legal", "--as", "Eva", "--no-store",
                                      "--log", str(log)], input="quit\n")
    assert result.exit_code == 0, result.output
    # A Swedish drill's briefing is Swedish (the action ids stay: they are the commands).
    assert "GENOMGÅNG: Kunddata läcker från en svensk nätbutik (" in result.output
    assert "{brand}" not in result.output.split("> quit")[0]
    assert "  approve: läs en kollegas utkast och låt det gå ut" in result.output
    assert "Tid: 60 simulerade sekunder går per sekund (en timme tar 1 min)" in result.output


def test_a_pasted_two_line_statement_is_one_statement(tmp_path: Path) -> None:
    script = ("wait 2h20m\nact holding_statement via x : We are aware of reports.\n"
              "Next update by 21:00.\nfeed 1\nquit\n")
    records, out = _play(tmp_path, script)
    assert "unknown command" not in out
    statements = [r for r in records if r["type"] == "action" and r.get("human")]
    assert [s["text"] for s in statements] == ["We are aware of reports.\nNext update by 21:00."]
    # Made before anyone asked: acknowledged as proactive, not "which no obligation asked for".
    assert "made before anyone asked: proactive, it counts" in out
    assert "which no obligation asked for" not in out
    assert "you promised the next update by 21:00: 'wait' reminds you" in out


def test_lines_group_by_the_rule_in_the_docs() -> None:
    assert group("act update : Line one\nline two\n\nwait 10m\nstill?") == [
        "act update : Line one\nline two", "wait 10m", "still?"]
    assert group("do o3 : Hej\nVi vet.\ninbox") == ["do o3 : Hej\nVi vet.", "inbox"]
    # Text starting with a capitalised command word is text, not a command.
    assert group("act update : a\nWait for news") == ["act update : a\nWait for news"]
    assert group("inbox\nfeed") == ["inbox", "feed"]


def test_a_promised_next_update_is_read_in_english_and_swedish() -> None:
    assert promised_at("Next update by 18:15.", FRIDAY_1730, 0.0) == 45.0
    assert promised_at("Nästa uppdatering senast 18.45.", FRIDAY_1730, 10.0) == 75.0
    # A time of day already passed today is tomorrow's.
    assert promised_at("next update at 09:00", FRIDAY_1730, 0.0) == 15.5 * 60
    assert promised_at("We are looking into it.", FRIDAY_1730, 0.0) is None
    assert promised_at(None, FRIDAY_1730, 0.0) is None


def test_wait_stops_for_a_promise_and_for_a_due_obligation() -> None:
    live, _out = live_drill({"comms_lead": "Ana"}, seed=1)
    console = Console(LiveSession(live, speed=0, wall=time.monotonic), "Ana")
    said: list[str] = []
    said += console.execute("wait 2h20m").lines
    said += console.execute("ack o2").lines
    said += console.execute("act holding_statement via x : Aware. Next update by 20:40.").lines
    for _ in range(12):
        said += console.execute("wait 30m").lines
        if live.now >= 190:
            break
    text = "\n".join(said)
    assert "stopped waiting at fri 20:00: o2 falls due now" in text
    assert "stopped waiting at fri 20:40: the next update you promised in a1 is due now" in text
    live.finish()


def test_show_prints_a_post_whole_and_refuses_one_not_yet_posted() -> None:
    live, _out = live_drill({"comms_lead": "Ana"}, seed=1)
    console = Console(LiveSession(live, speed=0, wall=time.monotonic), "Ana")
    while live.now < 150:
        console.execute("wait 2h30m")
    inquiry = next(e for e in live.feed(500) if e["kind"] == "press_inquiry")
    lines = console.execute(f"show {inquiry['id']}").lines
    assert lines[0].startswith(f"{inquiry['id']} press inquiry on news at fri 20:30")
    assert "  answer by fri 22:30" in lines
    assert f"  {inquiry['text']}" in lines  # whole, not cut
    assert len(inquiry["text"]) > 110
    assert console.execute("show e5000").lines[0] == \
        "? no post 'e5000' yet; 'feed' lists their ids"
    assert console.latest_notable() is not None
    live.finish()


def test_pause_on_page_stops_the_clock_when_the_person_is_paged() -> None:
    live, _out = live_drill({"comms_lead": "Ana"}, seed=1)
    now = [0.0]
    session = LiveSession(live, speed=600, wall=lambda: now[0], pause_on_page=True)
    console = Console(session, "Ana")
    said: list[str] = []
    for _ in range(200):
        now[0] += 1.0  # ten simulated minutes a wall second
        said += console.tick()
        if session.paused:
            break
    assert session.paused
    assert any("PAUSED: something pages you" in line for line in said)
    assert any("PAGE o2" in line for line in said)
    paused_at = live.now
    now[0] += 30
    console.tick()
    assert live.now == paused_at  # the clock waits for the person
    live.finish()


GOOD = ("wait 2h16m\nack\ndo o2\nwait 5m\nack\n"
        "act holding_statement via x,facebook : We are aware of reports about overheating "
        "kettles.\nWe take this seriously. Next update by 21:00.\nwait 30m\nquit\n")


def test_the_person_is_compared_with_the_no_show_run(tmp_path: Path) -> None:
    _records, out = _play(tmp_path, GOOD)
    assert "Compared with doing nothing (the same drill with nobody in your role): " \
           "your statement went out at fri 19:" in out
    result = CliRunner().invoke(cli, ["score", str(tmp_path / "play.jsonl"), "--json"])
    assert result.exit_code == 0, result.output


def test_the_baseline_is_the_drill_with_nobody_in_the_role(tmp_path: Path) -> None:
    from drills.api import baseline_log, score_drill

    _play(tmp_path, GOOD)
    log = str(tmp_path / "play.jsonl")
    document = baseline_log(score_drill(log), log)
    baseline = document["persons"][0]["baseline"]
    assert baseline["your_statement_t"] is not None
    assert baseline["your_negative_reach"] == document["outcome"]["negative_reach"]
    assert isinstance(baseline["negative_reach"], int)
    assert baseline["statement_t"] is None  # the simulated backup made none by then
    assert baseline["statement_minutes_earlier"] is None
    # Deterministic: computed twice, the same.
    again = baseline_log(score_drill(log), log)["persons"][0]["baseline"]
    assert again == baseline


def test_play_again_plays_the_same_crisis_and_compares(tmp_path: Path) -> None:
    first, _out = _play(tmp_path, GOOD)
    second = tmp_path / "second.jsonl"
    result = CliRunner().invoke(cli, ["play", "--plain", "--speed", "0", "--no-store",
                                      "--again", str(tmp_path / "play.jsonl"),
                                      "--log", str(second)], input="wait 3h\nquit\n")
    assert result.exit_code == 0, result.output
    header = json.loads(second.read_text().splitlines()[0])
    assert (header["seed"], header["start"], header["humans"]) == \
        (first[0]["seed"], first[0]["start"], {"comms_lead": "Ana"})
    assert "This attempt beside the last one (same crisis: seed 1, start fri 17:30)" \
        in result.output
    table = result.output.split("This attempt beside the last one")[1]
    assert "your score" in table and "pages answered in time" in table
    assert "holding_statement" in table.split("statements")[1].splitlines()[0]
    assert " none" in table.split("statements")[1].splitlines()[0]


def test_play_again_refuses_a_log_nobody_played(tmp_path: Path) -> None:
    log = tmp_path / "run.jsonl"
    assert CliRunner().invoke(cli, ["run", "--seed", "1", "--hours", "1", "--no-store",
                                    "--log", str(log)]).exit_code == 0
    result = CliRunner().invoke(cli, [*PLAY, "--again", str(log), "--log",
                                      str(tmp_path / "p.jsonl")], input="quit\n")
    assert result.exit_code == 2
    assert "no one played a role in this drill" in result.output


def test_doing_nothing_is_its_own_baseline(tmp_path: Path) -> None:
    _records, out = _play(tmp_path, "wait 2h16m\nwait 1h\nwait 1h\nquit\n")
    assert "Compared with doing nothing (the same drill with nobody in your role): no " \
           "statement went out, with you or without; negative reach the same" in out


def test_the_report_has_a_person_section_with_the_baseline(tmp_path: Path) -> None:
    _play(tmp_path, GOOD)
    log = str(tmp_path / "play.jsonl")
    md = tmp_path / "r.md"
    result = CliRunner().invoke(cli, ["report", log, "--format", "md", "-o", str(md)])
    assert result.exit_code == 0, result.output
    text = md.read_text()
    assert "## Ana's own score (comms\\_lead)" in text
    assert "Compared with doing nothing: The same drill" in text
    assert "Ana's statement went out at fri 19:50; without them no statement" in text
    assert "| proactive | a" in text and "before anyone asked" in text
    html = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["report", log, "--lang", "sv", "-o", str(html)])
    assert result.exit_code == 0, result.output
    body = html.read_text()
    assert "Anas eget resultat (comms_lead)" in body
    assert "Jämfört med att inte göra något" in body
    scored = CliRunner().invoke(cli, ["score", log, "--json"])
    document = json.loads(scored.output[scored.output.index("{"):])
    assert document["persons"][0]["baseline"]["your_statement_t"] == 140.017  # fri 19:50


def test_wait_after_a_reminder_goes_on_past_the_due_time() -> None:
    live, _out = live_drill({"comms_lead": "Ana"}, seed=1)
    console = Console(LiveSession(live, speed=0, wall=time.monotonic), "Ana")
    console.execute("wait 2h20m")
    console.execute("ack o2")
    console.execute("act holding_statement via x : Aware. Next update by 20:40.")
    stops = []
    while not live.over:
        before = live.now
        line = console.execute("wait 30m").lines[-1]
        stops.append(line)
        assert live.now > before, stops  # never stuck at the same due time
    assert len(set(stops)) == len(stops)
    live.finish()


def test_pause_on_page_is_a_play_option(tmp_path: Path) -> None:
    records, out = _play(tmp_path, "wait 3h\nquit\n", "--pause-on-page")
    assert "stopped waiting at fri 19:45: something needs you" in out
    assert records[-1]["type"] == "end"
