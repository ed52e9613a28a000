"""The server's own SQLite database (WAL): drills, their join codes, and every accepted input,
committed before the request that brought it returns. A drill is its spec plus its inputs:
after a crash it is rebuilt by replay."""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass
from typing import Any

from drills.drive.inputs import PersonInput
from drills.sim.people import PersonAction
from drills.store.sqlite import Schema, open_database

#: "CRSV". Migration 1 is the schema of the versions before migrations (IF NOT EXISTS: such a
#: database is adopted as it is).
SCHEMA = Schema("server", "a drill server's database", 0x43525356, ("""
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
""", """
CREATE TABLE evaluators (
    code TEXT PRIMARY KEY,
    drill_id TEXT NOT NULL REFERENCES drills(id),
    name TEXT NOT NULL
);
CREATE TABLE ratings (
    drill_id TEXT NOT NULL REFERENCES drills(id),
    seq INTEGER NOT NULL,
    t REAL NOT NULL,
    evaluator TEXT NOT NULL,
    task TEXT NOT NULL,
    rating TEXT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (drill_id, seq)
);
CREATE TABLE hotwash (
    drill_id TEXT NOT NULL REFERENCES drills(id),
    role TEXT NOT NULL,
    well TEXT NOT NULL,
    improve TEXT NOT NULL,
    change TEXT NOT NULL,
    PRIMARY KEY (drill_id, role)
);
"""), synchronous="FULL")


@dataclass(frozen=True)
class Rating:
    """An evaluator's rating of a critical task (P/S/M/U, or "" for a note alone) at a
    moment of the drill (``t``, simulated minutes)."""

    seq: int
    t: float
    evaluator: str
    task: str
    rating: str
    note: str


@dataclass(frozen=True)
class HotWash:
    """One participant's answers when the drill ended."""

    role: str
    well: str
    improve: str
    change: str


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
        self.path = path
        self.lock = threading.Lock()
        # Join codes and the facilitator's drills: readable by the server's user only.
        self.db = open_database(path, SCHEMA, label=f"--db {path}", mode=0o600,
                                check_same_thread=False)

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
        with self.lock:
            r = self.db.execute("SELECT id, created, spec, status, speed, reached, room FROM "
                                "drills WHERE id = ?", (drill_id,)).fetchone()
        return None if r is None else DrillRow(r[0], r[1], json.loads(r[2]), r[3], r[4], r[5],
                                               r[6])

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


    # -- the evaluators and the hot wash (migration 2) ----------------------------------------

    def evaluator_code(self, drill_id: str, code: str, name: str) -> str:
        """The drill's evaluator code: the one stored, else ``code`` (stored now)."""
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            row = self.db.execute("SELECT code FROM evaluators WHERE drill_id = ? AND name = ?",
                                  (drill_id, name)).fetchone()
            if row is None:
                self.db.execute("INSERT INTO evaluators (code, drill_id, name) VALUES (?, ?, ?)",
                                (code, drill_id, name))
            self.db.execute("COMMIT")
        return str(row[0]) if row else code

    def evaluator(self, code: str) -> tuple[str, str] | None:
        """(drill id, evaluator's name) of an evaluator code."""
        with self.lock:
            row = self.db.execute("SELECT drill_id, name FROM evaluators WHERE code = ?",
                                  (code,)).fetchone()
        return (row[0], row[1]) if row else None

    def add_rating(self, drill_id: str, t: float, evaluator: str, task: str, rating: str,
                   note: str) -> Rating:
        """Committed (synchronously, WAL) before the caller answers the request."""
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            seq = self.db.execute("SELECT COALESCE(MAX(seq), -1) + 1 FROM ratings WHERE "
                                  "drill_id = ?", (drill_id,)).fetchone()[0]
            self.db.execute("INSERT INTO ratings (drill_id, seq, t, evaluator, task, rating, "
                            "note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (drill_id, seq, t, evaluator, task, rating, note))
            self.db.execute("COMMIT")
        return Rating(int(seq), t, evaluator, task, rating, note)

    def ratings(self, drill_id: str) -> list[Rating]:
        with self.lock:
            rows = self.db.execute("SELECT seq, t, evaluator, task, rating, note FROM ratings "
                                   "WHERE drill_id = ? ORDER BY seq", (drill_id,)).fetchall()
        return [Rating(int(r[0]), float(r[1]), r[2], r[3], r[4], r[5]) for r in rows]

    def add_hotwash(self, drill_id: str, answer: HotWash) -> None:
        """A participant's answers (sent again: the new ones replace them)."""
        with self.lock:
            self.db.execute("INSERT OR REPLACE INTO hotwash (drill_id, role, well, improve, "
                            "change) VALUES (?, ?, ?, ?, ?)",
                            (drill_id, answer.role, answer.well, answer.improve, answer.change))

    def hotwash(self, drill_id: str) -> list[HotWash]:
        with self.lock:
            rows = self.db.execute("SELECT role, well, improve, change FROM hotwash WHERE "
                                   "drill_id = ? ORDER BY role", (drill_id,)).fetchall()
        return [HotWash(*r) for r in rows]


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
        inject=data.get("inject"), adhoc=tuple(adhoc) if adhoc else None,
        text=data.get("text"),
        clock=(str(data["clock"][0]), data["clock"][1]) if data.get("clock") else None,
        spec=data.get("spec"))
