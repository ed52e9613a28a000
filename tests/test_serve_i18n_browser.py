"""Issue 20 in a real headless Chromium: a Swedish drill's participant page and room wall
show no English UI words (post texts aside: they are the crowd's). Screenshots go to
test-artifacts/serve/i18n-*.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.browser import FLAGS, chromium
from tests.serve_helpers import TOKEN, RealServer
from tests.test_serve_i18n import ENGLISH

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "serve"
#: The visible text of a page without what people and the crowd wrote.
_UI_TEXT = """() => { const copy = document.body.cloneNode(true);
  copy.querySelectorAll('.text, q, .subject, .draft, textarea, script, [hidden]')
      .forEach((n) => n.remove());
  document.body.append(copy); const text = copy.innerText; copy.remove(); return text; }"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    running = RealServer(tmp_path_factory.mktemp("serve-i18n")).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=FLAGS[1:])
        yield launched
        launched.close()


def _english_in(text: str) -> list[str]:
    return [word for word in ENGLISH if re.search(rf"\b{re.escape(word)}\b", text, re.I)]


def test_a_swedish_drill_s_participant_page_and_wall_in_the_browser(
        server: RealServer, browser: object) -> None:
    H = server.facilitator()
    made = httpx.post(f"{server.base}/api/drills", headers=H, timeout=30, json={
        "scenario": "sv-data-breach", "humans": ["comms_lead"], "speed": 0, "seed": 2})
    assert made.status_code == 201, made.text
    drill = made.json()
    base = f"{server.base}/api/drills/{drill['id']}"
    for op in ({"op": "start"}, {"op": "advance", "by": "4h30m"}):
        assert httpx.post(f"{base}/control", headers=H, json=op, timeout=60).status_code == 200
    page = browser.new_page(viewport={"width": 1300, "height": 900})  # type: ignore[attr-defined]
    page.goto(f"{server.base}/join/{drill['join']['comms_lead']}")
    page.wait_for_selector("#inbox li.item")
    page.wait_for_selector("#status:has-text('pågår')")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "i18n-participant.png"), full_page=True)
    text = page.evaluate(_UI_TEXT)
    for swedish in ("Inkorg", "kommunikationsansvarig", "Publicera", "Svara", "pågår"):
        assert swedish.lower() in text.lower(), (swedish, text)  # headings are upper case
    assert not _english_in(text), _english_in(text)
    assert page.locator("#c-action option[value=holding_statement]").inner_text() == \
        "första uttalande"
    wall = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    wall.goto(f"{server.base}/room/{drill['room']}")
    wall.wait_for_selector("#feed li.post")
    wall.wait_for_selector("#trending .metric")
    wall.screenshot(path=str(ARTIFACTS / "i18n-room.png"), full_page=True)
    text = wall.evaluate(_UI_TEXT)
    assert "omnämnanden / timme" in text.lower() and "uttalanden" in text.lower()
    assert not _english_in(text), _english_in(text)
    # The facilitator's page: the set-up form stays English, the open drill is Swedish.
    boss = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    boss.goto(f"{server.base}/?token={TOKEN}")
    boss.click(f"#drills button:has-text('{drill['id']}')")
    boss.wait_for_selector("#drill h2:has-text('Styrning')")
    boss.wait_for_selector("#obligations tr")
    boss.screenshot(path=str(ARTIFACTS / "i18n-facilitator.png"), full_page=True)
    text = boss.evaluate(_UI_TEXT.replace("document.body", "document.getElementById('drill')"))
    for swedish in ("styrning", "inspel", "flöde", "kommunikationsansvarig"):
        assert swedish in text.lower(), (swedish, text)
    assert not _english_in(text), _english_in(text)
