"""Kill `drill serve` with SIGKILL in the middle of a drill and start it again: the drill
resumes from its stored inputs, by replay, where it had reached; nothing acknowledged is
lost."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.serve_helpers import RealServer


def _state(server: RealServer, drill: dict, role: str | None = None) -> dict:
    headers = server.facilitator() if role is None else {"X-Join-Code": drill["join"][role]}
    deadline = time.monotonic() + 30
    while True:
        response = server.call("GET", f"/api/drills/{drill['id']}/state", headers=headers)
        state = response.json()
        if "clock" in state or time.monotonic() > deadline:
            return state
        time.sleep(0.1)


def test_sigkill_and_restart_lose_nothing(tmp_path: Path) -> None:
    server = RealServer(tmp_path).start()
    try:
        made = server.call("POST", "/api/drills", headers=server.facilitator(), json={
            "humans": ["comms_lead", "legal"], "speed": 0, "seed": 3, "start": "fri 17:30"})
        assert made.status_code == 201, made.text
        drill = made.json()
        control = f"/api/drills/{drill['id']}/control"
        server.call("POST", control, headers=server.facilitator(), json={"op": "start"})
        accepted = 0
        for _ in range(12):
            server.call("POST", control, headers=server.facilitator(),
                        json={"op": "advance", "by": "20m"})
            for item in _state(server, drill, "comms_lead")["inbox"]:
                body = {"action": "acknowledge", "obligation": item["id"]} \
                    if item["kind"] == "page" else {"action": item["action"],
                                                    "obligation": item["id"],
                                                    "text": "On it. Next update by 21:30."}
                answer = server.call("POST", f"/api/drills/{drill['id']}/actions", json=body,
                                     headers={"X-Join-Code": drill["join"]["comms_lead"]})
                accepted += answer.status_code == 201
        assert accepted >= 5
        before = server.call("GET", f"/api/drills/{drill['id']}/log",
                             headers=server.facilitator()).text
        reached = _state(server, drill)["now"]
        server.stop(kill=True)  # SIGKILL: no clean shutdown, nothing flushed on the way out

        server.start()
        state = _state(server, drill)
        assert state["status"] == "running"
        assert state["now"] >= reached
        after = server.call("GET", f"/api/drills/{drill['id']}/log",
                            headers=server.facilitator()).text
        assert after.startswith(before)  # the same drill, byte for byte, up to the kill
        ended = server.call("POST", control, headers=server.facilitator(), json={"op": "end"})
        assert ended.status_code == 200
        log = server.call("GET", f"/api/drills/{drill['id']}/log",
                          headers=server.facilitator()).text
    finally:
        server.stop()
    records = [json.loads(line) for line in log.splitlines()]
    inputs = [r for r in records if r.get("human") and not r.get("with_action")
              and (r["type"] == "action" or r.get("status") == "acknowledged")]
    assert len(inputs) == accepted
    path = tmp_path / "served.jsonl"
    path.write_text(log)
    from drills.api import replay_drill

    assert replay_drill(str(path)).difference is None
