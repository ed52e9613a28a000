"""Exercise scripts in and out: `drill import msel` on sheets shaped like real ones (a
REMPAR25-like chronogramme, an English HSEEP MSEL), and `drill script` back to a sheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from drills.cli.main import cli
from drills.exercise.columns import find_header, normal
from drills.exercise.script import COLUMNS
from drills.exercise.times import SheetTime, parse_time
from tests.msel_fixtures import openaev_rows, rempar_rows, write_csv, write_xlsx

SCRIPT = Path(__file__).parent / "data" / "scenarios" / "script-messages.yaml"
BUILT_IN = sorted(p.stem for p in (Path(__file__).parents[1] / "scenarios").glob("*.yaml"))


def _invoke(args: list[str]) -> Result:
    result = CliRunner().invoke(cli, args)
    assert "Traceback" not in result.output, result.output
    return result


def _import(sheet: Path, out: Path, *extra: str) -> tuple[Result, dict[str, Any]]:
    result = _invoke(["import", "msel", str(sheet), "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return result, yaml.safe_load((out / "scenario.yaml").read_text())


def _rempar(tmp_path: Path, *extra: str) -> tuple[Result, dict[str, Any]]:
    sheet = write_xlsx(tmp_path / "rempar.xlsx", rempar_rows())
    return _import(sheet, tmp_path / "rempar", "--preset", "murail", "--lang", "fr", *extra)


# -- times and headers ---------------------------------------------------------------


@pytest.mark.parametrize(("cell", "expected"), [
    (dt.time(9, 30), SheetTime(minute=570)),
    (0.5, SheetTime(minute=720)),  # an Excel time cell read as a fraction of a day
    ("09h30", SheetTime(minute=570)),
    ("9h", SheetTime(minute=540)),
    ("14:05", SheetTime(minute=845)),
    ("26/06/2024 09h00", SheetTime(day=dt.date(2024, 6, 26), minute=540)),
    (dt.datetime(2024, 6, 27, 8, 15), SheetTime(day=dt.date(2024, 6, 27), minute=495)),
    ("J+1 H+2 M-5", SheetTime(relative=1440 + 120 - 5)),
    ("D+1", SheetTime(relative=1440)),
    ("T+2", SheetTime(relative=120)),
    ("t-1", SheetTime(relative=-60)),
    ("M-5", SheetTime(relative=-5)),
    ("H+1,5", SheetTime(relative=90)),
    ("+01:30", SheetTime(relative=90)),
    ("-00:10", SheetTime(relative=-10)),
])
def test_every_time_shape_of_real_sheets(cell: object, expected: SheetTime) -> None:
    assert parse_time(cell) == expected


@pytest.mark.parametrize("cell", ["demain matin", "25h00", "09h75", "J+", 3.5, "T+2 lunch"])
def test_a_time_that_is_not_one_says_what_would_work(cell: object) -> None:
    with pytest.raises(ValueError, match="not a time"):
        parse_time(cell)


def test_column_names_match_in_french_or_english_without_case_or_accents() -> None:
    assert normal("  Réaction ATTENDUE ") == "reaction attendue"
    rows: list[tuple[int, list[Any]]] = [
        (1, ["Exercise Alpha"]), (3, [None, "ÉMETTEUR", "Horaire", "Stimuli", "Destinataire(s)"]),
        (4, [None, "RSSI", "09h30", "text", "DSI"])]
    index, columns = find_header(rows, {})
    assert index == 1 and columns == {1: "from", 2: "time", 3: "message", 4: "to"}
    _index, english = find_header([(1, ["Expected Action", "TIME", "Message", "To", "From"])], {})
    assert english == {0: "expected", 1: "time", 2: "message", 3: "to", 4: "from"}


# -- a REMPAR25-shaped chronogramme ------------------------------------------------------


def test_a_rempar_shaped_sheet_imports_in_one_command(tmp_path: Path) -> None:
    result, scenario = _rempar(tmp_path)
    out = result.output
    assert "imported 7 row(s)" in out
    assert "roles found: cellule_de_crise, direction_communication, dsi" in out
    # Section titles become phases from their first row; one whose rows are played at the
    # same minute as the next section's is kept as a note, and said so, with its row.
    assert "phase 'PHASE 1 — DÉTECTION' from +0.00 h (row " + \
        str(tmp_path / "rempar.xlsx") + ":Chronogramme:6)" in out
    assert f"note {tmp_path / 'rempar.xlsx'}:Chronogramme:4: section 'PRÉPARATION' kept in " \
        "the scenario's description" in out
    assert [p["name"] for p in scenario["phases"]] == ["PHASE 1 — DÉTECTION"]
    assert "Sections of the sheet: PRÉPARATION." in scenario["description"]
    # A bad time is reported with file:sheet:row:column, and the other rows still import.
    assert f"bad row {tmp_path / 'rempar.xlsx'}:Chronogramme:13:C: not a time: " \
        "'demain matin'" in out
    # The preparation step before the start is kept, in order, and reported.
    assert "1 preparation row(s) before the start kept at the start, in order" in out
    assert "1 break(s)" in out and 'start "mon 09:30"' in out
    injects = {i["id"]: i for i in scenario["injects"]}
    assert list(injects) == ["msg-0000", "msg-0001", "msg-0002", "msg-0003", "msg-0004",
                             "msg-0006", "msg-0008"]
    # Text ids kept; Excel time 09:30 is the start; 09h45, 26/06/2025 10h00, T+1, J+0 H+4,
    # +05:30 all land where they belong; M-5 is played at the start, before MSG-0001.
    assert [i["at"] for i in injects.values()] == ["0m", "0m", "15m", "30m", "60m", "240m",
                                                  "330m"]
    assert injects["msg-0000"]["to"] == "all"  # "Tous"
    assert injects["msg-0001"]["to"] == ["cellule_de_crise", "direction_communication"]
    assert injects["msg-0004"]["to"] == ["cellule_de_crise", "dsi"]  # "a, b" in one cell
    assert injects["msg-0003"]["channel"] == "phone" and injects["msg-0004"]["channel"] == "mail"
    assert injects["msg-0003"]["from"] == "Journaliste Le Matin"
    # The tweet row goes to the feed as a scripted post.
    assert injects["msg-0002"]["kind"] == "mention"
    assert injects["msg-0002"]["author"]["handle"] == "hacktivist_x"
    assert injects["msg-0001"]["expect"] == [
        {"reaction": "Activer la cellule de crise", "role": "cellule_de_crise"},
        {"reaction": "livrable: main courante", "role": "cellule_de_crise"}]
    # The lunch break becomes a pause of live drills, until the next row.
    assert scenario["breaks"] == [{"at": "150m", "for": "90m", "title": "Pause"}]
    assert scenario["locale"] == "fr_FR"
    assert scenario["title"] == "REMPAR25 — exercice de crise cyber"


def test_the_imported_drill_lints_clean_and_runs_with_its_objectives(tmp_path: Path) -> None:
    _rempar(tmp_path)
    folder = tmp_path / "rempar"
    files = [str(folder / f"{n}.yaml") for n in ("scenario", "rulebook", "team")]
    lint = _invoke(["lint", *files])
    assert lint.exit_code == 0 and "0 error(s), 0 warning(s)" in lint.output, lint.output
    log = tmp_path / "run.jsonl"
    run = _invoke(["run", "--scenario", files[0], "--rulebook", files[1], "--team", files[2],
                   "--start", "mon 09:30", "--seed", "4", "--no-store", "--json",
                   "--log", str(log)])
    assert run.exit_code == 0, run.output
    document = json.loads(run.stdout)
    objectives = {(o["inject"], o["role"]): o for o in document["objectives"]}
    assert set(objectives) == {("msg-0001", "cellule_de_crise"), ("msg-0003",
                                "direction_communication"), ("msg-0004", "cellule_de_crise"),
                               ("msg-0006", "direction_communication")}
    assert all(o["status"] in ("met", "partly", "missed") for o in objectives.values())
    records = [json.loads(line) for line in log.read_text().splitlines()]
    messages = [r for r in records if r.get("kind") == "message"]
    assert len(messages) == 6
    # Braces in a cell are text, not placeholders.
    assert any("Les {fichiers} sont inaccessibles" in r["text"] for r in messages)
    assert records[0]["start"] == "mon 09:30" or "09:30" in json.dumps(records[0])


def test_the_same_sheet_as_csv_gives_the_same_drill(tmp_path: Path) -> None:
    _result, from_xlsx = _rempar(tmp_path)
    sheet = write_csv(tmp_path / "rempar.csv", rempar_rows())
    result, from_csv = _import(sheet, tmp_path / "csv", "--lang", "fr")  # no preset needed
    assert f"{sheet}:rempar:13:C: not a time" in result.output
    assert from_csv["injects"] == from_xlsx["injects"]
    assert from_csv["breaks"] == from_xlsx["breaks"]


def test_strict_fails_on_any_bad_row_and_writes_nothing(tmp_path: Path) -> None:
    sheet = write_xlsx(tmp_path / "rempar.xlsx", rempar_rows())
    result = _invoke(["import", "msel", str(sheet), "-o", str(tmp_path / "out"), "--strict"])
    assert result.exit_code == 2
    assert f"{sheet}:Chronogramme:13:C: not a time: 'demain matin'" in result.output
    assert "1 bad row(s) with --strict: nothing written" in result.output
    assert not (tmp_path / "out").exists()


def test_an_english_msel_with_mixed_relative_times_and_messy_cells(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["EVENT NUMBER", "Scenario Time", "Method", "From", "To", "Subject", "Message",
         "Expected Player Action", "Points", "Within"],
        [101, "T-1", "mail", "Controller", "All", "Briefing", "Read the briefing pack.",
         None, None, None],
        ["MSG-0001", "09:00", "email", "Customer care", "Comms lead, Legal",
         "Claims", "We have 40 claims.", "Brief support\nCheck the claims wording", "2\n1",
         "30 min\n1h"],
        ["MSG-0002", "+01:30", "phone", "CEO office", "comms lead", None,
         "Call back with a plan.", "Call back", "many", None],
        ["MSG-0003", "T+2", "phone", "Reporter", "Press office", None,
         "Comment?", "Hold the line", 1, "soon"],
        ["MSG-0004", "T+3", "post", "@angry_customer", None, None,
         "Still waiting for my refund #fail", None, None, None],
        ["MSG-0005", "T+4", "mail", "Regulator", "Legal", None, None, None, None, None],
    ]
    sheet = tmp_path / "msel.csv"
    with open(sheet, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result, scenario = _import(sheet, tmp_path / "out", "--preset", "hseep",
                               "--map", "Within=within")
    out = result.output
    assert f"{sheet}:msel:4:I: points must be a number, not 'many'" in out
    assert f"{sheet}:msel:5:J: not a delay: 'soon'" in out
    assert f"{sheet}:msel:7:G: no message" in out
    injects = {i["id"]: i for i in scenario["injects"]}
    assert list(injects) == ["101", "msg-0001", "msg-0004"]
    assert injects["101"]["to"] == "all" and injects["101"]["at"] == "0m"
    assert "1 preparation row(s)" in out
    assert injects["msg-0001"]["to"] == ["comms_lead", "legal"]
    assert injects["msg-0001"]["expect"] == [
        {"reaction": "Brief support", "role": "comms_lead", "within": "30m", "points": 2},
        {"reaction": "Check the claims wording", "role": "comms_lead", "within": "60m",
         "points": 1}]
    assert injects["msg-0004"]["at"] == "180m" and injects["msg-0004"]["kind"] == "mention"
    assert injects["msg-0004"]["author"]["handle"] == "angry_customer"
    assert "roles found: comms_lead, legal" in out


def test_a_header_in_other_words_is_named_with_map(tmp_path: Path) -> None:
    sheet = tmp_path / "odd.csv"
    sheet.write_text("Quand;Quoi;Qui\n09:00;Bonjour;DSI\n09:20;Alerte;DSI\n", encoding="utf-8")
    missing = _invoke(["import", "msel", str(sheet), "-o", str(tmp_path / "a")])
    assert missing.exit_code == 2 and "no header row found" in missing.output
    assert "--map COLUMN=FIELD" in missing.output
    _result, scenario = _import(sheet, tmp_path / "b", "--map", "Quand=time", "--map",
                                "quoi=message", "--map", "QUI=to")
    assert [(i["at"], i["to"], i["text"]) for i in scenario["injects"]] == [
        ("0m", ["dsi"], "Bonjour"), ("20m", ["dsi"], "Alerte")]
    bad = _invoke(["import", "msel", str(sheet), "-o", str(tmp_path / "c"), "--map", "Quand"])
    assert bad.exit_code == 2 and "--map 'Quand': write COLUMN=FIELD" in bad.output


def test_files_that_are_not_sheets_get_a_clear_error(tmp_path: Path) -> None:
    ods = tmp_path / "plan.ods"
    ods.write_bytes(b"PK\x03\x04")
    result = _invoke(["import", "msel", str(ods), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "save the sheet as .xlsx or .csv" in result.output
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook")
    result = _invoke(["import", "msel", str(fake), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "not an .xlsx workbook" in result.output
    sheet = write_xlsx(tmp_path / "rempar.xlsx", rempar_rows())
    result = _invoke(["import", "msel", str(sheet), "--sheet", "Feuil2"])
    assert result.exit_code == 2 and "no sheet 'Feuil2'; sheets: Chronogramme" in result.output
    assert not (tmp_path / "o").exists()


# -- drill script ----------------------------------------------------------------------


def test_the_script_of_a_scenario_round_trips_through_xlsx(tmp_path: Path) -> None:
    from drills.feed.scenario_load import load_scenario

    sheet = tmp_path / "msel.xlsx"
    result = _invoke(["script", str(SCRIPT), "--format", "xlsx", "-o", str(sheet)])
    assert result.exit_code == 0, result.output
    out, _scenario = _import(sheet, tmp_path / "again")
    assert "a generated moment of the crisis, not an inject" in out.output
    again = tmp_path / "again.xlsx"
    _invoke(["script", str(SCRIPT), "--format", "xlsx", "-o", str(again)])
    assert again.read_bytes() == sheet.read_bytes()  # no save time stamped in
    original = load_scenario(str(SCRIPT))
    imported = load_scenario(str(tmp_path / "again" / "scenario.yaml"))
    assert imported.title == original.title
    before = {i.id: i for i in original.injects if i.kind == "message"}
    after = {i.id: i for i in imported.injects if i.kind == "message"}
    assert [i for i in after if i in before] == list(before)
    # A press inquiry comes back as a message by the press channel.
    assert after["travel-desk"].channel == "press" and after["travel-desk"].at == 180
    for ident, inject in before.items():
        again = after[ident]
        assert (again.at, again.to, again.text, again.sender, again.subject, again.channel,
                again.attachments, again.expect) == (
                    inject.at, inject.to, inject.text, inject.sender, inject.subject,
                    inject.channel, inject.attachments, inject.expect), ident
    posts = {i.id: i for i in imported.injects if i.kind == "mention"}
    assert posts["the-thread"].at == 5 and posts["the-thread"].author["handle"] == \
        "frequentflyerfinn"
    # The clock column puts a sheet of relative times back at the drill's start.
    assert 'start "mon 09:00"' in out.output


@pytest.mark.parametrize("scenario", BUILT_IN)
def test_drill_script_prints_a_facilitators_msel_for_every_built_in(scenario: str) -> None:
    result = _invoke(["script", scenario, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == COLUMNS
    body = [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]
    assert body, "an empty MSEL"
    offsets = [r["Scenario time"] for r in body]
    assert offsets == sorted(offsets)  # in time order
    assert any(r["Notes"] == "scripted" for r in body)
    assert any(r["Type"] == "generated severity" and r["Expected action"] for r in body)
    # Every row that asks something says of whom and by when.
    for row in body:
        for line in filter(None, row["Expected action"].split("; ")):
            if row["Notes"] != "scripted":
                assert " by " in line and line.endswith(" min"), line


def test_drill_script_formats_escape_and_show_the_key_moments(tmp_path: Path) -> None:
    md = _invoke(["script", "overheating-kettle", "--seed", "3"])
    assert md.exit_code == 0
    assert md.stdout.startswith("# MSEL: ") and "| Number | Scenario time |" in md.stdout
    assert "generated press inquiry" in md.stdout
    html_file = tmp_path / "msel.html"
    assert _invoke(["script", "overheating-kettle", "--seed", "3", "--format", "html", "-o",
                    str(html_file)]).exit_code == 0
    page = html_file.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert '<th class="expected-action">Expected action</th>' in page
    # Columns no row fills are left off the page (the sheet formats keep them).
    assert "Attachments" not in page and "Attachments" not in md.stdout
    # Same seed, same script: a paper drill can be printed twice.
    again = _invoke(["script", "overheating-kettle", "--seed", "3"]).stdout
    assert again == md.stdout
    other = _invoke(["script", "overheating-kettle", "--seed", "4"]).stdout
    assert other != md.stdout
    no_file = _invoke(["script", "overheating-kettle", "--format", "xlsx"])
    assert no_file.exit_code == 2 and "give -o FILE" in no_file.output


def test_script_text_from_a_scenario_is_escaped_in_html(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.yaml"
    text = SCRIPT.read_text().replace("The CEO saw the thread.",
                                      "<img src=x onerror=alert(1)> The CEO saw the thread.")
    hostile.write_text(text)
    page = _invoke(["script", str(hostile), "--format", "html"]).stdout
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


# -- the imported drill, played and served ----------------------------------------------

PLAY_SESSION = """\
wait 35m
inbox
act brief on e8 : Je vous renvoie vers notre porte-parole.
wait 3h
resume
wait 20m
quit
"""


def test_the_imported_drill_plays_in_the_terminal_and_replays(tmp_path: Path) -> None:
    _rempar(tmp_path)
    folder = tmp_path / "rempar"
    log = tmp_path / "play.jsonl"
    result = CliRunner().invoke(cli, [
        "play", "--plain", "--scenario", str(folder / "scenario.yaml"), "--rulebook",
        str(folder / "rulebook.yaml"), "--team", str(folder / "team.yaml"), "--role",
        "direction_communication", "--as", "Zoé", "--speed", "0", "--seed", "1", "--start",
        "mon 09:30", "--no-store", "--log", str(log)], input=PLAY_SESSION)
    assert result.exit_code == 0, result.output
    out = result.output
    # The message to the person's role wakes the wait and waits in the inbox.
    assert "NEW x3: expected of you as direction_communication: Renvoyer vers le " \
        "porte-parole, ne rien confirmer - act on e8" in out
    assert "stopped waiting at mon 10:00: something needs you" in out
    assert re.search(r"EXPECT +x3 +Renvoyer", out) and "act on e8" in out
    # The reaction names no action: the briefing flags it for the facilitator, not met.
    assert "meets x3" not in out
    # The lunch break stops the clock where the script put it.
    assert "now mon 12:00" in out and "BREAK Pause (90 min): the clock stops" in out
    records = [json.loads(line) for line in log.read_text().splitlines()]
    judged = [r for r in records if r["type"] == "expectation" and r["id"] == "x3"]
    assert judged[-1]["status"] == "unvalidated" and judged[-1]["by"] == "Zoé"
    assert judged[-1]["comment"].startswith("Zoé acted with brief")
    replay = _invoke(["replay", str(log), "--no-store"])
    assert replay.exit_code == 0 and "identical" in replay.output, replay.output


def test_the_imported_drill_is_served_from_its_folder(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from drills.serve.app import create_app, load_library
    from drills.serve.db import ServeDB
    from tests.serve_helpers import TOKEN

    _rempar(tmp_path)
    app = create_app(ServeDB(str(tmp_path / "serve.db")), TOKEN, None,
                     load_library(str(tmp_path / "rempar")))
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(app) as client:
        options = client.get("/api/options", headers=headers).json()
        assert "rempar" in options["scenarios"]
        created = client.post("/api/drills", headers=headers, json={
            "scenario": "rempar", "rulebook": "rempar-rules", "team": "rempar-team",
            "humans": ["direction_communication"], "speed": 0, "start": "mon 09:30"})
        assert created.status_code in (200, 201), created.text
        drill = created.json()
        base = f"/api/drills/{drill['id']}"
        client.post(f"{base}/control", headers=headers, json={"op": "start"})
        client.post(f"{base}/control", headers=headers, json={"op": "advance", "by": "40m"})
        player = {"X-Join-Code": drill["join"]["direction_communication"]}

        def fresh_state(ready: Any) -> dict[str, Any]:
            """The pages' state is published by the drill's thread just after an answer."""
            deadline = time.monotonic() + 10
            while True:
                state = client.get(f"{base}/state", headers=player).json()
                if ready(state) or time.monotonic() > deadline:
                    return state
                time.sleep(0.05)

        state = fresh_state(lambda s: any(m["from"] == "Journaliste Le Matin"
                                          for m in s.get("messages", ())))
        call = next(m for m in state["messages"] if m["from"] == "Journaliste Le Matin")
        assert [(x["id"], x["event"], x["left_text"]) for x in state["expected"]] == [
            ("x3", call["id"], "no time limit")]
        acted = client.post(f"{base}/actions", headers=player, json={
            "action": "brief", "event": call["id"], "text": "Voyez le porte-parole."})
        assert acted.status_code in (200, 201), acted.text
        assert fresh_state(lambda s: not s["expected"])["expected"] == []
        # Advancing past the lunch break stops at it, paused for the facilitator.
        paused = client.post(f"{base}/control", headers=headers,
                             json={"op": "advance", "by": "4h"}).json()
        if paused.get("status") != "paused":
            paused = fresh_state(lambda s: s.get("status") == "paused")
        assert paused["clock"] == "mon 12:00" and paused["status"] == "paused"
        client.post(f"{base}/control", headers=headers, json={"op": "end"})
        score = client.get(f"{base}/score", headers=headers).json()
    x3 = next(o for o in score["objectives"] if o["inject"] == "msg-0003")
    # flagged for the facilitator (the reaction names no action), by the join name
    assert x3["status"] == "unvalidated" and x3["by"] == "direction communication"


def test_no_background_leaves_the_feed_to_the_script(tmp_path: Path) -> None:
    sheet = write_xlsx(tmp_path / "rempar.xlsx", rempar_rows())
    _result, scenario = _import(sheet, tmp_path / "quiet", "--preset", "murail", "--lang",
                                "fr", "--no-background")
    assert scenario["phases"][0]["rate"] == "0/h"
    folder = tmp_path / "quiet"
    log = tmp_path / "quiet.jsonl"
    run = _invoke(["run", "--scenario", str(folder / "scenario.yaml"), "--rulebook",
                   str(folder / "rulebook.yaml"), "--team", str(folder / "team.yaml"),
                   "--seed", "2", "--no-store", "--log", str(log)])
    assert run.exit_code == 0, run.output
    events = [r for r in map(json.loads, log.read_text().splitlines()) if r["type"] == "event"]
    scripted = [e for e in events if e.get("inject")]
    assert len(scripted) == 7
    # Nothing generated out of nothing: any other post is a reply in a scripted thread.
    assert all(e.get("inject") or e.get("parent") for e in events)


def test_an_openaev_shaped_sheet_with_its_preset(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Title", "Description", "Type", "Timing", "Teams", "Expectations",
         "Expectation score"],
        ["Ransom note", "A ransom note arrives by mail.", "Send mail", "D+0 H+0 M+10",
         "Crisis cell, IT", "Open the crisis cell", 50],
        ["Leak claim", "They say they have the data.", "Tweet", "D+0 H+1", None, None, None],
        ["Press call", "A journalist calls.", "Phone call", "D+0 H+2", "Communication",
         "Hold the line", 20],
    ]
    sheet = write_xlsx(tmp_path / "openaev.xlsx", rows, sheet="Injects")
    result, scenario = _import(sheet, tmp_path / "out", "--preset", "openaev")
    assert "imported 3 row(s)" in result.output
    assert [(i["id"], i["at"], i["kind"]) for i in scenario["injects"]] == [
        ("row-2", "10m", "message"), ("row-3", "60m", "mention"), ("row-4", "120m", "message")]
    first, _leak, call = scenario["injects"]
    assert first["subject"] == "Ransom note" and first["to"] == ["crisis_cell", "it"]
    assert first["expect"] == [{"reaction": "Open the crisis cell", "role": "crisis_cell",
                                "points": 50}]
    assert call["channel"] == "phone" and call["expect"][0]["points"] == 20


def test_csv_in_the_encodings_excel_saves_and_files_that_are_not_text(tmp_path: Path) -> None:
    _result, from_xlsx = _rempar(tmp_path)
    utf8 = write_csv(tmp_path / "utf8.csv", rempar_rows()).read_text(encoding="utf-8")
    for name, data in (("cp1252.csv", utf8.encode("cp1252")),
                       ("utf16.csv", utf8.encode("utf-16"))):
        (tmp_path / name).write_bytes(data)
        _out, scenario = _import(tmp_path / name, tmp_path / name.split(".")[0], "--lang",
                                 "fr")
        assert scenario["injects"] == from_xlsx["injects"], name
    (tmp_path / "binary.csv").write_bytes(b"\x00\x01\x02PK\x03")
    result = _invoke(["import", "msel", str(tmp_path / "binary.csv")])
    assert result.exit_code == 2 and "not a text CSV" in result.output
    sheet = tmp_path / "rempar.xlsx"
    result = _invoke(["import", "msel", str(sheet), "--start", "25h"])
    assert result.exit_code == 2 and "--start '25h': not a time of day" in result.output


def test_openaevs_documented_import_model_imports_and_runs_with_its_objectives(
        tmp_path: Path) -> None:
    """The model OpenAEV's documentation gives: header on row 2 under a title, column A
    empty, section rows, a Timeline of M-5, T-1, 09:05 and T+2, teams as comma lists,
    expectations with a name, a description and a score. It used to find no header."""
    sheet = write_xlsx(tmp_path / "openaev.xlsx", openaev_rows(), sheet="Injects")
    result, scenario = _import(sheet, tmp_path / "oa", "--preset", "openaev",
                               "--start", "09:00")
    out = result.output
    assert "imported 6 row(s)" in out and "roles found: soc, it_ops, communication" in out
    assert "2 preparation row(s) before the start kept at the start, in order" in out
    where = f"{sheet}:Injects"
    assert f"phase 'Planner / Detection' from +0.08 h (row {where}:6)" in out
    # Section rows are phases of the scenario, from the time of their first row.
    assert [(p["at"], p["name"]) for p in scenario["phases"]] == [
        ("0m", "Planner / Prepare the exercise"), ("5m", "Planner / Detection"),
        ("120m", "Planner / Communication")]
    injects = {i["subject"]: i for i in scenario["injects"]}
    # T-1 and M-5 are before the start: kept at the start, in the sheet's order.
    assert [(i["subject"], i["at"]) for i in scenario["injects"]] == [
        ("Briefing pack", "0m"), ("Kick-off", "0m"), ("Ransom note", "5m"),
        ("Director asks", "60m"), ("Press call", "120m"), ("End", "180m")]
    assert injects["Kick-off"]["to"] == ["soc", "it_ops", "communication"]
    assert injects["Director asks"]["channel"] == "social"  # Send SMS
    assert injects["Press call"]["channel"] == "press"  # Media pressure
    # Expectation name and description make the objective; the score is its weight.
    assert injects["Director asks"]["expect"] == [
        {"reaction": "Assessment sent: A written first assessment", "role": "it_ops",
         "points": 40},
        {"reaction": "Crisis cell opened: The crisis cell meets", "role": "it_ops",
         "points": 20}]
    folder = tmp_path / "oa"
    files = [str(folder / f"{n}.yaml") for n in ("scenario", "rulebook", "team")]
    lint = _invoke(["lint", *files])
    assert lint.exit_code == 0 and "0 error(s), 0 warning(s)" in lint.output, lint.output
    run = _invoke(["run", "--scenario", files[0], "--rulebook", files[1], "--team", files[2],
                   "--start", "mon 09:00", "--seed", "3", "--no-store", "--json"])
    assert run.exit_code == 0, run.output
    document = json.loads(run.stdout)
    objectives = [(o["inject"], o["role"], o["points"], o["expected"].split(":")[0])
                  for o in document["objectives"]]
    assert objectives == [
        ("row-4", "soc", 10, "Briefing read"), ("row-7", "soc", 80, "Isolate the infected "
                                                "hosts"),
        ("row-8", "it_ops", 40, "Assessment sent"), ("row-8", "it_ops", 20,
                                                     "Crisis cell opened"),
        ("row-10", "communication", 60, "Hold the line")]
    assert document["objectives_points"]["possible"] == 210
    assert all(o["status"] in ("met", "partly", "missed") for o in document["objectives"])
    # Its MSEL imports back to the same drill: injects (no sender stays no sender),
    # expectations with their weights, and the sections as phases.
    from drills.feed.scenario_load import load_scenario

    exported = tmp_path / "oa-msel.xlsx"
    assert _invoke(["script", files[0], "--rulebook", files[1], "--team", files[2],
                    "--format", "xlsx", "-o", str(exported)]).exit_code == 0
    _import(exported, tmp_path / "back")
    original = load_scenario(files[0])
    back = load_scenario(str(tmp_path / "back" / "scenario.yaml"))
    assert (back.injects, back.phases) == (original.injects, original.phases)


MAPPED = ("cellule_de_crise=comms_lead,direction_communication=community_manager,"
          "dsi=customer_support,exercise_director=executive_on_call")


def test_an_imported_drill_run_with_mapped_roles_exports_and_imports_back(
        tmp_path: Path) -> None:
    """drill script of an imported drill run against another rulebook with --map-roles
    (it had no --map-roles: the export failed); the sheet imports back to the same drill."""
    from drills.feed.scenario_load import load_scenario

    _rempar(tmp_path)
    folder = tmp_path / "rempar"
    args = ["--rulebook", "default", "--team", str(folder / "team.yaml"), "--start",
            "mon 09:30", "--seed", "2"]
    unmapped = _invoke(["script", str(folder / "scenario.yaml"), *args, "--format", "csv"])
    assert unmapped.exit_code == 2 and "map them with --map-roles" in unmapped.output
    sheet = tmp_path / "rempar-msel.xlsx"
    exported = _invoke(["script", str(folder / "scenario.yaml"), *args, "--map-roles", MAPPED,
                        "--format", "xlsx", "-o", str(sheet)])
    assert exported.exit_code == 0, exported.output
    result, _scenario = _import(sheet, tmp_path / "again", "--lang", "fr")
    assert "1 break(s)" in result.output and 'start "mon 09:30"' in result.output
    original = load_scenario(str(folder / "scenario.yaml"))
    again = load_scenario(str(tmp_path / "again" / "scenario.yaml"))
    assert again.injects == original.injects
    assert again.breaks == original.breaks  # the lunch break, its length in Within
    assert again.phases == original.phases  # the section, as a row typed phase
    assert (again.title, again.locale, again.duration) == (original.title, original.locale,
                                                          original.duration)


def test_section_rows_in_two_cells_and_out_of_time_order(tmp_path: Path) -> None:
    sheet = tmp_path / "sections.csv"
    sheet.write_text("Type,Title,Description,Timeline,Teams\n"
                     "Planner,Prepare the exercise,,,\n"
                     "Send mail,Kick-off,Starts now,09:00,SOC\n"
                     "Planner,Detection,,,\n"
                     "Send mail,Alert,Hosts are down,10:00,SOC\n"
                     "Planner,Late news,,,\n"
                     "Send mail,Recap,An earlier row,09:30,SOC\n"
                     "Send mail,No time,A row that forgot its time,,SOC\n")
    result, scenario = _import(sheet, tmp_path / "out", "--preset", "openaev", "--start",
                               "09:00")
    assert [(p["at"], p["name"]) for p in scenario["phases"]] == [
        ("0m", "Planner / Prepare the exercise"), ("60m", "Planner / Detection")]
    assert f"note {sheet}:sections:6: section 'Planner / Late news' kept in the " \
        "scenario's description" in result.output
    assert "Sections of the sheet: Planner / Late news." in scenario["description"]
    # A row with a recipient but no time is a mistake, not a section.
    assert f"bad row {sheet}:sections:8:D: no time" in result.output
