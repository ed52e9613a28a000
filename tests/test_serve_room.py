"""Issue 19, the drill side: a message is seen by its addressees and the facilitator only,
the room wall shows the public feed and what the facilitator projects, the facilitator's
controls are logged and replayed byte for byte, and an objective is met by the action it
expects. Through the API, on a wall clock the test moves (no test here sleeps)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from drills.drive.inputs import PersonInput, apply_input, inputs_from_log
from drills.feed.scenario import expected_action
from drills.serve.app import create_app, load_library
from drills.serve.db import DrillRow, ServeDB
from drills.sim.people import PersonAction
from tests.live_helpers import live_drill, records_of
from tests.serve_helpers import TOKEN

SCRIPT = Path(__file__).parent / "data" / "scenarios" / "script-messages.yaml"
H = {"Authorization": f"Bearer {TOKEN}"}
REGULATOR = "Regulator here: send us your baggage-handling incident log by Monday."


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    library = tmp_path / "library"
    library.mkdir()
    (library / "script.yaml").write_text(SCRIPT.read_text())
    app = create_app(ServeDB(str(tmp_path / "serve.db")), TOKEN, None,
                     load_library(str(library)), wall=lambda: 1000.0)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _drill(client: TestClient) -> tuple[str, dict[str, Any]]:
    made = client.post("/api/drills", headers=H, json={
        "scenario": "script-messages", "humans": ["comms_lead", "community_manager"],
        "speed": 0, "seed": 3})
    assert made.status_code == 201, made.text
    drill = made.json()
    base = f"/api/drills/{drill['id']}"
    assert client.post(f"{base}/control", headers=H, json={"op": "start"}).status_code == 200
    return base, drill


def test_a_message_is_seen_by_its_addressees_and_the_facilitator_only(
        client: TestClient) -> None:
    base, drill = _drill(client)
    sent = client.post(f"{base}/inject", headers=H, json={
        "to": "comms_lead", "kind": "regulator_inquiry", "text": REGULATOR})
    assert sent.status_code == 201, sent.text
    advanced = client.post(f"{base}/control", headers=H, json={"op": "advance", "by": "2h"})
    assert advanced.status_code == 200, advanced.text
    community = client.get(f"{base}/state", headers={
        "X-Join-Code": drill["join"]["community_manager"]}).json()
    lead = client.get(f"{base}/state", headers={
        "X-Join-Code": drill["join"]["comms_lead"]}).json()
    wall = client.get(f"{base}/state", params={"room": drill["room"]}).json()
    boss = client.get(f"{base}/state", headers=H).json()
    for private in ("The CEO saw the thread", "Bag claims", REGULATOR):
        assert private not in json.dumps(community), private  # no text, no subject
        assert private not in json.dumps(wall), private
        assert private in json.dumps(boss), private
    assert community["feed"] and all(not e["to"] for e in community["feed"])
    assert community["messages"] == []
    assert {m["subject"] for m in lead["messages"]} >= {"Bag claims: what do we say?"}
    assert any(m["text"] == REGULATOR for m in lead["messages"])
    assert all(not e["to"] and e["platform"] not in ("mail", "internal")
               for e in wall["feed"]) and wall["feed"]
    assert wall["projected"] is None


def test_the_facilitator_projects_a_message_on_the_room_wall(client: TestClient) -> None:
    base, drill = _drill(client)
    client.post(f"{base}/control", headers=H, json={"op": "advance", "by": "2h"})
    boss = client.get(f"{base}/state", headers=H).json()
    ceo = next(e for e in boss["feed"] if e["text"].startswith("The CEO saw"))
    shown = client.post(f"{base}/control", headers=H, json={"op": "project", "item": ceo["id"]})
    assert shown.status_code == 200, shown.text
    wall = client.get(f"{base}/state", params={"room": drill["room"]}).json()
    assert wall["projected"]["text"] == ceo["text"] and wall["projected"]["to"] is None
    assert boss["projected"] is None
    wrong = client.post(f"{base}/control", headers=H, json={"op": "project", "item": "e99999"})
    assert wrong.status_code == 409 and "nothing to project" in wrong.json()["error"]
    bad = client.post(f"{base}/control", headers=H, json={"op": "project", "item": 3})
    assert bad.status_code == 422
    cleared = client.post(f"{base}/control", headers=H, json={"op": "project", "item": ""})
    assert cleared.status_code == 200
    assert client.get(f"{base}/state", params={"room": drill["room"]}).json()[
        "projected"] is None


def test_the_facilitators_controls_are_logged_and_replay_byte_for_byte(
        client: TestClient, tmp_path: Path) -> None:
    base, _made = _drill(client)
    for body in ({"op": "speed", "speed": 30}, {"op": "pause"},
                 {"op": "advance", "by": "25m"}, {"op": "resume"}):
        answered = client.post(f"{base}/control", headers=H, json=body)
        assert answered.status_code == 200, answered.text
    boss = client.get(f"{base}/state", headers=H).json()
    first = boss["feed"][0]["id"]
    assert client.post(f"{base}/control", headers=H,
                       json={"op": "project", "item": first}).status_code == 200
    client.post(f"{base}/control", headers=H, json={"op": "end"})
    log = client.get(f"{base}/log", headers=H).text
    controls = [r for r in records_of(log) if r["type"] == "control"]
    assert [(r["op"], r.get("speed"), r.get("minutes"), r.get("item")) for r in controls] == [
        ("start", None, None, None), ("speed", 30.0, None, None), ("pause", None, None, None),
        ("advance", None, 25.0, None), ("resume", None, None, None),
        ("project", None, None, first)]
    assert controls[4]["t"] == pytest.approx(25.0)
    path = tmp_path / "served.jsonl"
    path.write_text(log)
    (tmp_path / "script.yaml").write_text(SCRIPT.read_text())
    from drills.api import extract_actions, replay_drill

    assert replay_drill(str(path), library=str(tmp_path)).difference is None
    assert "speed" not in extract_actions(str(path)).split("actions:")[1]


def test_a_stored_control_comes_back_after_a_restart(tmp_path: Path) -> None:
    db = ServeDB(str(tmp_path / "serve.db"))
    db.add_drill(DrillRow("d1", "2026-01-01 00:00:00", {}, "running", 1.0, 0.0, "ROOM"), {})
    stored = [PersonInput(1.5, "facilitator", "clock", clock=("speed", 20.0)),
              PersonInput(2.0, "facilitator", "clock", clock=("pause", None)),
              PersonInput(2.0, "facilitator", "project", inject="e12")]
    for n, item in enumerate(stored):
        db.add_input("d1", n, item)
    assert db.inputs("d1") == stored


def _scenario(tmp_path: Path, expect: str) -> str:
    text = SCRIPT.read_text().replace(
        '      - {reaction: "Call the CEO office back with a plan", within: 15m, points: 3}',
        expect)
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    return str(path)


def test_an_objective_is_met_by_the_action_it_expects(tmp_path: Path) -> None:
    """Issue 19 item 5: a briefing does not meet an objective that expects a holding
    statement; the holding statement does. One that names no action is flagged for the
    facilitator, with the action that was taken."""
    scenario = _scenario(tmp_path, '      - {reaction: "Publish a holding statement", '
                                   'within: 1h, points: 3}\n'
                                   '      - {reaction: "Call the CEO back", within: 1h}')
    live, out = live_drill({"comms_lead": "Ana"}, scenario=scenario, seed=2, hours=3)
    live.advance(91)
    ceo = next(e for e in live.feed(400) if e.get("inject") == "msg-0002")
    acted = live.perform("Ana", PersonAction("brief", event=ceo["id"],
                                             text="Line to take: sorry."))
    open_ids = set(live.world.objectives.open)
    assert "x3" in open_ids and "x4" not in open_ids  # x3 waits; x4 is flagged
    assert acted.met == ()  # the flagged one is not said to be met
    live.advance(100)
    live.act("Ana", PersonAction("holding_statement", event=ceo["id"], channels=("x",),
                                 text="We are looking into the lost bags. More by 20:00."))
    live.advance(live.end)
    document = live.finish()
    by_id = {o["id"]: o for o in document["objectives"]}
    assert (by_id["x3"]["status"], by_id["x3"]["by"]) == ("met", "Ana")
    assert (by_id["x4"]["status"], by_id["x4"]["by"]) == ("unvalidated", "Ana")
    records = records_of(out.getvalue())
    created = {r["id"]: r for r in records
               if r["type"] == "expectation" and r["status"] == "created"}
    assert created["x3"]["action"] == "holding_statement" and "action" not in created["x4"]
    assert created["x1"]["action"] == "brief"
    met = next(r for r in records if r["type"] == "expectation" and r["id"] == "x3"
               and r["status"] == "met")
    assert met["t"] == pytest.approx(100)  # the statement's moment, not the briefing's
    replayed, again = live_drill({"comms_lead": "Ana"}, scenario=scenario, seed=2, hours=3)
    for item in inputs_from_log(records):
        replayed.advance(item.t)
        apply_input(replayed.world, item)
    replayed.advance(replayed.end)
    replayed.finish()
    assert again.getvalue() == out.getvalue()


@pytest.mark.parametrize(("reaction", "action"), [
    ("Publish a holding statement on X", "holding_statement"),
    ("Brief customer support with the line to take", "brief"),
    ("Issue a statement to the press", "statement"),
    ("Apologise to the customer", "apology"),
    ("Call the CEO office back with a plan", None),
])
def test_a_reaction_names_its_action_in_its_words(reaction: str, action: str | None) -> None:
    assert expected_action(reaction) == action


def test_an_explicit_action_wins_and_a_wrong_one_is_refused(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from drills.cli.main import cli

    scenario = _scenario(tmp_path, '      - {reaction: "Call the CEO back", action: notify}')
    live, _out = live_drill({"comms_lead": "Ana"}, scenario=scenario, seed=2, hours=1)
    inject = next(i for i in live.world.scenario.injects if i.id == "msg-0002")
    assert inject.expect[0].action == "notify"
    live.finish()
    wrong = _scenario(tmp_path, '      - {reaction: "Call the CEO back", action: phone}')
    result = CliRunner().invoke(cli, ["lint", wrong])
    assert result.exit_code == 2, result.output
    assert "scenario.yaml:" in result.output and "action" in result.output


PERSONAS = """personas:
  - {id: reporter, name: Dana Reyes, handle: dana_courier, followers: 48000, platform: x,
     kind: journalist}
  - {id: regulator, name: Civil Aviation Office, handle: caa_uk, followers: 90000,
     platform: x, kind: regulator}
messages:
"""


@pytest.fixture()
def persona_client(tmp_path: Path) -> Iterator[TestClient]:
    library = tmp_path / "library"
    library.mkdir()
    (library / "script.yaml").write_text(SCRIPT.read_text().replace("messages:\n", PERSONAS, 1))
    app = create_app(ServeDB(str(tmp_path / "serve.db")), TOKEN, None,
                     load_library(str(library)), wall=lambda: 1000.0)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _events(log: str) -> list[dict[str, Any]]:
    return [r for r in records_of(log) if r["type"] == "event"]


def test_the_facilitator_posts_as_a_persona_and_the_crowd_reacts(
        persona_client: TestClient, tmp_path: Path) -> None:
    client = persona_client
    base, drill = _drill(client)
    boss = client.get(f"{base}/state", headers=H).json()
    assert [p["id"] for p in boss["personas"]] == ["reporter", "regulator"]
    client.post(f"{base}/control", headers=H, json={"op": "advance", "by": "30m"})
    posted = client.post(f"{base}/post", headers=H, json={
        "persona": "reporter", "text": "Hearing {brand} lost 400 bags at one airport. True?"})
    assert posted.status_code == 201, posted.text
    client.post(f"{base}/control", headers=H, json={"op": "advance", "by": "1m"})
    community = client.get(f"{base}/state", headers={
        "X-Join-Code": drill["join"]["community_manager"]}).json()
    post = next(e for e in community["feed"] if e["handle"] == "dana_courier")
    assert post["text"] == "Hearing {brand} lost 400 bags at one airport. True?"  # as typed
    replied = client.post(f"{base}/post", headers=H, json={
        "handle": "@angry_anna", "followers": 120, "platform": "x", "kind": "customer",
        "text": "They lost mine too!", "reply_to": post["id"], "sentiment": -0.9})
    assert replied.status_code == 201, replied.text
    for body, status, said in (
            ({"persona": "repoter", "text": "x"}, 409, "did you mean 'reporter'"),
            ({"handle": "a b", "platform": "x", "text": "x"}, 409, "needs a handle"),
            ({"handle": "anna", "platform": "myspace", "text": "x"}, 409, "platform must"),
            ({"persona": "reporter", "text": "x", "followers": "many"}, 422, "whole number"),
            ({"persona": "reporter", "text": "x", "reply_to": "e999999"}, 409, "no post")):
        refused = client.post(f"{base}/post", headers=H, json=body)
        assert (refused.status_code, said in refused.text) == (status, True), refused.text
    client.post(f"{base}/control", headers=H, json={"op": "advance", "by": "2h"})
    client.post(f"{base}/control", headers=H, json={"op": "end"})
    log = client.get(f"{base}/log", headers=H).text
    events = _events(log)
    reply = next(e for e in events if e["author"]["handle"] == "angry_anna")
    assert (reply["kind"], reply["parent"]) == ("reply", post["id"])
    reactions = [e for e in events if e.get("root") == post["id"] and e["id"] != post["id"]]
    assert len(reactions) >= 3  # the crowd cascades from a persona's post like any other
    path = tmp_path / "served.jsonl"
    path.write_text(log)
    from drills.api import replay_drill

    assert replay_drill(str(path), library=str(tmp_path / "library")).difference is None


def test_the_facilitator_edits_and_schedules_injects_during_the_drill(
        client: TestClient, tmp_path: Path) -> None:
    base, drill = _drill(client)
    boss = client.get(f"{base}/state", headers=H).json()
    waiting = {i["id"]: i for i in boss["injects"]}
    assert waiting["msg-0002"]["to"] == ["comms_lead"] and waiting["msg-0002"]["editable"]
    edited = client.post(f"{base}/inject", headers=H, json={
        "edit": "msg-0002", "text": "The CEO wants a call in 10 minutes.", "at": "50m",
        "to": ["community_manager"]})
    assert edited.status_code == 201, edited.text
    scheduled = client.post(f"{base}/inject", headers=H, json={
        "to": ["community_manager"], "in": "40m", "channel": "sms", "from": "Night manager",
        "subject": "Queue at gate 4", "text": "Passengers filming the queue at gate 4.",
        "attachments": ["Gate log: 140 passengers waiting since 18:05."]})
    assert scheduled.status_code == 201, scheduled.text
    refused = client.post(f"{base}/inject", headers=H, json={
        "to": ["community_manager"], "at": "5h", "channel": "pigeon", "text": "x"})
    assert refused.status_code == 409 and "channel must be one of" in refused.text
    client.post(f"{base}/control", headers=H, json={"op": "advance", "by": "39m"})
    community = client.get(f"{base}/state", headers={
        "X-Join-Code": drill["join"]["community_manager"]}).json()
    assert not any(m["subject"] == "Queue at gate 4" for m in community["messages"])
    client.post(f"{base}/control", headers=H, json={"op": "advance", "by": "12m"})
    community = client.get(f"{base}/state", headers={
        "X-Join-Code": drill["join"]["community_manager"]}).json()
    lead = client.get(f"{base}/state", headers={
        "X-Join-Code": drill["join"]["comms_lead"]}).json()
    by_subject = {m["subject"]: m for m in community["messages"]}
    sms = by_subject["Queue at gate 4"]
    assert (sms["channel"], sms["from"], sms["clock"]) == ("sms", "Night manager", "09:40")
    assert sms["attachments"] == ["Gate log: 140 passengers waiting since 18:05."]
    ceo = next(m for m in community["messages"] if m["text"].startswith("The CEO wants"))
    assert ceo["clock"] == "09:50"
    assert "The CEO" not in json.dumps(lead)  # its recipients were changed
    late = client.post(f"{base}/inject", headers=H, json={"edit": "msg-0002", "text": "x"})
    assert late.status_code == 409 and "has already happened" in late.text
    client.post(f"{base}/control", headers=H, json={"op": "end"})
    log = client.get(f"{base}/log", headers=H).text
    ops = [r["op"] for r in records_of(log) if r["type"] == "control"]
    assert ops[:3] == ["start", "edit", "schedule"]
    path = tmp_path / "served.jsonl"
    path.write_text(log)
    from drills.api import replay_drill

    assert replay_drill(str(path), library=str(tmp_path / "library")).difference is None


def test_a_scenarios_personas_are_checked(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from drills.cli.main import cli

    twice = PERSONAS.replace("id: regulator", "id: reporter")
    path = tmp_path / "twice.yaml"
    path.write_text(SCRIPT.read_text().replace("messages:\n", twice, 1))
    result = CliRunner().invoke(cli, ["lint", str(path)])
    assert result.exit_code == 2 and "persona 'reporter' is given twice" in result.output
    path.write_text(SCRIPT.read_text().replace("messages:\n",
                                               PERSONAS.replace("platform: x,", "platform: mx,"),
                                               1))
    result = CliRunner().invoke(cli, ["lint", str(path)])
    assert result.exit_code == 2 and "twice.yaml:" in result.output, result.output


def test_a_library_scenario_is_recorded_and_its_log_replays_elsewhere(tmp_path: Path) -> None:
    """Issue 19 item 6: a served drill of a --library scenario goes into the history store
    when it ends, and its log replays from another folder with `--library`."""
    library = tmp_path / "library"
    library.mkdir()
    (library / "script.yaml").write_text(SCRIPT.read_text())
    history = tmp_path / "history.db"
    app = create_app(ServeDB(str(tmp_path / "serve.db")), TOKEN, str(history),
                     load_library(str(library)), wall=lambda: 1000.0)
    with TestClient(app, raise_server_exceptions=False) as client:
        base, _made = _drill(client)
        client.post(f"{base}/control", headers=H, json={"op": "advance", "by": "30m"})
        client.post(f"{base}/control", headers=H, json={"op": "end"})
        log = client.get(f"{base}/log", headers=H).text
        score = client.get(f"{base}/score", headers=H).json()
    from drills.api import drill_history, replay_drill

    recorded = drill_history(db=str(history))
    assert [(d["scenario"], d["score"]) for d in recorded] == [
        ("script-messages", score["score"])]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "copy.yaml").write_text(SCRIPT.read_text())  # another name, same content
    path = tmp_path / "logs" / "served.jsonl"
    path.parent.mkdir()
    path.write_text(log)
    assert replay_drill(str(path), library=str(elsewhere)).difference is None


@pytest.mark.parametrize(("field", "value", "said"), [
    ("followers", "many", "'followers' must be a whole number"),
    ("sentiment", "bad", "'sentiment' must be a number"),
    ("handle", 5, "'handle' must be a string"),
    ("text", None, "the persona needs text"),
])
def test_a_hand_edited_control_in_a_log_is_one_line_not_a_traceback(
        tmp_path: Path, field: str, value: Any, said: str) -> None:
    from click.testing import CliRunner

    from drills.cli.main import cli

    live, out = live_drill({"comms_lead": "Ana"}, seed=2, hours=1)
    live.advance(5)
    item = PersonInput(0.0, "facilitator", "persona", spec=json.dumps(
        {"handle": "dana", "platform": "x", "text": "Is it true?", "followers": 10}))
    apply_input(live.world, item)
    live.advance(live.end)
    live.finish()
    lines = out.getvalue().splitlines()
    number, record = next((n, json.loads(line)) for n, line in enumerate(lines, 1)
                          if '"op": "persona"' in line or '"op":"persona"' in line)
    if value is None:
        del record[field]
    else:
        record[field] = value
    lines[number - 1] = json.dumps(record)
    path = tmp_path / "edited.jsonl"
    path.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(cli, ["replay", str(path)])
    assert result.exit_code == 2, result.output
    assert f"edited.jsonl:{number}:" in result.output and said in result.output
    assert "Traceback" not in result.output


def test_a_restart_brings_back_the_controls_edits_and_personas(tmp_path: Path) -> None:
    """The server stops and starts again on its database: the drill comes back with every
    control, edit, scheduled message and persona post, and its log goes on from the same
    prefix."""
    library = tmp_path / "library"
    library.mkdir()
    (library / "script.yaml").write_text(SCRIPT.read_text())

    def app() -> Any:
        return create_app(ServeDB(str(tmp_path / "serve.db")), TOKEN, None,
                          load_library(str(library)), wall=lambda: 1000.0)

    with TestClient(app(), raise_server_exceptions=False) as client:
        base, _made = _drill(client)
        for path, body in (
                ("control", {"op": "speed", "speed": 5}), ("control", {"op": "pause"}),
                ("inject", {"edit": "msg-0002", "at": "40m"}),
                ("inject", {"to": ["comms_lead"], "in": "1h", "channel": "sms", "text": "Hi"}),
                ("control", {"op": "advance", "by": "20m"}),
                ("post", {"handle": "dana", "platform": "x", "text": "True?"}),
                ("control", {"op": "advance", "by": "5m"})):
            answered = client.post(f"{base}/{path}", headers=H, json=body)
            assert answered.status_code in (200, 201), answered.text
        before = client.get(f"{base}/log", headers=H).text
    with TestClient(app(), raise_server_exceptions=False) as client:
        deadline = time.monotonic() + 60
        state = client.get(f"{base}/state", headers=H).json()
        while "now" not in state and time.monotonic() < deadline:  # the drill replays
            time.sleep(0.01)
            state = client.get(f"{base}/state", headers=H).json()
        assert state["status"] == "paused" and state["now"] == pytest.approx(25)
        assert {i["id"]: i["at"] for i in state["injects"]}["msg-0002"] == "09:40"
        client.post(f"{base}/control", headers=H, json={"op": "end"})
        after = client.get(f"{base}/log", headers=H).text
    assert after.startswith(before)
    path = tmp_path / "served.jsonl"
    path.write_text(after)
    from drills.api import replay_drill

    assert replay_drill(str(path), library=str(library)).difference is None
    from drills.api import extract_actions

    assert "facilitator" not in extract_actions(str(path)).split("actions:")[1]
