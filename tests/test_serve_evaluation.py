"""The evaluator and the hot wash of a served drill: codes, ratings at the drill's moment,
answers after the end, what survives a restart, and what the report says of them."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from drills.report.evaluation import Evaluation, EvaluationRow, HotWashRow, Task, plan_rows
from drills.score.score import evaluated_rating
from drills.serve.app import create_app
from drills.serve.db import ServeDB
from tests.serve_helpers import TOKEN
from tests.test_serve_api import FakeWall, _control, _drill

H = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(ServeDB(str(tmp_path / "serve.db")), TOKEN, None, wall=FakeWall())
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _evaluator(client: TestClient, drill: dict) -> dict[str, str]:
    made = client.post(f"/api/drills/{drill['id']}/evaluator", json={}, headers=H)
    assert made.status_code == 200, made.text
    again = client.post(f"/api/drills/{drill['id']}/evaluator", json={}, headers=H)
    assert again.json()["code"] == made.json()["code"]  # one code per drill, kept
    return {"X-Evaluator-Code": made.json()["code"]}


def test_an_evaluator_rates_tasks_at_the_drills_moment(client: TestClient) -> None:
    drill = _drill(client)
    code = _evaluator(client, drill)
    _control(client, drill, op="start")
    _control(client, drill, op="advance", by="1h")
    url = f"/api/drills/{drill['id']}/evaluation"
    tasks = client.get(url, headers=code).json()["tasks"]
    assert tasks and {"id", "objective", "capability", "task"} <= set(tasks[0])
    saved = client.post(url, headers=code, json={"task": tasks[0]["id"], "rating": "m",
                                                  "note": "Holding statement <b>late</b>"})
    assert saved.status_code == 201, saved.text
    assert saved.json()["rating"] == "M" and saved.json()["t"] == 60.0
    assert saved.json()["clock"] == "fri 18:30"
    state = client.get(url, headers=code).json()
    assert [(r["task"], r["rating"], r["note"]) for r in state["ratings"]] == [
        (tasks[0]["id"], "M", "Holding statement <b>late</b>")]
    assert client.get(f"/evaluate/{code['X-Evaluator-Code']}").status_code == 200


@pytest.mark.parametrize(("body", "status", "says"), [
    ({"task": "nope/1", "rating": "P"}, 422, "no critical task"),
    ({"task": "@first", "rating": "X"}, 422, "must be one of P, S, M, U"),
    ({"task": "@first"}, 422, "a rating, a note, or both"),
    ({"task": "@first", "note": "x" * 2001}, 422, "at most 2000"),
])
def test_a_wrong_rating_is_one_line(client: TestClient, body: dict, status: int,
                                    says: str) -> None:
    drill = _drill(client)
    code = _evaluator(client, drill)
    url = f"/api/drills/{drill['id']}/evaluation"
    if body["task"] == "@first":
        body = dict(body, task=client.get(url, headers=code).json()["tasks"][0]["id"])
    answer = client.post(url, headers=code, json=body)
    assert answer.status_code == status and says in answer.json()["error"]


def test_codes_do_not_cross(client: TestClient) -> None:
    one, other = _drill(client), _drill(client)
    code = _evaluator(client, one)
    assert client.get(f"/api/drills/{other['id']}/evaluation", headers=code).status_code == 403
    join = {"X-Evaluator-Code": one["join"]["legal"]}  # a participant is no evaluator
    assert client.get(f"/api/drills/{one['id']}/evaluation", headers=join).status_code == 401
    assert client.post(f"/api/drills/{one['id']}/evaluator", json={}).status_code == 401
    acting = client.post(f"/api/drills/{one['id']}/actions", json={"action": "acknowledge"},
                         headers={"X-Join-Code": code["X-Evaluator-Code"]})
    assert acting.status_code == 401  # an evaluator acts on nothing in the drill


def test_the_hot_wash_opens_at_the_end_and_goes_into_the_report(client: TestClient) -> None:
    drill = _drill(client)
    code = _evaluator(client, drill)
    legal = {"X-Join-Code": drill["join"]["legal"]}
    url = f"/api/drills/{drill['id']}/hotwash"
    answers = {"well": "Fast first reply", "improve": "Approvals took long",
               "change": "Legal on call on Fridays"}
    early = client.post(url, json=answers, headers=legal)
    assert early.status_code == 409 and "when the drill ends" in early.json()["error"]
    _control(client, drill, op="start")
    _control(client, drill, op="advance", by="3h")
    evaluation = f"/api/drills/{drill['id']}/evaluation"
    task = client.get(evaluation, headers=code).json()["tasks"][0]
    assert client.post(evaluation, headers=code, json={
        "task": task["id"], "rating": "U", "note": "Nobody did it"}).status_code == 201
    assert _control(client, drill, op="end")["status"] == "ended"
    assert client.post(url, json={}, headers=legal).status_code == 422
    assert client.post(url, json=answers, headers=legal).status_code == 201
    report = client.get(f"/drills/{drill['id']}/report", params={"token": TOKEN}).text
    for text in ("Evaluators&#39; ratings and notes", "Nobody did it", "Hot wash",
                 "Fast first reply", "Legal on call on Fridays", "Evaluator rated U"):
        assert text in report, text
    assert "rating P " not in report
    swedish = client.get(f"/drills/{drill['id']}/report",
                         params={"token": TOKEN, "lang": "sv"}).text
    assert "Utvärderarnas bedömningar" in swedish and "En sak att ändra" in swedish


def test_ratings_and_the_hot_wash_survive_a_restart(tmp_path: Path) -> None:
    path = str(tmp_path / "serve.db")
    with TestClient(create_app(ServeDB(path), TOKEN, None, wall=FakeWall())) as first:
        drill = _drill(first)
        code = _evaluator(first, drill)
        url = f"/api/drills/{drill['id']}/evaluation"
        task = first.get(url, headers=code).json()["tasks"][0]["id"]
        assert first.post(url, headers=code, json={"task": task, "rating": "S",
                                                    "note": "ok"}).status_code == 201
    with TestClient(create_app(ServeDB(path), TOKEN, None, wall=FakeWall())) as second:
        ratings = second.get(url, headers=code).json()["ratings"]
        assert [(r["task"], r["rating"], r["note"]) for r in ratings] == [(task, "S", "ok")]


def test_an_evaluators_m_or_u_rules_out_p() -> None:
    assert evaluated_rating("P", ["P", "M"]) == "S"
    assert evaluated_rating("P", ["U"]) == "S"
    assert evaluated_rating("P", ["P", "S"]) == "P"
    assert evaluated_rating("M", ["U"]) == "M"


def test_plan_rows_have_an_owner_and_a_due_date() -> None:
    evaluation = Evaluation(
        [Task("r/1", "Crisis declared", "comms lead", "holding statement within 1h00m")],
        [EvaluationRow(5.0, "evaluator", "r/1", "P", ""),
         EvaluationRow(9.0, "evaluator", "r/1", "M", "Too long for X")],
        [HotWashRow("legal", "", "", "Approve by phone")], today=datetime.date(2026, 12, 1))
    rows = plan_rows(evaluation, "en")
    assert [(r[3], r[4]) for r in rows] == [("comms lead", "2026-12-31"),
                                            ("legal", "2026-12-31")]
    assert "rated M" in rows[0][0] and "Too long for X" in rows[0][1]


def test_the_narrative_timeline_labels_injects_statements_approvals_and_controls() -> None:
    from drills.report.narrative import narrative

    records = [
        {"type": "header", "t": 0, "severity_levels": ["normal", "watch"]},
        {"type": "event", "t": 5, "inject": "press", "kind": "press_inquiry",
         "from": "Courier", "subject": "Recall?", "text": "Are you recalling?",
         "to": ["comms_lead"]},
        {"type": "obligation", "t": 6, "id": "o1", "status": "created",
         "action": "holding_statement"},
        {"type": "obligation", "t": 18, "id": "o1", "status": "approved", "approver": "legal",
         "member": "Ann"},
        {"type": "action", "t": 20, "action": "holding_statement", "member": "Bo",
         "role": "comms_lead", "text": "We are aware.", "channels": ["x"]},
        {"type": "action", "t": 21, "action": "notify", "member": "Sim", "role": "legal"},
        {"type": "control", "t": 22, "op": "validate", "inject": "x1", "status": "partly",
         "comment": "slow"},
        {"type": "severity", "t": 23, "level": 1, "reason": "rule"},
    ]
    title, headers, rows = narrative(records, "en", lambda t: f"t{t:g}")
    assert title == "Narrative timeline" and headers[0] == "When"
    assert rows == [
        ["t5", "Inject", "press inquiry · Courier", "Recall?: Are you recalling? (to comms_lead)"],
        ["t18", "Approval", "Ann (legal)", "approved holding statement o1 after 12 min"],
        ["t20", "Statement: holding statement", "Bo (comms lead)", "We are aware. (via x)"],
        ["t22", "Facilitator: validate", "facilitator",
         "inject x1 · status partly · comment slow"],
        ["t23", "Severity", "", "severity to watch (rule)"]]


KETTLE = Path(__file__).resolve().parent.parent / "scenarios" / "overheating-kettle.yaml"
DECLARED = """
evaluation:
  - objective: Tell the public within the golden hour
    capability: Public information and warning
    tasks:
      - id: golden-hour
        task: A holding statement on every active channel within 60 minutes
        role: comms_lead
      - Legal approves before it goes out
"""


def test_a_scenario_declares_its_critical_tasks(tmp_path: Path) -> None:
    from drills.serve.app import load_library

    library = tmp_path / "library"
    library.mkdir()
    text = KETTLE.read_text("utf-8").replace("scenario: overheating-kettle",
                                             "scenario: kettle-evaluated")
    (library / "kettle.yaml").write_text(text + DECLARED, "utf-8")
    app = create_app(ServeDB(str(tmp_path / "serve.db")), TOKEN, None,
                     load_library(str(library)), wall=FakeWall())
    with TestClient(app) as client:
        drill = _drill(client, scenario="kettle-evaluated")
        code = _evaluator(client, drill)
        tasks = client.get(f"/api/drills/{drill['id']}/evaluation", headers=code).json()["tasks"]
    assert tasks == [
        {"id": "golden-hour", "objective": "Tell the public within the golden hour",
         "capability": "Public information and warning",
         "task": "A holding statement on every active channel within 60 minutes"},
        {"id": "o1/t2", "objective": "Tell the public within the golden hour",
         "capability": "Public information and warning",
         "task": "Legal approves before it goes out"}]


def test_a_task_id_used_twice_is_one_line_at_its_place(tmp_path: Path) -> None:
    from drills.errors import DrillError
    from drills.feed.scenario_load import load_scenario

    path = tmp_path / "kettle.yaml"
    path.write_text(KETTLE.read_text("utf-8") + DECLARED.replace("o1/t2", "x") + (
        "      - {id: golden-hour, task: again}\n"), "utf-8")
    with pytest.raises(DrillError, match=r"kettle.yaml:\d+:\d+: task id 'golden-hour' is "
                                         r"used twice"):
        load_scenario(str(path))


def test_the_facilitators_partly_and_missed_are_rows_of_the_plan(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from drills.cli.main import cli

    script = Path(__file__).resolve().parent / "data" / "scenarios" / "script-messages.yaml"
    log = tmp_path / "drill.jsonl"
    run = CliRunner().invoke(cli, ["run", "--scenario", str(script), "--seed", "1",
                                   "--no-store", "--log", str(log)])
    assert run.exit_code == 0, run.output
    report = CliRunner().invoke(cli, ["report", str(log), "--format", "md", "-o",
                                      str(tmp_path / "r.md"), "--judge", "x3=missed:no call back",
                                      "--judge", "x1=partly"])
    assert report.exit_code == 0, report.output
    plan = (tmp_path / "r.md").read_text("utf-8").split("## Improvement plan")[1]
    assert "Objective x3 (" in plan and "judged it missed (no call back)" in plan
    assert "Objective x1 (" in plan and "judged it partly |" in plan


def test_a_database_of_the_version_before_is_migrated(tmp_path: Path) -> None:
    from dataclasses import replace

    from drills.serve.db import SCHEMA
    from drills.store.sqlite import open_database

    path = str(tmp_path / "old.db")
    old = open_database(path, replace(SCHEMA, migrations=SCHEMA.migrations[:1]))
    old.execute("INSERT INTO drills (id, created, spec, status, speed, room) VALUES "
                "('d1', 'now', '{}', 'ended', 1, 'ROOM')")
    old.close()
    db = ServeDB(path)
    assert [r.id for r in db.drills()] == ["d1"]
    assert db.evaluator_code("d1", "CODE-0001", "evaluator") == "CODE-0001"
    db.add_rating("d1", 12.5, "evaluator", "r/1", "U", "")
    assert [(r.seq, r.t, r.rating) for r in db.ratings("d1")] == [(0, 12.5, "U")]
    db.close()


def test_the_set_up_form_previews_a_scenario(client: TestClient) -> None:
    answer = client.get("/api/scenarios/overheating-kettle/preview", headers=H)
    assert answer.status_code == 200, answer.text
    preview = answer.json()
    assert preview["title"] and preview["hours"] > 0 and "x" in preview["platforms"]
    assert {"press inquiry"} <= {i["kind"] for i in preview["injects"]}
    assert all(i["when"].startswith(("after ", "when")) for i in preview["injects"])
    assert client.get("/api/scenarios/nope/preview", headers=H).status_code == 404
    assert client.get("/api/scenarios/overheating-kettle/preview").status_code == 401


@pytest.mark.parametrize(("length", "rating"), [(200, "P"), (300, "S")])
def test_a_text_over_the_platforms_length_rules_out_p(tmp_path: Path, length: int,
                                                      rating: str) -> None:
    import json

    from drills.api import score_drill

    source = Path(__file__).resolve().parent / "data" / "logs" / "tabletop.jsonl"
    lines = []
    for line in source.read_text("utf-8").splitlines():
        record = json.loads(line)
        if record.get("id") == "a1" and record.get("type") == "action":
            record.update(human=True, text="We are looking into it. " + "x" * (length - 24))
        lines.append(json.dumps(record))
    log = tmp_path / "tabletop.jsonl"
    log.write_text("\n".join(lines) + "\n", "utf-8")
    document = score_drill(str(log))
    assert document["score"] == 92.3 and document["rating"] == rating
