"""`drill serve` in a real headless Chromium (Debian's, driven by Playwright): a facilitator
and two participants run a drill from start to report. Screenshots of every page go to
test-artifacts/serve/ (look at them)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.browser import shot
from tests.serve_helpers import TOKEN, RealServer

HOSTILE = '<img src=x onerror="window.__pwned=1">memo'


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    running = RealServer(tmp_path_factory.mktemp("serve")).start()
    yield running
    running.stop()


def _until(check, seconds: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the page never got there")
        time.sleep(0.2)


def test_a_facilitator_and_two_participants_run_a_drill(server: RealServer,
                                                         browser: object) -> None:
    facilitator = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    facilitator.goto(f"{server.base}/?token={TOKEN}")
    assert "token" not in facilitator.url  # the token leaves the address bar
    facilitator.wait_for_selector("#f-scenario option", state="attached")
    facilitator.fill("input[name=speed]", "0")
    facilitator.fill("input[name=start]", "fri 17:30")
    facilitator.click("button:has-text('Create drill')")
    facilitator.wait_for_selector(".joincard")
    roles = facilitator.locator("#join .joincard b").all_inner_texts()
    codes = dict(zip(roles, facilitator.locator("#join .joincard .code").all_inner_texts(),
                     strict=True))
    assert set(codes) == {"comms lead", "legal"}  # plain words on the page
    # The QR code loads (wait for the image, not for time: a busy machine is slower).
    facilitator.wait_for_function(
        "() => { const i = document.querySelector('.joincard img');"
        " return i !== null && i.complete && i.naturalWidth > 0; }", timeout=30_000)
    facilitator.click("#c-start")
    facilitator.wait_for_selector("#status:has-text('running')")

    lead = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    lead.goto(f"{server.base}/join/{codes['comms lead']}")
    legal = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    legal.goto(f"{server.base}/join/{codes['legal']}")
    # Step the drill on until the holding statement (which needs legal's approval) is due.
    for _ in range(24):
        if lead.locator("#inbox li:has-text('holding statement')").count():
            break
        facilitator.fill("#c-advance input", "20m")
        facilitator.click("#c-advance button")
        time.sleep(0.8)
    item = lead.locator("#inbox li:has-text('holding statement')").first
    item.wait_for()
    if item.locator("button:has-text('Acknowledge')").count():
        item.locator("button:has-text('Acknowledge')").click()
        lead.wait_for_selector("#notice:has-text('Acknowledged')")
    lead.locator("#inbox li:has-text('holding statement') button:has-text('Do it')").first.click()
    text = lead.locator("#c-text")
    assert "aware" in text.input_value()  # the rulebook's template, filled in
    text.fill("We're aware of reports about overheating kettles. {product} Next update by 21:30.")
    lead.click("#c-check")
    lead.wait_for_selector("#coaching li:has-text('fill in {product}')")
    text.fill("We're aware of reports about overheating kettles. Next update by 21:30.")
    lead.click("#composer button:has-text('Send for approval')")  # legal reads the draft
    lead.wait_for_selector("#notice:has-text('for approval')")
    approval = legal.locator("#approvals li.approval:has-text('Next update by 21:30')")
    approval.wait_for(timeout=20_000)
    shot(legal, "participant-legal")
    approval.locator("button:has-text('Approve')").click()
    legal.wait_for_selector("#notice:has-text('Approved')")
    lead.wait_for_selector("#inbox li:has-text('holding statement'):has-text('legal: approved')")
    shot(lead, "participant-comms-lead")
    lead.click("#composer button:has-text('Publish')")
    lead.wait_for_selector("#statements li:has-text('Next update by 21:30')")

    facilitator.click("#c-pause")
    facilitator.wait_for_selector("#status:has-text('paused')")
    facilitator.locator("#injects button:has-text('Trigger now')").first.click()
    facilitator.wait_for_selector("#notice:has-text('triggered')")
    facilitator.select_option("#adhoc select[name=to]", "comms_lead")
    facilitator.fill("#adhoc textarea", HOSTILE)
    facilitator.click("#adhoc button:has-text('Send inject')")
    facilitator.wait_for_selector("#notice:has-text('Inject sent')")
    facilitator.click("#c-resume")
    facilitator.fill("#c-advance input", "2m")
    facilitator.click("#c-advance button")
    lead.wait_for_selector(f"#messages li:has-text('{HOSTILE[:20]}')")
    assert lead.evaluate("() => window.__pwned") is None
    assert lead.locator("img[src=x]").count() == 0
    facilitator.wait_for_selector("#actions li.human:has-text('holding statement')")
    facilitator.wait_for_selector("#score .big-score")
    shot(facilitator, "facilitator-running")

    room = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    room.goto(server.base + facilitator.locator("#room-link").get_attribute("href"))
    room.wait_for_selector("#trending .metric")
    room.wait_for_selector("#statements li:has-text('Next update by 21:30')")
    shot(room, "room")

    facilitator.once("dialog", lambda dialog: dialog.accept())
    facilitator.click("#c-end")
    facilitator.wait_for_selector("#report-link:not([hidden])")
    with facilitator.context.expect_page() as opened:
        facilitator.click("#report-link")
    report = opened.value
    report.wait_for_load_state()
    assert report.locator("h1").inner_text() == "After-action report and improvement plan"
    assert report.locator("img").count() >= 2
    shot(report, "report")
    shot(facilitator, "facilitator-ended")
