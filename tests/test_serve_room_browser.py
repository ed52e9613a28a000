"""Issue 19 in a real headless Chromium: a message to legal reaches legal's page only (not
comms_lead's, not the room wall); the facilitator schedules it, posts as a persona, and
projects the persona's post on the wall. Screenshots go to test-artifacts/serve/room-*.png."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.browser import shot
from tests.serve_helpers import TOKEN, RealServer

LETTER = "Regulator letter: send the product-safety file by Monday noon."
POST = "My kettle melted its own handle this morning. Anyone else?"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    running = RealServer(tmp_path_factory.mktemp("serve-room")).start()
    yield running
    running.stop()


def test_private_messages_personas_and_the_wall_in_the_browser(server: RealServer,
                                                                browser: object) -> None:
    H = server.facilitator()
    made = httpx.post(f"{server.base}/api/drills", headers=H, timeout=30, json={
        "humans": ["comms_lead", "legal"], "speed": 0, "seed": 2, "start": "fri 17:30"})
    assert made.status_code == 201, made.text
    drill = made.json()
    boss = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    boss.goto(f"{server.base}/?token={TOKEN}")
    boss.wait_for_selector(f"#drills button:has-text('{drill['id']}')")
    boss.click(f"#drills button:has-text('{drill['id']}')")
    boss.wait_for_selector("#message-to option[value=legal]", state="attached")
    boss.click("#c-start")
    boss.wait_for_selector("#status:has-text('running')")
    boss.select_option("#message-to", ["legal"])
    boss.select_option("#message select[name=channel]", "mail")
    boss.fill("#message input[name=subject]", "Product-safety file")
    boss.fill("#message textarea[name=text]", LETTER)
    boss.click("#message button")
    boss.wait_for_selector("#notice:has-text('Message sent')")
    boss.fill("#persona input[name=handle]", "angry_anna")
    boss.fill("#persona input[name=followers]", "2400")
    boss.select_option("#persona-kind", "customer")
    boss.fill("#persona textarea[name=text]", POST)
    boss.click("#persona button")
    boss.wait_for_selector("#notice:has-text('Posted')")
    edit = boss.locator("#injects li:has-text('consumer-desk')")
    assert not edit.locator("form").is_visible()  # closed until asked for
    edit.locator("button:has-text('edit')").click()
    edit.locator("textarea").fill("Hi, this is the Courier. Are you recalling the kettle?")
    edit.locator("button:has-text('Save')").click()
    boss.wait_for_selector("#notice:has-text('consumer-desk changed')")
    boss.fill("#c-advance input", "5m")
    boss.click("#c-advance button")
    boss.wait_for_selector(f"#feed li:has-text('{POST}')")
    post = boss.locator(f"#feed li:has-text('{POST}')").first
    post.locator("button:has-text('project')").click()
    boss.wait_for_selector(f"#projected:has-text('{POST}')")

    legal = browser.new_page(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    legal.goto(f"{server.base}/join/{drill['join']['legal']}")
    legal.wait_for_selector(f"text={LETTER}")
    lead = browser.new_page(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    lead.goto(f"{server.base}/join/{drill['join']['comms_lead']}")
    lead.wait_for_selector(f"text={POST}")  # the public feed is there...
    assert LETTER not in lead.content()  # ...legal's letter is not
    wall = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    wall.goto(f"{server.base}/room/{drill['room']}")
    wall.wait_for_selector(f"#projected:has-text('{POST}')")
    assert LETTER not in wall.content() and "Product-safety file" not in wall.content()
    shot(boss, "room-facilitator")
    shot(wall, "room-wall")
    shot(legal, "room-legal")
