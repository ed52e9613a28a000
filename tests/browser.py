"""Debian's Chromium for tests that look at a page: found, installed when we are root, or the
test is skipped with the one command that fixes it (never skipped as root, as in CI)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

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
