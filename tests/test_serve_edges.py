"""`drill serve` at its edges (issue 22): wrong-typed and non-finite numbers in a drill spec,
a stored spec that cannot run, deep JSON bodies, clients that hang up mid-body, unknown
drills, and the cross-site check of the middleware."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from drills.serve.app import create_app
from drills.serve.db import DrillRow, ServeDB
from drills.serve.validate import json_depth
from tests.serve_helpers import TOKEN

H = {"Authorization": f"Bearer {TOKEN}"}
JSON = {**H, "Content-Type": "application/json"}


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(ServeDB(str(tmp_path / "serve.db")), TOKEN)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize(("field", "value"), [
    ("hours", '"2"'), ("hours", "[1]"), ("hours", "-1"), ("hours", "0"), ("hours", "1e-9"),
    ("hours", "true"), ("hours", "NaN"), ("hours", "Infinity"), ("hours", "1e400"),
    ("hours", "745"), ("seed", "true"), ("seed", "-1"), ("seed", "1.5"), ("seed", '"7"'),
    ("seed", "1e300"), ("speed", "NaN"), ("speed", "false"), ("speed", "3601"),
    ("scenario", "5"), ("start", "[]"), ("locale", "{}"),
])
def test_a_bad_number_or_type_in_a_spec_is_one_line_naming_the_field(
        client: TestClient, field: str, value: str) -> None:
    body = f'{{"humans": ["legal"], "{field}": {value}}}'
    response = client.post("/api/drills", content=body, headers=JSON)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert f"'{field}'" in error and "\n" not in error
    assert client.get("/api/drills", headers=H).json() == []  # nothing stored


def test_good_numbers_still_make_a_drill(client: TestClient) -> None:
    made = client.post("/api/drills", headers=H, json={
        "humans": ["legal"], "hours": 2, "seed": 0, "speed": 0})
    assert made.status_code == 201, made.text
    listed = client.get("/api/drills", headers=H).json()
    assert [(d["spec"]["hours"], d["spec"]["seed"]) for d in listed] == [(2.0, 0)]


def _bad_row(drill_id: str) -> DrillRow:
    spec = {"scenario": "overheating-kettle", "rulebook": "default", "team": "standard",
            "seed": 1, "start": "fri 17:30", "humans": {"legal": "legal"}, "speed": 0.0,
            "hours": float("nan"), "locale": None}
    return DrillRow(drill_id, "2026-01-01 00:00:00", spec, "running", 0.0, 0.0, "ROOM-CODE")


def test_a_stored_spec_that_cannot_run_fails_its_drill_not_the_list(tmp_path: Path,
                                                                    caplog: Any) -> None:
    db = ServeDB(str(tmp_path / "serve.db"))
    db.add_drill(_bad_row("badbad00"), {"ABCD-EFGH": "legal"})
    db.close()
    with caplog.at_level(logging.WARNING, logger="drills.serve"):
        app = create_app(ServeDB(str(tmp_path / "serve.db")), TOKEN)
    assert "badbad00 cannot resume, marked failed: 'hours'" in caplog.text
    with TestClient(app, raise_server_exceptions=False) as client:
        listed = client.get("/api/drills", headers=H)
        assert listed.status_code == 200, listed.text
        assert [(d["id"], d["status"], d["spec"]["hours"]) for d in listed.json()] == [
            ("badbad00", "failed", "nan")]
        state = client.get("/api/drills/badbad00/state", headers=H)
        assert state.json() == {"status": "failed", "score": None}
        made = client.post("/api/drills", headers=H, json={"humans": ["legal"], "speed": 0})
        assert made.status_code == 201  # the server still runs drills


def test_a_deeply_nested_body_is_a_400(client: TestClient) -> None:
    for body in ("[" * 60_000, '{"humans": ' + "[" * 40 + "]" * 40 + "}",
                 '{"a": "' + "[" * 1000 + '"}'):
        response = client.post("/api/drills", content=body, headers=JSON)
        assert response.status_code in (400, 422), response.text
        assert "error" in response.json()
    assert client.post("/api/drills", content="[" * 60_000,
                       headers=JSON).json()["error"] == "the body nests deeper than 32 levels"
    assert json_depth(b'{"a": "[[[{{{", "b": [[1], {"c": []}]}') == 4
    assert json_depth(b'["\\"[[["]') == 1


def test_the_state_of_an_unknown_drill_is_a_404(client: TestClient) -> None:
    response = client.get("/api/drills/00000000/state", headers=H)
    assert response.status_code == 404 and response.json() == {"error": "no drill '00000000'"}


def test_a_client_that_hangs_up_mid_body_leaves_no_traceback(tmp_path: Path,
                                                            caplog: Any) -> None:
    app = create_app(ServeDB(str(tmp_path / "serve.db")), TOKEN)
    messages = [{"type": "http.request", "body": b'{"humans": ["le', "more_body": True},
                {"type": "http.disconnect"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/drills", "raw_path": b"/api/drills",
             "query_string": b"", "root_path": "", "scheme": "http", "http_version": "1.1",
             "server": ("testserver", 80), "client": ("127.0.0.1", 5000),
             "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"),
                         (b"content-length", b"200"),
                         (b"authorization", f"Bearer {TOKEN}".encode())]}
    with caplog.at_level(logging.DEBUG):
        asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    assert sent[0]["status"] == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


@pytest.mark.parametrize(("headers", "status"), [
    ({"Sec-Fetch-Site": "cross-site"}, 403),
    ({"Sec-Fetch-Site": "same-site"}, 403),
    ({"Origin": "https://evil.example"}, 403),
    ({"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"}, 201),
    ({"Sec-Fetch-Site": "same-origin"}, 201),
    ({"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}, 201),
    ({"Origin": "http://testserver"}, 201),
    ({}, 201),  # not a browser: no page can make it act for someone else
])
def test_cross_site_writes_are_refused_by_the_middleware(client: TestClient, headers: dict,
                                                         status: int) -> None:
    response = client.post("/api/drills", headers={**H, **headers},
                           json={"humans": ["legal"], "speed": 0})
    assert response.status_code == status, response.text
    if status == 403:
        assert response.json() == {"error": "cross-site request refused"}
        assert response.headers["x-frame-options"] == "DENY"
    reading = client.get("/api/drills", headers={**H, "Sec-Fetch-Site": "cross-site"})
    assert reading.status_code == 200


def test_wrong_typed_inputs_to_a_running_drill_are_422(client: TestClient) -> None:
    drill = client.post("/api/drills", headers=H, json={"humans": ["legal"],
                                                        "speed": 0}).json()
    base = f"/api/drills/{drill['id']}"
    for path, body in (("control", {"op": "speed", "speed": float("inf")}),
                       ("control", {"op": "speed", "speed": True}),
                       ("inject", {"inject": 5}),
                       ("inject", {"to": [5], "text": "x"}),  # a list of roles is a message
                       ("inject", {"edit": 3, "text": "x"}),
                       ("post", {"persona": "x", "text": "y", "followers": True}),
                       ("validate", {"objective": 1, "status": "met"})):
        response = client.post(f"{base}/{path}", content=json.dumps(body), headers=JSON)
        assert response.status_code == 422, (path, body, response.text)


def test_the_host_header_is_checked_against_the_bound_address(tmp_path: Path) -> None:
    from drills.serve.middleware import host_name, host_names

    assert host_names("0.0.0.0") is None and host_names("::") is None
    assert host_names("192.168.1.5") == {"192.168.1.5"}
    assert {"localhost", "127.0.0.1", "::1"} <= (host_names("::1") or set())
    assert [host_name(h) for h in (b"[::1]:8765", b"LocalHost:80", b"::1", None)] == [
        "::1", "localhost", "::1", ""]
    app = create_app(ServeDB(str(tmp_path / "serve.db")), TOKEN,
                     hosts=host_names("127.0.0.1"))
    with TestClient(app, base_url="http://127.0.0.1:8765") as local:
        assert local.get("/healthz").status_code == 200
        assert local.get("/healthz", headers={"Host": "localhost:8765"}).status_code == 200
        rebound = local.get("/api/drills", headers={**H, "Host": "evil.example:8765"})
        assert rebound.status_code == 400
        assert rebound.json() == {"error": "this server does not answer to that Host header"}


def test_the_facilitator_token_moves_from_the_url_to_a_cookie(client: TestClient) -> None:
    wrong = client.get("/", params={"token": "nope"}, follow_redirects=False)
    assert wrong.status_code == 401 and "Wrong facilitator link" in wrong.text
    assert "set-cookie" not in wrong.headers
    first = client.get("/", params={"token": TOKEN}, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/"
    cookie = first.headers["set-cookie"]
    assert "drill_token=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert client.get("/api/drills").status_code == 200  # the cookie is the credential now
    drill = client.post("/api/drills", json={"humans": ["legal"], "speed": 0}).json()
    deadline = time.monotonic() + 10
    while "obligations" not in client.get(f"/api/drills/{drill['id']}/state").json():
        assert time.monotonic() < deadline, "the facilitator's view never came"
        time.sleep(0.05)
    as_legal = client.get(f"/api/drills/{drill['id']}/state",
                          headers={"X-Join-Code": drill["join"]["legal"]})
    assert as_legal.status_code == 200 and "obligations" not in as_legal.json()
    client.cookies.clear()
    assert client.get("/api/drills").status_code == 401


def test_a_command_that_outlasts_its_request_goes_on_in_the_drill(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from drills.serve import api

    drill = client.post("/api/drills", headers=H, json={"humans": ["legal"],
                                                        "speed": 0}).json()
    control = f"/api/drills/{drill['id']}/control"
    monkeypatch.setattr(api, "ANSWER_SECONDS", 0)
    busy = client.post(control, headers=H, json={"op": "advance", "by": "3h"})
    assert busy.status_code == 503 and "still busy" in busy.json()["error"]
    monkeypatch.setattr(api, "ANSWER_SECONDS", 15)
    # The drill's thread lived through it (a cancelled answer used to kill it) and moved on.
    again = client.post(control, headers=H, json={"op": "advance", "by": "1h"})
    assert again.status_code == 200, again.text
    assert again.json()["clock"] == "mon 13:00"


def test_a_lone_surrogate_in_a_body_is_a_400_and_the_drill_goes_on(client: TestClient) -> None:
    drill = client.post("/api/drills", headers=H, json={"humans": ["legal"],
                                                        "speed": 0}).json()
    base = f"/api/drills/{drill['id']}"
    client.post(f"{base}/control", headers=H, json={"op": "start"})
    for path, body, headers in (
            (f"{base}/actions", b'{"action": "update", "text": "a\\ud800b"}',
             {**JSON, "X-Join-Code": drill["join"]["legal"]}),
            (f"{base}/inject", b'{"to": "legal", "kind": "mention", "text": "\\udfff"}', JSON),
            ("/api/drills", b'{"humans": [{"role": "legal", "name": "Z\\ud800"}]}', JSON)):
        response = client.post(path, content=body, headers=headers)
        assert response.status_code == 400, response.text
        assert "lone surrogate" in response.json()["error"]
    emoji = '{"action": "update", "text": "\\ud83d\\ude00"}'
    paired = client.post(f"{base}/actions", content=emoji,
                         headers={**JSON, "X-Join-Code": drill["join"]["legal"]})
    assert paired.status_code == 201, paired.text  # a pair is an emoji, and welcome
    assert client.get(f"{base}/state", headers=H).status_code == 200
