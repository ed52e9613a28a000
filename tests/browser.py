"""Debian's Chromium for tests that look at a page: found, installed when we are root, or the
test is skipped with the one command that fixes it (never skipped as root, as in CI)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str:
    found = shutil.which("chromium")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False,
                       capture_output=True)
        found = shutil.which("chromium")
    if found is None:
        if os.geteuid() == 0:
            pytest.fail("chromium could not be installed with apt-get; CI needs it")
        pytest.skip("chromium is missing: sudo apt-get install chromium")
    return found


def screenshot(page: Path, out: Path, profile: Path, size: str = "1200,2400") -> None:
    subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", f"--window-size={size}",
                    f"--screenshot={out}", page.as_uri()], check=True, capture_output=True,
                   timeout=120)


#: Where browser tests leave their screenshots (look at them).
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "serve"


@contextmanager
def launched_chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (its own browser download cannot work here)."""
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=FLAGS[1:])
        try:
            yield launched
        finally:
            launched.close()


def shot(page: Any, name: str) -> None:
    """A full-page screenshot from the top, to test-artifacts/serve/NAME.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
