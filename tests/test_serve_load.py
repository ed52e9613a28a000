"""30 participants act every few seconds against a real `drill serve` on loopback; every
accepted action is in the log. (The latency and memory figures are `drill bench`'s.)"""

from __future__ import annotations

from pathlib import Path

from drills.bench.serve_load import run_load
from tests.serve_helpers import TOKEN, RealServer


def test_thirty_participants_lose_no_action(tmp_path: Path) -> None:
    server = RealServer(tmp_path).start()
    try:
        result = run_load(server.base, TOKEN, participants=30, hours=0.5, speed=120, every=2.0)
    finally:
        server.stop()
    assert result.participants == 30
    assert result.sent >= 60, result
    assert result.logged == result.sent
