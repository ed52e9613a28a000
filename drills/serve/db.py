"""The server's own SQLite database (WAL): drills, their join codes, and every accepted input,
committed before the request that brought it returns. A drill is its spec plus its inputs:
after a crash it is rebuilt by replay."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from dataclasses import asdict, dataclass
from typing import Any

from drills.drive.inputs import PersonInput
from drills.errors import InputError
from drills.sim.people import PersonAction

SCHEMA = """
CREATE TABLE IF NOT EXISTS drills (
    id TEXT PRIMARY KEY,
    created TEXT NOT NULL,
    spec TEXT NOT NULL,
    status TEXT NOT NULL,
    speed REAL NOT NULL,
    reached REAL NOT NULL DEFAULT 0,
    room TEXT NOT NULL,
    log BLOB,
    score TEXT
);
CREATE TABLE IF NOT EXISTS codes (
    code TEXT PRIMARY KEY,
    drill_id TEXT NOT NULL REFERENCES drills(id),
    role TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS inputs (
    drill_id TEXT NOT NULL REFERENCES drills(id),
    seq INTEGER NOT NULL,
    t REAL NOT NULL,
    input TEXT NOT NULL,
    PRIMARY KEY (drill_id, seq)
);
"""
_APP_ID = 0x43525356  # "CRSV"


@dataclass
class DrillRow:
    id: str
    created: str
    spec: dict[str, Any]
    status: str
    speed: float
    reached: float
    room: str


class ServeDB:
    """One connection, used under a lock (the app's threads and the drills' threads)."""

    def __init__(self, path: str) -> None:
        if os.path.isdir(path):
            raise InputError(f"--db {path}: is a directory, not a database file")
        folder = os.path.dirname(os.path.abspath(path))
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            raise InputError(f"--db {path}: cannot create its folder ({exc.strerror})") from None
        self.path = path
        self.lock = threading.Lock()
        try:
            self.db = sqlite3.connect(path, timeout=30, isolation_level=None,
                                      check_same_thread=False)
            tables = self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            app_id = self.db.execute("PRAGMA application_id").fetchone()[0]
            if tables and app_id != _APP_ID:
                raise InputError(f"--db {path}: a SQLite database, but not a drill server's")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = FULL")
            self.db.executescript(SCHEMA)
            self.db.execute(f"PRAGMA application_id = {_APP_ID}")
        except sqlite3.DatabaseError as exc:
            raise InputError(f"--db {path}: not a database ({exc})") from None

    def close(self) -> None:
        with self.lock:
            self.db.close()

    def add_drill(self, row: DrillRow, codes: dict[str, str]) -> None:
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("INSERT INTO drills (id, created, spec, status, speed, reached, "
                            "room) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (row.id, row.created, json.dumps(row.spec), row.status, row.speed,
                             row.reached, row.room))
            self.db.executemany("INSERT INTO codes (code, drill_id, role) VALUES (?, ?, ?)",
                                [(code, row.id, role) for code, role in codes.items()])
            self.db.execute("COMMIT")

    def drills(self) -> list[DrillRow]:
        with self.lock:
            rows = self.db.execute("SELECT id, created, spec, status, speed, reached, room FROM "
                                   "drills ORDER BY created, id").fetchall()
        return [DrillRow(r[0], r[1], json.loads(r[2]), r[3], r[4], r[5], r[6]) for r in rows]

    def drill(self, drill_id: str) -> DrillRow | None:
        return next((r for r in self.drills() if r.id == drill_id), None)

    def codes(self, drill_id: str) -> dict[str, str]:
        with self.lock:
            return dict(self.db.execute("SELECT code, role FROM codes WHERE drill_id = ? "
                                        "ORDER BY rowid", (drill_id,)).fetchall())

    def code(self, code: str) -> tuple[str, str] | None:
        with self.lock:
            row = self.db.execute("SELECT drill_id, role FROM codes WHERE code = ?",
                                  (code,)).fetchone()
        return (row[0], row[1]) if row else None

    def add_input(self, drill_id: str, seq: int, item: PersonInput) -> None:
        """Committed (synchronously, WAL) before the caller answers the request."""
        with self.lock:
            self.db.execute("INSERT INTO inputs (drill_id, seq, t, input) VALUES (?, ?, ?, ?)",
                            (drill_id, seq, item.t, json.dumps(_input_json(item))))

    def inputs(self, drill_id: str) -> list[PersonInput]:
        with self.lock:
            rows = self.db.execute("SELECT input FROM inputs WHERE drill_id = ? ORDER BY seq",
                                   (drill_id,)).fetchall()
        return [_input_of(json.loads(r[0])) for r in rows]

    def update(self, drill_id: str, **fields: Any) -> None:
        names = sorted(fields)
        assignments = ", ".join(f"{name} = ?" for name in names)
        with self.lock:
            self.db.execute(f"UPDATE drills SET {assignments} WHERE id = ?",  # noqa: S608
                            [fields[n] for n in names] + [drill_id])

    def finished(self, drill_id: str) -> tuple[bytes | None, dict[str, Any] | None]:
        with self.lock:
            row = self.db.execute("SELECT log, score FROM drills WHERE id = ?",
                                  (drill_id,)).fetchone()
        if row is None:
            return None, None
        return row[0], json.loads(row[1]) if row[1] else None


def _input_json(item: PersonInput) -> dict[str, Any]:
    data = asdict(item)
    return data


def _input_of(data: dict[str, Any]) -> PersonInput:
    action = data.get("action")
    adhoc = data.get("adhoc")
    return PersonInput(
        t=float(data["t"]), member=str(data["member"]), kind=data["kind"],
        obligation=data.get("obligation"),
        action=PersonAction(**{**action, "channels": tuple(action["channels"])
                               if action.get("channels") is not None else None})
        if action else None,
        inject=data.get("inject"), adhoc=tuple(adhoc) if adhoc else None)
