"""The evaluator's page, the hot wash, a phone-width participant page and the facilitator's
one drill per view, in a real headless Chromium (Debian's, driven by Playwright) against a
real `drill serve`. Screenshots go to test-artifacts/serve/ (look at them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import shot
from tests.serve_helpers import TOKEN, RealServer


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    running = RealServer(tmp_path_factory.mktemp("serve-eval")).start()
    yield running
    running.stop()


def _create(server: RealServer) -> dict:
    made = server.call("POST", "/api/drills", headers=server.facilitator(), json={
        "humans": ["comms_lead", "legal"], "speed": 0, "seed": 1, "start": "fri 17:30"})
    assert made.status_code == 201, made.text
    return made.json()


def test_an_evaluator_rates_and_a_participant_answers_the_hot_wash(
        server: RealServer, browser: object) -> None:
    first, second = _create(server), _create(server)
    facilitator = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    facilitator.goto(f"{server.base}/?token={TOKEN}")
    facilitator.wait_for_selector(f"#drills button:has-text('{first['id']}')")
    facilitator.wait_for_selector("#f-preview b")  # the chosen scenario, previewed
    shot(facilitator, "facilitator-setup")
    facilitator.click(f"#drills button:has-text('{first['id']}')")
    assert f"drill={first['id']}" in facilitator.url  # the open drill is in the address
    facilitator.wait_for_selector("#evaluator-link .code")
    facilitator.click(f"#drills button:has-text('{second['id']}')")
    assert f"drill={second['id']}" in facilitator.url
    facilitator.reload()  # a reload comes back to the drill in the address
    facilitator.wait_for_selector("#evaluator-link .code")
    assert facilitator.locator("#drills li.current").inner_text().startswith(second["id"])
    assert facilitator.locator("#join .joincard b").first.inner_text() == "comms lead"
    facilitator.click(f"#drills button:has-text('{first['id']}')")
    facilitator.wait_for_selector("#evaluator-link .code")
    evaluator_url = facilitator.locator("#evaluator-link a").get_attribute("href")
    assert evaluator_url and "/evaluate/" in evaluator_url
    facilitator.click("#c-start")
    facilitator.wait_for_selector("#status:has-text('running')")
    facilitator.fill("#c-advance input", "1h")
    facilitator.click("#c-advance button")
    facilitator.wait_for_selector("#clock:has-text('18:30')")
    shot(facilitator, "facilitator-one-drill")

    evaluator = browser.new_page(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    evaluator.goto(evaluator_url)
    evaluator.wait_for_selector("#tasks .task")
    evaluator.wait_for_selector("#clock:has-text('18:30')")
    task = evaluator.locator("#tasks .task").first
    task.locator("textarea").fill("Acknowledged late; <b>not</b> bold")
    task.locator("button:has-text('M')").click()
    evaluator.wait_for_selector("#notice:has-text('Saved at fri 18:30')")
    evaluator.wait_for_selector("#notes li:has-text('not</b> bold')")
    second_task = evaluator.locator("#tasks .task").nth(1)
    second_task.locator("button:has-text('P')").click()
    evaluator.wait_for_selector("#notes li >> nth=1")
    shot(evaluator, "evaluator")

    phone = browser.new_page(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    phone.goto(f"{server.base}/join/{first['join']['legal']}")
    phone.wait_for_selector("#who:has-text('legal')")
    phone.wait_for_selector("#feed li")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    shot(phone, "participant-phone")

    facilitator.once("dialog", lambda dialog: dialog.accept())
    facilitator.click("#c-end")
    facilitator.wait_for_selector("#report-link:not([hidden])")
    phone.wait_for_selector("#hotwash:not([hidden])")
    phone.fill("#hotwash textarea[name=well]", "We answered the press fast")
    phone.fill("#hotwash textarea[name=change]", "Legal approves by phone after hours")
    phone.click("#hotwash button:has-text('Send my answers')")
    phone.wait_for_selector("#notice:has-text('your answers are in the report')")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    shot(phone, "participant-phone-hotwash")

    with facilitator.context.expect_page() as opened:
        facilitator.click("#report-link")
    report = opened.value
    report.wait_for_load_state()
    body = report.locator("body").inner_text()
    for text in ("Evaluators' ratings and notes", "Acknowledged late; <b>not</b> bold",
                 "Hot wash", "Legal approves by phone after hours", "Evaluator rated M"):
        assert text in body, text
    shot(report, "report-evaluated")


def test_a_lost_connection_shows_a_banner_and_keeps_the_typed_text(
        tmp_path: Path, browser: object) -> None:
    server = RealServer(tmp_path).start()
    try:
        drill = _create(server)
        page = browser.new_page(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
        page.goto(f"{server.base}/join/{drill['join']['comms_lead']}")
        page.wait_for_selector("#clock:has-text('17:30')")
        server.stop(kill=True)
        page.wait_for_selector("#connection:not([hidden])", timeout=20_000)
        page.fill("#c-text", "Our statement, typed while the server was away")
        page.click("#composer button:has-text('Publish')")
        page.wait_for_selector("#notice.error:has-text('Not sent')")
        assert page.locator("#c-text").input_value() == \
            "Our statement, typed while the server was away"
        shot(page, "participant-connection-lost")
        server.start()
        page.wait_for_selector("#connection[hidden]", state="attached", timeout=30_000)
    finally:
        server.stop()


def test_the_set_up_form_takes_participants_names(server: RealServer, browser: object) -> None:
    facilitator = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    facilitator.goto(f"{server.base}/?token={TOKEN}")
    facilitator.wait_for_selector("#f-roles input[name='name-legal']")
    facilitator.fill("input[name=speed]", "0")
    facilitator.fill("#f-roles input[name='name-legal']", "Ana Lind")
    facilitator.click("button:has-text('Create drill')")
    facilitator.wait_for_selector("#join .joincard")
    drill = facilitator.url.split("drill=")[1]
    code = facilitator.locator("#join .joincard:has(b:text-is('legal')) .code").inner_text()
    participant = browser.new_page(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    participant.goto(f"{server.base}/join/{code}")
    participant.wait_for_selector("#who:has-text('Ana Lind · legal')")
    listing = server.call("GET", "/api/drills", headers=server.facilitator()).json()
    assert {d["id"]: d["spec"]["humans"] for d in listing}[drill]["legal"] == "Ana Lind"
