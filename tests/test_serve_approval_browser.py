"""Legal's participant page in a real headless Chromium: the draft to read, Approve, and
Reject with a comment box; a rejection sends it back and the revised draft comes in as
round 2. The screenshot goes to test-artifacts/serve/participant-legal-draft.png."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.browser import FLAGS, chromium
from tests.serve_helpers import TOKEN, RealServer

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "serve"
H = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[RealServer]:
    running = RealServer(tmp_path).start()
    yield running
    running.stop()


def test_legal_reads_the_draft_and_rejects_it_with_a_comment(server: RealServer) -> None:
    from playwright.sync_api import sync_playwright

    api = httpx.Client(base_url=server.base, headers=H, timeout=60)
    drill = api.post("/api/drills", json={"humans": ["legal"], "speed": 0, "seed": 1,
                                          "start": "fri 17:30", "hours": 10}).json()
    assert api.post(f"/api/drills/{drill['id']}/control", json={"op": "start"}).is_success
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=FLAGS[1:])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{server.base}/join/{drill['join']['legal']}")
        page.wait_for_selector("#who")
        assert api.post(f"/api/drills/{drill['id']}/control",
                        json={"op": "advance", "by": "5h38m"}).is_success
        item = page.locator("#approvals li.approval:has-text('o17')")
        item.wait_for(timeout=30_000)
        draft = item.locator("blockquote.draft").inner_text()
        assert draft.startswith("We are aware of reports")
        assert item.locator("button:has-text('Approve')").count() == 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "participant-legal-draft.png"), full_page=False)
        item.locator("button:has-text('Reject with comment')").click()
        page.wait_for_selector("#notice:has-text('Say what should change')")
        item.locator("textarea.comment").fill("Say when the next update comes.")
        item.locator("button:has-text('Reject with comment')").click()
        page.wait_for_selector("#notice:has-text('Rejected o17')")
        page.wait_for_selector("#approvals", state="hidden")
        assert api.post(f"/api/drills/{drill['id']}/control",
                        json={"op": "advance", "by": "21m"}).is_success
        second = page.locator("#approvals li.approval:has-text('round 2')")
        second.wait_for(timeout=30_000)
        revised = second.locator("blockquote.draft").inner_text()
        assert revised != draft
        second.locator("button:has-text('Approve')").click()
        page.wait_for_selector("#notice:has-text('Approved o17')")
        page.wait_for_selector(f"#statements li:has-text('{revised[:30]}')", timeout=30_000)
        browser.close()
