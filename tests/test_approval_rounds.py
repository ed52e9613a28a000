"""The approver reads the draft: a person playing legal sees the text, rejects it with a
comment, the simulated drafter revises and asks again, and the second round goes out as
approved; a person drafting asks the approvers; publishing with nobody asked is said at
once. Replay is byte for byte (seeds pinned)."""

from __future__ import annotations

from pathlib import Path

import pytest

from drills.drive.inputs import apply_input, inputs_from_log
from drills.drive.live import LiveDrill
from drills.drive.session import LiveSession
from drills.play.console import Console
from drills.sim.people import PersonError
from tests.live_helpers import live_drill, records_of


def _console(live: LiveDrill, name: str) -> Console:
    session = LiveSession(live, speed=0, wall=lambda: 0.0)
    return Console(session, name)


def _until_asked(live: LiveDrill, console: Console) -> list[str]:
    """Waits (a minute a time) until legal is asked; what the person was told."""
    heard: list[str] = []
    t = live.now
    while not any(i.kind == "approval" for i in live.inbox(console.name)) and not live.over:
        t += 1.0
        live.advance(t)
        heard += console.news()
    return heard


def _legal_rejects_once() -> tuple[LiveDrill, object, list[str]]:
    live, out = live_drill({"legal": "Lee"}, seed=1, hours=10)
    console = _console(live, "Lee")
    heard = _until_asked(live, console)
    ob = next(i.ob.id for i in live.inbox("Lee") if i.kind == "approval")
    assert ob == "o17"
    inbox = console.execute("inbox").lines
    rejected = console.execute(f"reject {ob} : say when the next update comes")
    heard += _until_asked(live, console)
    second = console.execute("inbox").lines
    approved = console.execute(f"approve {ob}").lines
    live.advance(live.now + 60)
    live.finish()
    return live, out, [*heard, "--", *inbox, "--", *rejected.lines, "--", *second, "--",
                       *approved]


def test_legal_reads_the_draft_rejects_it_and_approves_the_revision() -> None:
    _live, out, said = _legal_rejects_once()
    records = records_of(out.getvalue())  # type: ignore[attr-defined]
    asks = [r for r in records if r["type"] == "obligation" and r["id"] == "o17"
            and r["status"] == "approval_requested"]
    assert [a["round"] for a in asks] == [1, 2] and all(a["member"] == "Lee" for a in asks)
    assert asks[0]["draft"] and any(asks[0]["draft"] in line for line in said)
    text = "\n".join(said)
    assert "APPROVAL o17 needs your approval as legal" in text
    assert "reject o17 : COMMENT" in text and "rejected o17 (holding_statement)" in text
    rejection = next(r for r in records if r.get("status") == "approval_rejected")
    assert rejection == {**rejection, "id": "o17", "approver": "legal", "member": "Lee",
                         "comment": "say when the next update comes", "round": 1,
                         "human": True}
    # The drafter took time to revise: the second ask is later than the rejection.
    assert asks[1]["t"] > rejection["t"]
    action = next(r for r in records if r["type"] == "action" and r.get("obligation") == "o17")
    assert action["text"] == asks[1]["draft"] and action["approved"] is True
    assert action["t"] >= next(r["t"] for r in records if r.get("status") == "approved"
                               and r.get("id") == "o17")


def test_the_rounds_replay_byte_for_byte() -> None:
    _live, out, _said = _legal_rejects_once()
    text = out.getvalue()  # type: ignore[attr-defined]
    records = records_of(text)
    inputs = inputs_from_log(records)
    assert [i.kind for i in inputs] == ["reject", "approve"]
    again, out2 = live_drill({"legal": "Lee"}, seed=1, hours=10)
    for item in inputs:
        again.advance(item.t)
        apply_input(again.world, item)
    end = next(r for r in records if r["type"] == "end")
    again.advance(float(end["duration"]))
    again.finish()
    assert out2.getvalue() == text


def test_a_rejection_needs_a_comment_and_a_waiting_draft() -> None:
    live, _out = live_drill({"legal": "Lee"}, seed=1, hours=10)
    console = _console(live, "Lee")
    assert console.execute("reject o17").lines[0].startswith("? usage: reject OB : COMMENT")
    assert console.execute("reject o17 : too vague").lines[0] == \
        "? nobody is waiting for your approval"
    live.finish()


def test_a_person_drafting_asks_legal_and_publishing_unasked_is_said_at_once() -> None:
    live, out = live_drill({"comms_lead": "Ana"}, seed=1, hours=8)
    console = _console(live, "Ana")
    statement = None
    t = 0.0
    while statement is None and not live.over:
        t += 0.5
        live.advance(t)
        statement = next((i.ob for i in live.inbox("Ana")
                          if i.ob.spec.action == "holding_statement"), None)
    assert statement is not None
    ob = statement.id
    reply = console.execute(f"do {ob} : We are looking into it. Next update 21:00.").lines
    assert "  published without legal's approval: nobody was asked" in reply
    live.finish()
    missing = next(r for r in records_of(out.getvalue()) if r.get("status") ==
                   "approval_missing")
    assert missing["member"] == "Ana" and "nobody was asked" in missing["reason"]


def test_a_drafting_person_is_told_of_the_rejection_and_revises() -> None:
    live, out = live_drill({"comms_lead": "Ana", "legal": "Lee"}, seed=1, hours=8)
    ana, lee = _console(live, "Ana"), _console(live, "Lee")
    statement = None
    t = 0.0
    while statement is None and not live.over:
        t += 0.5
        live.advance(t)
        ana.news()
        statement = next((i.ob for i in live.inbox("Ana")
                          if i.ob.spec.action == "holding_statement"), None)
    assert statement is not None
    ob = statement.id
    assert "drafted" in ana.execute(f"draft {ob} : We are looking into it.").lines[0]
    lee.news()
    assert any("We are looking into it." in line for line in lee.execute("inbox").lines)
    lee.execute(f"reject {ob} : say when the next update comes")
    told = ana.news()
    assert f"REJECTED {ob} by legal: say when the next update comes - revise it with " \
        f"'draft {ob} : TEXT'" in " ".join(told)
    ana.execute(f"draft {ob} : We are looking into it. Next update by 21:00.")
    assert lee.execute(f"approve {ob}").lines[0] == f"approved {ob} (holding_statement)"
    reply = ana.execute(f"do {ob}").lines
    assert not any("published without" in line for line in reply)
    live.finish()
    records = records_of(out.getvalue())
    action = next(r for r in records if r["type"] == "action" and r.get("obligation") == ob)
    assert action["text"] == "We are looking into it. Next update by 21:00."
    assert action["approved"] is True
    drafts = [r for r in records if r.get("status") == "drafted"]
    assert [d["round"] for d in drafts] == [1, 2]
    with pytest.raises(PersonError, match="plays no role"):
        live.approve("Zed")


ROUNDS_FILE = """\
humans:
  legal: Lee
actions:
  - {at: 338m, member: Lee, action: reject, obligation: o17,
     comment: "say when the next update comes"}
  - {at: 359m, member: Lee, action: approve, obligation: o17}
"""


def test_an_actions_file_rejects_and_approves_and_drill_actions_writes_it_back(
        tmp_path: Path) -> None:
    from click.testing import CliRunner

    from drills.cli.main import cli

    actions = tmp_path / "rounds.yaml"
    actions.write_text(ROUNDS_FILE, "utf-8")
    log = tmp_path / "rounds.jsonl"
    base = ["run", "--seed", "1", "--start", "fri 17:30", "--hours", "10"]
    result = CliRunner().invoke(cli, [*base, "--actions", str(actions), "--log", str(log)])
    assert result.exit_code == 0, result.output
    records = records_of(log.read_text("utf-8"))
    o17 = [r for r in records if r.get("id") == "o17" and r["type"] == "obligation"]
    statuses = [r["status"] for r in o17]
    assert statuses.count("approval_requested") == 2 and "approval_rejected" in statuses
    assert [r["round"] for r in o17 if r["status"] == "approval_requested"] == [1, 2]
    action = next(r for r in records if r["type"] == "action" and r.get("obligation") == "o17")
    second = [r for r in o17 if r["status"] == "approval_requested"][1]
    assert action["approved"] is True and action["text"] == second["draft"]
    written = CliRunner().invoke(cli, ["actions", str(log)])
    assert written.exit_code == 0, written.output
    assert 'action: reject, obligation: o17, comment: "say when the next update comes"' \
        in written.output
    again = tmp_path / "again.yaml"
    again.write_text(written.output, "utf-8")
    log2 = tmp_path / "again.jsonl"
    rerun = CliRunner().invoke(cli, ["run", "--actions", str(again), "--log", str(log2)])
    assert rerun.exit_code == 0, rerun.output
    assert log2.read_bytes() == log.read_bytes()
    replayed = CliRunner().invoke(cli, ["replay", str(log)])
    assert replayed.exit_code == 0, replayed.output


@pytest.mark.parametrize(("line", "message"), [
    ("{at: 338m, member: Lee, action: reject, obligation: o17}", "add 'comment: ...'"),
    ("{at: 338m, member: Lee, action: reject, comment: too vague}", "needs 'obligation: o9'"),
    ("{at: 338m, member: Lee, action: approve, obligation: o17, comment: ok}",
     "only 'action: reject' takes a comment"),
])
def test_a_wrong_rejection_in_an_actions_file_is_one_line(tmp_path: Path, line: str,
                                                          message: str) -> None:
    from click.testing import CliRunner

    from drills.cli.main import cli

    actions = tmp_path / "bad.yaml"
    actions.write_text(f"humans:\n  legal: Lee\nactions:\n  - {line}\n", "utf-8")
    result = CliRunner().invoke(cli, ["run", "--seed", "1", "--actions", str(actions)])
    assert result.exit_code == 2 and message in result.output
    assert f"{actions}:4:" in result.output and "Traceback" not in result.output


def test_the_scores_count_rounds_and_time_to_decide_and_say_who_skipped_whom(
        tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from drills.cli.main import cli

    actions = tmp_path / "rounds.yaml"
    actions.write_text(ROUNDS_FILE, "utf-8")
    log = tmp_path / "rounds.jsonl"
    ran = CliRunner().invoke(cli, ["run", "--seed", "1", "--start", "fri 17:30", "--hours",
                                   "10", "--actions", str(actions), "--log", str(log)])
    assert ran.exit_code == 0, ran.output
    scored = CliRunner().invoke(cli, ["score", str(log), "--json"])
    assert scored.exit_code == 0, scored.output
    doc = json.loads(scored.output)
    row = next(o for o in doc["obligations"] if o["id"] == "o17")
    assert row["rounds"] == 2
    assert row["rejections"] == ["legal rejected round 1: say when the next update comes"]
    assert all("rounds" not in o for o in doc["obligations"] if o["id"] != "o17")
    lee = next(p for p in doc["persons"] if p["name"] == "Lee")
    decisions = [i for i in lee["items"] if i["kind"] == "approval"]
    assert [(i["what"], i["outcome"], i["value"]) for i in decisions] == [
        ("holding_statement", "rejected, in time", 1.0),
        ("holding_statement (round 2)", "approved, in time", 1.0)]
    assert decisions[0]["minutes"] == 0.4 and decisions[0]["note"] == \
        '"say when the next update comes"'
    text = CliRunner().invoke(cli, ["score", str(log)]).output
    assert "2 rounds (legal rejected round 1: say when the next update comes)" in text
    assert "rejected, in time" in text


def test_the_report_says_who_published_without_asking(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from drills.cli.main import cli

    golden = Path(__file__).parent / "data" / "actions" / "golden.yaml"
    log = tmp_path / "skip.jsonl"
    ran = CliRunner().invoke(cli, ["run", "--seed", "1", "--start", "fri 17:30", "--hours",
                                   "4", "--actions", str(golden), "--log", str(log)])
    assert ran.exit_code == 0, ran.output
    doc = json.loads(CliRunner().invoke(cli, ["score", str(log), "--json"]).output)
    row = next(o for o in doc["obligations"] if o.get("skipped_by"))
    assert row["skipped_by"] == [
        "Ann skipped legal: published without legal's approval: nobody was asked"]
    ann = next(p for p in doc["persons"] if p["name"] == "Ann")
    item = next(i for i in ann["items"] if i["id"] == row["id"] and i["kind"] == "obligation")
    assert item["outcome"] == "published without approval"
    assert item["note"] == "published without legal's approval: nobody was asked"
    text = CliRunner().invoke(cli, ["score", str(log)]).output
    assert "Ann skipped legal: published without legal's approval: nobody was asked" in text


def test_a_drafting_session_replays_and_writes_back_as_an_actions_file(
        tmp_path: Path) -> None:
    from drills.inputs.actions_file import actions_yaml
    from drills.serve.db import DrillRow, ServeDB

    live, out = live_drill({"comms_lead": "Ana", "legal": "Lee"}, seed=1, hours=8)
    ana, lee = _console(live, "Ana"), _console(live, "Lee")
    t = 0.0
    while not any(i.ob.spec.action == "holding_statement" for i in live.inbox("Ana")):
        t += 0.5
        live.advance(t)
    ob = next(i.ob.id for i in live.inbox("Ana") if i.ob.spec.action == "holding_statement")
    ana.execute(f"draft {ob} : We are looking into it.")
    live.advance(live.now + 2)
    lee.execute(f"reject {ob} : say when the next update comes")
    live.advance(live.now + 3)
    ana.execute(f"draft {ob} : We are looking into it. Next update by 21:00.")
    lee.execute(f"approve {ob}")
    ana.execute(f"do {ob}")
    live.advance(live.now + 30)
    live.finish()
    text = out.getvalue()
    inputs = inputs_from_log(records_of(text))
    assert [i.kind for i in inputs if i.obligation == ob] == ["draft", "reject", "draft",
                                                              "approve"]
    stored = ServeDB(str(tmp_path / "serve.db"))  # a served drill's inputs, for recovery
    stored.add_drill(DrillRow("d1", "2026-01-01 00:00:00", {}, "running", 0.0, 0.0, "R"), {})
    for seq, item in enumerate(inputs):
        stored.add_input("d1", seq, item)
    assert stored.inputs("d1") == inputs
    stored.close()
    written = actions_yaml({"comms_lead": "Ana", "legal": "Lee"}, inputs, "test")
    assert f'action: draft, obligation: {ob}, text: "We are looking into it."' in written
    again, out2 = live_drill({"comms_lead": "Ana", "legal": "Lee"}, seed=1, hours=8)
    for item in inputs:
        again.advance(item.t)
        apply_input(again.world, item)
    again.advance(float(records_of(text)[-1]["duration"]))
    again.finish()
    assert out2.getvalue() == text


def test_played_as_legal_at_the_terminal_and_replayed_byte_for_byte(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from drills.cli.main import cli

    log = tmp_path / "legal.jsonl"
    commands = ("wait 5h38m\ninbox\nreject o17 : say when the next update comes\n"
                "wait 21m\ninbox\napprove o17\nwait 5m\nquit\n")
    played = CliRunner().invoke(cli, [
        "play", "--plain", "--speed", "0", "--seed", "1", "--start", "fri 17:30", "--hours",
        "10", "--role", "legal", "--as", "Lee", "--log", str(log)], input=commands)
    assert played.exit_code == 0, played.output
    out = played.output
    assert "APPROVE  o17" in out and 'draft: "We are aware of reports' in out
    assert "rejected o17 (holding_statement): the drafter revises it and asks again" in out
    assert "APPROVAL o17 needs your approval as legal (round 2)" in out
    assert "approved o17 (holding_statement)" in out
    replayed = CliRunner().invoke(cli, ["replay", str(log)])
    assert replayed.exit_code == 0, replayed.output
