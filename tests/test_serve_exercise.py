"""Issue 19, done as a trainer would run it: a four-participant exercise of a scenario of her
own (`--library`), served over HTTP on loopback, played at speed 1 for a whole hour on a
wall clock the test moves (so the suite does not wait an hour), with real Chromium pages for
the people, the room wall and the evaluator. Private messages reach only their addressees;
the evaluator rates two tasks; a participant answers the hot wash; the report holds the
statements' texts, the injects, the approvals, the evaluator's notes and the controls, and
rates below P where the evaluator rated M. A server started again over the same database
comes back with the drill, its controls and the evaluator's notes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser import shot
from tests.serve_helpers import TOKEN, free_port

KETTLE = Path(__file__).resolve().parent.parent / "scenarios" / "overheating-kettle.yaml"
H = {"Authorization": f"Bearer {TOKEN}"}
PRIVATE = "The CEO wants a call about the recall at 18:00 - keep this to yourself"
LETTER = "The consumer authority asks for your incident report by Friday"
STATEMENT = ("We know about the reports of overheating kettles and are looking into it now. "
             "Next update by 11:30.")
SCENARIO_EXTRA = f"""
  - id: ceo-call
    at: 10m
    kind: message
    to: [comms_lead]
    from: CEO office
    subject: Call at 18:00
    text: "{PRIVATE}"
evaluation:
  - objective: Tell the public within the golden hour
    capability: Public information and warning
    tasks:
      - id: golden-hour
        task: A holding statement on every active channel within 60 minutes
        role: comms_lead
      - id: legal-first
        task: Legal approves before it goes out
        role: legal
"""


class FakeWall:
    def __init__(self) -> None:
        self.t = 5000.0

    def __call__(self) -> float:
        return self.t


class Served:
    """``drill serve``'s app under uvicorn in this process, on its own loopback port, with
    the test's wall clock (what `drill serve` runs, minus the real clock)."""

    def __init__(self, folder: Path, wall: FakeWall) -> None:
        self.folder, self.wall = folder, wall
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread: threading.Thread | None = None
        self.server: Any = None

    def start(self) -> Served:
        import uvicorn

        from drills.serve.app import create_app, load_library
        from drills.serve.db import ServeDB

        app = create_app(ServeDB(str(self.folder / "serve.db")), TOKEN,
                         str(self.folder / "history.db"),
                         load_library(str(self.folder / "library")), wall=self.wall)
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                    log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        _until(lambda: self._healthy(), "the server answers")
        return self

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True
            self.thread.join(timeout=30)
            self.server = self.thread = None

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.request(method, self.base + path, timeout=30, **kwargs)


def _until(check: Callable[[], Any], what: str, seconds: float = 60.0) -> Any:
    """Wait for a condition (never for time itself): a busy machine only takes longer."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.05)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    text = KETTLE.read_text("utf-8").replace("scenario: overheating-kettle",
                                             "scenario: kettle-exercise")
    head, _, tail = text.partition("injects:\n")
    (folder / "kettle-exercise.yaml").write_text(
        head + "injects:\n" + SCENARIO_EXTRA.split("evaluation:")[0].lstrip("\n") + tail
        + "evaluation:" + SCENARIO_EXTRA.split("evaluation:")[1], "utf-8")
    return folder


def test_a_four_person_exercise_runs_an_hour_in_real_time(tmp_path: Path, library: Path,
                                                          browser: Any) -> None:
    wall = FakeWall()
    served = Served(tmp_path, wall).start()
    try:
        made = served.call("POST", "/api/drills", headers=H, json={
            "scenario": "kettle-exercise", "humans": ["comms_lead", "spokesperson", "legal",
                                                      "community_manager"],
            "speed": 1, "seed": 3, "start": "tue 10:00", "hours": 1})
        assert made.status_code == 201, made.text
        drill = made.json()
        ident, join = drill["id"], drill["join"]

        def state(code: str | None = None) -> dict[str, Any]:
            headers = H if code is None else {"X-Join-Code": code}
            response = served.call("GET", f"/api/drills/{ident}/state", headers=headers)
            assert response.status_code == 200, response.text
            return dict(response.json())

        def control(**body: Any) -> dict[str, Any]:
            response = served.call("POST", f"/api/drills/{ident}/control", headers=H, json=body)
            assert response.status_code == 200, response.text
            return dict(response.json())

        def reach(minute: float) -> None:
            while (now := state().get("now", 0)) < minute - 1e-6:
                target = min(minute, now + 0.5)
                wall.t += 30  # thirty wall seconds: thirty drill seconds at speed 1
                _until(lambda target=target: state().get("now", 0) >= target - 1e-6
                       or state().get("status") == "ended",
                       f"the drill reaches minute {target:g}")

        code = served.call("POST", f"/api/drills/{ident}/evaluator", headers=H)
        assert code.status_code in (200, 201), code.text
        evaluator_code = code.json()["code"]
        assert control(op="start")["status"] == "running"

        pages = {}
        for role in ("comms_lead", "spokesperson"):
            pages[role] = browser.new_page(viewport={"width": 1200, "height": 900})
            pages[role].goto(f"{served.base}/join/{join[role]}")
        room = browser.new_page(viewport={"width": 1400, "height": 900})
        room.goto(f"{served.base}/room/{drill['room']}")

        reach(12)  # the CEO's message arrived at minute 10, to comms_lead only
        pages["comms_lead"].wait_for_selector(f"text={PRIVATE}")
        assert PRIVATE not in pages["spokesperson"].locator("body").inner_text()
        assert PRIVATE not in room.locator("body").inner_text()
        shot(pages["comms_lead"], "exercise-comms-lead")
        shot(room, "exercise-room")
        for role in ("spokesperson", "community_manager", "legal"):
            assert PRIVATE not in str(state(join[role])), role

        letter = served.call("POST", f"/api/drills/{ident}/inject", headers=H, json={
            "to": ["legal"], "text": LETTER, "from": "Consumer authority",
            "subject": "Incident report", "channel": "mail"})
        assert letter.status_code in (200, 201), letter.text
        reach(14)
        assert LETTER in str(state(join["legal"]))
        assert LETTER not in str(state(join["community_manager"]))

        control(op="pause")
        wall.t += 600  # ten minutes of wall time while paused: the drill stands still
        paused_at = state()["now"]
        assert state()["now"] == paused_at and state()["status"] == "paused"
        control(op="resume")

        published = served.call("POST", f"/api/drills/{ident}/actions",
                                headers={"X-Join-Code": join["comms_lead"]},
                                json={"action": "holding_statement", "text": STATEMENT})
        assert published.status_code in (200, 201), published.text

        evaluator = browser.new_page(viewport={"width": 1200, "height": 900})
        evaluator.goto(f"{served.base}/evaluate/{evaluator_code}")
        evaluator.wait_for_selector("#tasks .task")
        first = evaluator.locator("#tasks .task").first
        first.locator("textarea").fill("Statement out, but only after a long wait")
        first.locator("button:has-text('M')").click()
        evaluator.wait_for_selector("#notes li:has-text('only after a long wait')")
        evaluator.locator("#tasks .task").nth(1).locator("button:has-text('P')").click()
        evaluator.wait_for_selector("#notes li >> nth=1")
        shot(evaluator, "exercise-evaluator")

        reach(60)  # the whole hour at speed 1: the drill ends by itself
        _until(lambda: state().get("status") == "ended", "the drill ends at 11:00")
        assert state()["clock"].endswith("11:00")

        hotwash = pages["comms_lead"]
        hotwash.wait_for_selector("#hotwash:not([hidden])")
        hotwash.fill("#hotwash textarea[name=well]", "The statement went out on every channel")
        hotwash.fill("#hotwash textarea[name=change]", "Pre-approve a holding line with legal")
        hotwash.click("#hotwash button:has-text('Send my answers')")
        hotwash.wait_for_selector("#notice:has-text('your answers are in the report')")

        report = served.call("GET", f"/drills/{ident}/report", headers=H)
        assert report.status_code == 200, report.text[:300]
        _check_report(report.text)
        log = served.call("GET", f"/api/drills/{ident}/log", headers=H).text
        for op in ('"op":"start"', '"op":"pause"', '"op":"resume"'):
            assert op in log, op
    finally:
        served.stop()

    again = Served(tmp_path, wall).start()  # the same database, a new server
    try:
        listed = again.call("GET", "/api/drills", headers=H).json()
        assert ident in str(listed)
        log = again.call("GET", f"/api/drills/{ident}/log", headers=H).text
        assert '"op":"pause"' in log and STATEMENT in log
        report = again.call("GET", f"/drills/{ident}/report", headers=H)
        assert "Statement out, but only after a long wait" in report.text
    finally:
        again.stop()


def _check_report(html: str) -> None:
    """What a director reads: every statement's text, the injects, the approvals, the
    evaluator's notes, the controls, and no P where an evaluator rated M."""
    import html as escaping

    text = escaping.unescape(html)
    for expected in (STATEMENT, PRIVATE, LETTER, "Statement out, but only after a long wait",
                     "Pre-approve a holding line with legal", "pause"):
        assert expected in text, expected
    assert "Evaluator rated M" in text
    assert "Approval" in text or "approv" in text.lower()
    # The overall rating (score_value: "NN.N / 100, rating X (meaning)") is not P.
    import re

    overall = re.search(r"/ 100, rating ([PSMU])", text)
    assert overall is not None and overall.group(1) != "P", overall


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Loopback only: no proxy from the environment stands between the test and its server."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    yield
