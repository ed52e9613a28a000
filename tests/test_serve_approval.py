"""Legal in `drill serve` reads the draft, rejects it with a comment, and approves the
revision; the drill's log has both rounds (seed pinned, the wall clock injected)."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.test_serve_api import H, _act, _control, _drill, _state, client, wall

__all__ = ["client", "wall"]


def _asked(round_: int):
    def ready(state: dict) -> bool:
        return any(i["kind"] == "approval" and i.get("round") == round_
                   for i in state.get("inbox", ()))
    return ready


def test_legal_rejects_with_a_comment_and_approves_the_revision(client: TestClient) -> None:
    drill = _drill(client, humans=["legal"], hours=10)
    _control(client, drill, op="start")
    _control(client, drill, op="advance", by="5h38m")
    first = next(i for i in _state(client, drill, "legal", _asked(1))["inbox"]
                 if i["kind"] == "approval")
    assert first["id"] == "o17" and first["draft"].startswith("We are aware of reports")
    no_comment = _act(client, drill, "legal", action="reject", obligation="o17")
    assert no_comment.status_code == 422 and "comment" in no_comment.json()["error"]
    rejected = _act(client, drill, "legal", action="reject", obligation="o17",
                    comment="say when the next update comes")
    assert rejected.status_code == 201, rejected.text
    _control(client, drill, op="advance", by="21m")
    second = next(i for i in _state(client, drill, "legal", _asked(2))["inbox"]
                  if i["kind"] == "approval")
    assert second["draft"] != first["draft"]
    approved = _act(client, drill, "legal", action="approve", obligation="o17")
    assert approved.status_code == 201, approved.text
    _control(client, drill, op="advance", by="5m")
    _control(client, drill, op="end")
    log = client.get(f"/api/drills/{drill['id']}/log", headers=H)
    lines = [line for line in log.text.splitlines() if '"o17"' in line]
    assert any('"status":"approval_rejected"' in line and
               '"comment":"say when the next update comes"' in line for line in lines)
    published = next(line for line in lines if '"type":"action"' in line)
    assert second["draft"] in published and '"approved":true' in published
