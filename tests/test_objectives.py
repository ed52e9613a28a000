"""Messages to roles and what they expect: exercise objectives, met by a simulated role's
response, by a person acting on the message, or judged by the facilitator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from drills.cli.main import cli
from drills.drive.inputs import apply_input, inputs_from_log
from drills.sim.facilitator import validate
from drills.sim.people import PersonAction, PersonError
from tests.live_helpers import live_drill, records_of
from tests.serve_helpers import TOKEN

SCRIPT = Path(__file__).parent / "data" / "scenarios" / "script-messages.yaml"


def test_a_simulated_team_meets_objectives_with_its_response_times() -> None:
    result = CliRunner().invoke(cli, ["run", "--scenario", str(SCRIPT), "--seed", "1",
                                      "--no-store", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    objectives = document["objectives"]
    assert [(o["id"], o["inject"], o["role"], o["points"]) for o in objectives] == [
        ("x1", "msg-0001", "comms_lead", 2.0), ("x2", "msg-0001", "customer_support", 1.0),
        ("x3", "msg-0002", "comms_lead", 3.0)]
    assert all(o["status"] in ("met", "partly", "missed") and o["by"] for o in objectives)
    assert document["objectives_points"]["possible"] == 6.0
    text = CliRunner().invoke(cli, ["run", "--scenario", str(SCRIPT), "--seed", "1",
                                    "--no-store"]).stdout
    assert "Exercise objectives (" in text and "Brief customer support" in text


def test_the_message_reaches_its_roles_with_its_fields() -> None:
    live, _out = live_drill({"comms_lead": "Ana"}, scenario=str(SCRIPT), seed=2)
    live.advance(21)
    message = next(e for e in live.feed(200) if e["kind"] == "message")
    assert message["to"] == ["comms_lead", "customer_support"]
    assert message["subject"] == "Bag claims: what do we say?"
    assert message["from"] == "Head of customer care"
    assert message["attachments"] == ["claims-summary.xlsx"] and message["platform"] == "mail"
    live.finish()


def test_a_person_meets_an_objective_by_acting_on_the_message() -> None:
    live, out = live_drill({"comms_lead": "Ana"}, scenario=str(SCRIPT), seed=2, hours=4)
    live.advance(25)
    message = next(e for e in live.feed(200) if e["kind"] == "message")
    live.act("Ana", PersonAction("brief", event=message["id"], text="Line to take: sorry."))
    with pytest.raises(PersonError, match="status must be one of"):
        validate(live.world, "x1", "great")
    live.advance(live.end)
    document = live.finish()
    statuses = {o["id"]: (o["status"], o["by"]) for o in document["objectives"]}
    assert statuses["x1"] == ("met", "Ana")
    assert statuses["x3"] == ("unvalidated", None)  # a phone call the facilitator judges
    assert next(o for o in document["objectives"] if o["id"] == "x3")["when"] is None
    assert statuses["x2"][0] in ("met", "partly")  # customer_support is simulated
    records = records_of(out.getvalue())
    replayed, again = live_drill({"comms_lead": "Ana"}, scenario=str(SCRIPT), seed=2, hours=4)
    for item in inputs_from_log(records):
        replayed.advance(item.t)
        apply_input(replayed.world, item)
    replayed.advance(replayed.end)
    replayed.finish()
    assert again.getvalue() == out.getvalue()


def test_the_facilitator_validates_objectives_in_a_served_drill(tmp_path: Path) -> None:
    from drills.serve.app import create_app, load_library
    from drills.serve.db import ServeDB

    library = tmp_path / "library"
    library.mkdir()
    (library / "script.yaml").write_text(SCRIPT.read_text())
    app = create_app(ServeDB(str(tmp_path / "serve.db")), TOKEN, None,
                     load_library(str(library)))
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(app) as client:
        options = client.get("/api/options", headers=headers).json()
        assert "script-messages" in options["scenarios"]
        drill = client.post("/api/drills", headers=headers, json={
            "scenario": "script-messages", "humans": ["comms_lead"], "speed": 0}).json()
        base = f"/api/drills/{drill['id']}"
        client.post(f"{base}/control", headers=headers, json={"op": "start"})
        client.post(f"{base}/control", headers=headers, json={"op": "advance", "by": "2h"})
        judged = client.post(f"{base}/validate", headers=headers, json={
            "objective": "x3", "status": "partly", "comment": "called back after 25 min"})
        assert judged.status_code == 201, judged.text
        wrong = client.post(f"{base}/validate", headers=headers,
                            json={"objective": "x9", "status": "met"})
        assert wrong.status_code == 409
        lead = {"X-Join-Code": drill["join"]["comms_lead"]}
        state = client.get(f"{base}/state", headers=lead).json()
        assert any(m["subject"] == "Bag claims: what do we say?" for m in state["messages"])
        client.post(f"{base}/control", headers=headers, json={"op": "end"})
        score = client.get(f"{base}/score", headers=headers).json()
        log = client.get(f"{base}/log", headers=headers).text
    x3 = next(o for o in score["objectives"] if o["id"] == "x3")
    assert (x3["status"], x3["by"], x3["comment"]) == ("partly", "facilitator",
                                                       "called back after 25 min")
    path = tmp_path / "served.jsonl"
    path.write_text(log)
    from drills.api import replay_drill

    assert replay_drill(str(path)).difference is None


def test_the_facilitator_judges_objectives_after_a_drill(tmp_path: Path) -> None:
    log = tmp_path / "drill.jsonl"
    run = CliRunner().invoke(cli, ["run", "--scenario", str(SCRIPT), "--seed", "1",
                                   "--no-store", "--log", str(log)])
    assert run.exit_code == 0, run.output
    plain = json.loads(CliRunner().invoke(cli, ["score", str(log), "--json"]).stdout)
    judged = CliRunner().invoke(cli, ["score", str(log), "--json", "--judge", "x3=missed",
                                      "--judge", "x1=partly:briefed, but late"])
    assert judged.exit_code == 0, judged.output
    document = json.loads(judged.stdout)
    by_id = {o["id"]: o for o in document["objectives"]}
    assert (by_id["x3"]["status"], by_id["x3"]["by"]) == ("missed", "facilitator")
    assert (by_id["x1"]["status"], by_id["x1"]["comment"]) == ("partly", "briefed, but late")
    assert by_id["x2"] == {o["id"]: o for o in plain["objectives"]}["x2"]
    x2 = {"met": 1.0, "partly": 0.5}.get(by_id["x2"]["status"], 0.0)
    assert document["objectives_points"] == {"earned": round(2 * 0.5 + x2, 1),
                                             "possible": 6.0}
    text = CliRunner().invoke(cli, ["score", str(log), "--judge", "x1=partly:briefed, but late"])
    assert "briefed, but late" in text.stdout and "comment" in text.stdout
    report = CliRunner().invoke(cli, ["report", str(log), "--judge", "x3=missed:no call back"])
    assert report.exit_code == 0 and "no call back" in report.stdout
    for bad, message in (("x9=met", "no objective 'x9'; objectives: x1, x2, x3"),
                         ("x3=great", "write ID=STATUS[:COMMENT]")):
        result = CliRunner().invoke(cli, ["score", str(log), "--judge", bad])
        assert result.exit_code == 2 and message in result.output, result.output


def test_a_tabletop_meets_objectives_by_the_scripts_numbers(tmp_path: Path) -> None:
    actions = tmp_path / "room.yaml"
    actions.write_text(
        "actions:\n"
        "  - {at: 30m, member: Ana, role: comms_lead, action: brief, event: msg-0001,\n"
        "     text: 'Line to take: we are sorry and on it.'}\n"
        "  - {at: 2h, member: Ana, role: comms_lead, action: brief, event: msg-0002}\n")
    log = tmp_path / "room.jsonl"
    result = CliRunner().invoke(cli, ["run", "--scenario", str(SCRIPT), "--seed", "1",
                                      "--no-store", "--actions", str(actions), "--json",
                                      "--log", str(log)])
    assert result.exit_code == 0, result.output
    by_id = {o["id"]: o for o in json.loads(result.stdout)["objectives"]}
    assert (by_id["x1"]["status"], by_id["x1"]["by"]) == ("met", "Ana")  # 10 min after
    # "Call the CEO office back" names no action: the briefing flags it for the facilitator
    assert (by_id["x3"]["status"], by_id["x3"]["by"]) == ("unvalidated", "Ana")
    assert by_id["x3"]["comment"] == "Ana acted with brief, 30m after (15m allowed): " \
        "the facilitator judges"
    records = [json.loads(line) for line in log.read_text().splitlines()]
    acted = [r for r in records if r["type"] == "action" and r.get("human")]
    assert all(r["event"].startswith("e") for r in acted)  # the log names the event
    from drills.api import replay_drill

    assert replay_drill(str(log)).difference is None
