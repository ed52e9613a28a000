"""Issue 20, the served pages: a Swedish drill's participant, room and evaluator pages speak
Swedish, their scripts' words handed over by the server from its catalogue (no catalogue in
the scripts); an English drill's pages are as they were. Through the API on a wall clock the
test holds (no test sleeps); the browser test is in test_serve_i18n_browser.py."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from drills.serve.app import create_app
from drills.serve.db import ServeDB
from drills.serve.pages import SCRIPT_MESSAGES
from tests.serve_helpers import TOKEN
from tests.test_i18n import _catalogue

SERVE = Path(__file__).resolve().parent.parent / "drills" / "serve"
H = {"Authorization": f"Bearer {TOKEN}"}
_SAID = re.compile(r'\bw\("((?:[^"\\]|\\.)*)"')

#: English UI words no Swedish page may show (as whole words, outside post texts).
ENGLISH = ("Inbox", "Compose", "Publish", "Feed", "Reply", "Delete", "Acknowledge",
           "Nothing waits", "Sound off", "Statements", "running", "speed", "late by",
           "comms lead", "holding statement", "No public statement",
           "Template", "Channels", "Check text", "as comms")


def _said(folder: str, suffix: str) -> set[str]:
    found: set[str] = set()
    for path in (SERVE / folder).glob(f"*.{suffix}"):
        found |= {m.replace('\\"', '"') for m in _SAID.findall(path.read_text("utf-8"))}
    return found


def test_every_word_of_the_scripts_comes_from_the_server_and_is_translated() -> None:
    scripts = _said("static", "js")
    assert len(scripts) > 40
    labels: set[str] = set()
    for path in (SERVE / "templates").glob("*.html"):
        labels |= set(re.findall(r'data-w="([^"]*)"', path.read_text("utf-8")))
    assert len(labels) > 30  # the facilitator's drill section, labelled again in sv
    missing = sorted((scripts | labels) - set(SCRIPT_MESSAGES))
    assert not missing, missing
    catalogue = _catalogue()
    pages = _said("templates", "html")
    assert len(pages) > 20
    untranslated = sorted(m for m in scripts | pages | set(SCRIPT_MESSAGES)
                          if not catalogue.get((None, m)))
    assert not untranslated, untranslated


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(ServeDB(str(tmp_path / "serve.db")), TOKEN, None,
                     {"scenario": {}, "rulebook": {}, "team": {}}, wall=lambda: 1000.0)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _drill(client: TestClient, scenario: str) -> tuple[str, dict[str, Any]]:
    made = client.post("/api/drills", headers=H, json={
        "scenario": scenario, "humans": ["comms_lead"], "speed": 0, "seed": 2})
    assert made.status_code == 201, made.text
    drill = made.json()
    base = f"/api/drills/{drill['id']}"
    assert client.post(f"{base}/control", headers=H, json={"op": "start"}).status_code == 200
    moved = client.post(f"{base}/control", headers=H, json={"op": "advance", "by": "4h30m"})
    assert moved.status_code == 200, moved.text
    return base, drill


def _page_data(html: str) -> dict[str, Any]:
    block = re.search(r'<script type="application/json" id="page">(.*?)</script>', html, re.S)
    assert block is not None
    data: dict[str, Any] = json.loads(block.group(1))
    return data


def test_a_swedish_drill_s_views_and_pages_speak_swedish(client: TestClient) -> None:
    base, drill = _drill(client, "sv-data-breach")
    code = drill["join"]["comms_lead"]
    state = client.get(f"{base}/state", headers={"X-Join-Code": code}).json()
    assert state["lang"] == "sv" and state["role"] == "comms_lead"  # ids stay ids
    assert state["role_name"] == "kommunikationsansvarig"
    assert re.fullmatch(r"[a-zåäö]{3} \d\d\.\d\d", state["clock"]), state["clock"]
    assert state["severity"]["shown"] != state["severity"]["name"] or \
        state["severity"]["name"] == "normal"
    assert state["inbox"], "4.5 hours into a breach (seed 2: severe), comms lead has work"
    for item in state["inbox"]:
        assert item["left_text"].startswith(("om ", "sen med ", "kvittera inom ")), item
        assert "." in item["due"] and ":" not in item["due"]
    assert state["action_names"]["holding_statement"] == "första uttalande"
    page = client.get(f"/join/{code}").text
    assert '<html lang="sv">' in page and "Inkorg" in page and "Publicera" in page
    assert ">Inbox<" not in page and ">Publish<" not in page
    data = _page_data(page)
    assert data["lang"] == "sv"
    assert data["words"]["Nothing waits for you."] == "Inget väntar på dig."
    assert data["words"]["Reply"] == "Svara" and data["role"] == "comms_lead"
    assert "kommunikationsansvarig" in page
    room = client.get(f"/room/{drill['room']}").text
    assert "I fokus" in room and "Uttalanden" in room and _page_data(room)["lang"] == "sv"
    wall = client.get(f"{base}/state", params={"room": drill["room"]}).json()
    assert wall["lang"] == "sv" and all("." in e["clock"] for e in wall["feed"])
    boss = client.get(f"{base}/state", headers=H).json()
    assert boss["lang"] == "sv" and boss["role_names"]["legal"] == "jurist"
    assert all(o["action_name"] and "." in o["due"] for o in boss["obligations"])
    facilitator = _page_data(client.get("/", headers=H).text)
    assert facilitator["words_by_lang"]["sv"]["Controls"] == "Styrning"


def test_an_english_drill_s_pages_are_as_they_were(client: TestClient) -> None:
    base, drill = _drill(client, "viral-complaint")
    code = drill["join"]["comms_lead"]
    state = client.get(f"{base}/state", headers={"X-Join-Code": code}).json()
    assert state["lang"] == "en" and ":" in state["clock"]
    assert all(i["left_text"].startswith(("in ", "late by ", "ack within ")) for i in
               state["inbox"])
    page = client.get(f"/join/{code}").text
    assert '<html lang="en">' in page and ">Inbox<" in page
    assert _page_data(page) == {"drill": drill["id"], "code": code, "role": "comms_lead"}
