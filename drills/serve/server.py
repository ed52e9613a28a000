"""The drills one server runs: each drill's thread, by id, created, resumed and stopped here.

This is the library side of the web app: views call these methods and translate the answer
to HTTP; nothing here knows about requests.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import math
import secrets
from datetime import UTC, datetime
from typing import Any

from starlette.exceptions import HTTPException

from drills.drive.inputs import PersonInput
from drills.serve.db import DrillRow, ServeDB
from drills.serve.errors import api_error
from drills.serve.library import Library, drill_config
from drills.serve.recording import record_drill
from drills.serve.runner import DrillRunner
from drills.serve.validate import checked_spec, drill_spec
from drills.sim.people import PersonError

log = logging.getLogger("drills.serve")
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
#: Statuses whose drill a restart resumes.
UNFINISHED = ("created", "running", "paused")


def new_code() -> str:
    """A join or room code: 8 characters, no look-alikes (0/O, 1/I/L), read out easily."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def join_codes(codes: dict[str, str]) -> dict[str, Any]:
    """code -> role, as role -> code (or codes, when a role is played by several people)."""
    join: dict[str, list[str]] = {}
    for code, role in codes.items():
        join.setdefault(role, []).append(code)
    return {r: c[0] if len(c) == 1 else c for r, c in join.items()}


class Server:
    """The drills this server runs: their threads, by id."""

    def __init__(self, db: ServeDB, token: str, history: str | None = None,
                 library: Library | None = None, wall: Any = None) -> None:
        #: The facilitator's own files (--library): kind -> name -> (path, title or roles).
        self.library: Library = library or {}
        self.db = db
        self.token = token
        self.runners: dict[str, DrillRunner] = {}
        #: The history store ended drills are recorded in (None: not recorded).
        self.history = history
        #: The wall clock handed to each drill's thread (None: the runner's own).
        self.wall = wall

    def record(self, drill_id: str, log_data: bytes, score: dict[str, Any]) -> None:
        if self.history is None:
            return
        row = self.db.drill(drill_id)
        if row is not None:
            record_drill(self.history, drill_id, row.spec, self.library, log_data, score)

    def resume_all(self) -> list[str]:
        """After a restart: every unfinished drill, replayed to where it had reached. A stored
        spec that no longer passes the checks marks its drill failed; the others go on."""
        resumed = []
        for row in self.db.drills():
            if row.status not in UNFINISHED:
                continue
            try:
                self._start_runner(row, self.db.inputs(row.id))
            except HTTPException as exc:
                log.warning("drill %s cannot resume, marked failed: %s", row.id, exc.detail)
                self.db.update(row.id, status="failed")
                continue
            except Exception:  # a bug in one drill must not keep the server from starting
                log.exception("drill %s cannot resume, marked failed", row.id)
                self.db.update(row.id, status="failed")
                continue
            resumed.append(row.id)
        return resumed

    def _start_runner(self, row: DrillRow, inputs: list[PersonInput]) -> DrillRunner:
        config = drill_config(checked_spec(row.spec), self.library)
        extra: dict[str, Any] = {}
        if self.wall is not None and "wall" in inspect.signature(DrillRunner).parameters:
            extra["wall"] = self.wall
        runner = DrillRunner(row.id, config, self.db, status=row.status, speed=row.speed,
                             reached=row.reached, inputs=inputs, on_end=self.record, **extra)
        self.runners[row.id] = runner
        runner.start()
        return runner

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        """A new drill from a create request's body: checked, stored, its thread started."""
        spec, people = drill_spec(body)
        drill_config(spec, self.library)  # every input checked before anything is stored
        drill_id = secrets.token_hex(4)
        codes = {new_code(): role for role in people}
        row = DrillRow(drill_id, datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                       spec, "created", float(spec["speed"]), 0.0, new_code())
        self.db.add_drill(row, codes)
        self._start_runner(row, [])
        return {"id": drill_id, "join": join_codes(codes), "room": row.room}

    def listing(self) -> list[dict[str, Any]]:
        """Every drill on this server, with its live status, spec, join and room codes."""
        drills = []
        for row in self.db.drills():
            runner = self.runners.get(row.id)
            drills.append({"id": row.id, "created": row.created,
                           "status": runner.status if runner else row.status,
                           "spec": _json_safe(row.spec), "room": row.room,
                           "join": join_codes(self.db.codes(row.id))})
        return drills

    def shutdown(self) -> None:
        """Stop every drill's thread, saving where it was (a restart resumes it)."""
        waiting = [runner.submit("stop") for runner in self.runners.values()
                   if runner.is_alive()]
        for answer in waiting:
            with contextlib.suppress(PersonError, TimeoutError):
                answer.result(timeout=10)
        for runner in self.runners.values():
            runner.join(timeout=10)

    def runner(self, drill_id: str) -> DrillRunner:
        runner = self.runners.get(drill_id)
        if runner is None:
            raise api_error(404, f"no running drill {drill_id!r}")
        return runner


def _json_safe(value: Any) -> Any:
    """A stored value as strict JSON can carry it (a spec stored before the checks may hold
    NaN, which would break the whole listing)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value
