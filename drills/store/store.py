"""The history store: open (checked, migrated), record a drill in one transaction, query.

SQLite in WAL mode: readers never block the writer, two processes recording at once both
land (each waits its turn), and a process killed mid-write loses only its own unfinished
transaction. The shell decides the path (``--db``, ``DRILLS_DB`` or the user's data folder)
and the clock (the date a drill was recorded).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
import zlib
from dataclasses import dataclass
from typing import Any

from drills.errors import InputError
from drills.store.schema import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_MS = 30_000
_APP_ID = 0x43524453  # "CRDS": this is a crisis-drills store, not any SQLite file


@dataclass(frozen=True)
class StoredDrill:
    id: int
    recorded: str
    kind: str
    scenario: str
    rulebook: str
    team: str
    seed: int | None
    start: str
    people: list[str]
    score: float | None
    rating: str | None

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "date": self.recorded, "kind": self.kind,
                "scenario": self.scenario, "rulebook": self.rulebook, "team": self.team,
                "seed": self.seed, "start": self.start, "people": self.people,
                "score": self.score, "rating": self.rating}


def default_path() -> str:
    from platformdirs import user_data_dir

    return os.path.join(user_data_dir("crisis-drills", appauthor=False), "drills.db")


def store_path(option: str | None) -> str:
    """``--db``, else ``DRILLS_DB``, else the user's data folder."""
    return option or os.environ.get("DRILLS_DB") or default_path()


class Store:
    def __init__(self, connection: sqlite3.Connection, path: str) -> None:
        self.db = connection
        self.path = path

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def record(self, *, recorded: str, kind: str, header: dict[str, Any],
               score: dict[str, Any], log: bytes, records: int,
               hashes: dict[str, str | None]) -> int:
        """Store one drill in one transaction; return its id."""
        people = sorted(set(score.get("people") or []))
        row = (recorded, kind, _text(header.get("scenario")), _text(header.get("rulebook")),
               _text(header.get("rulebook_version")), _text(header.get("team")),
               header.get("seed") if isinstance(header.get("seed"), int) else None,
               _text(header.get("start")), _text(header.get("locale")), json.dumps(people),
               score.get("score"), score.get("rating"),
               json.dumps(header, ensure_ascii=False, sort_keys=True),
               json.dumps(score, ensure_ascii=False, sort_keys=True), zlib.compress(log, 6),
               records, hashes.get("scenario"), hashes.get("rulebook"), hashes.get("team"))
        with _transaction(self.db):
            cursor = self.db.execute(
                "INSERT INTO drills (recorded, kind, scenario, rulebook, rulebook_version, team,"
                " seed, start, locale, people, score, rating, header, score_doc, log,"
                " log_records, hash_scenario, hash_rulebook, hash_team)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
            drill_id = int(cursor.lastrowid or 0)
            self.db.executemany("INSERT INTO people (drill_id, name) VALUES (?, ?)",
                                [(drill_id, name) for name in people])
        return drill_id

    def drills(self, *, team: str | None = None, scenario: str | None = None,
               person: str | None = None) -> list[StoredDrill]:
        where, args = [], []
        if team:
            where.append("team = ?")
            args.append(team)
        if scenario:
            where.append("scenario = ?")
            args.append(scenario)
        if person:
            where.append("id IN (SELECT drill_id FROM people WHERE name = ?)")
            args.append(person)
        # Only our own constant fragments are joined; every value is a bound parameter.
        sql = ("SELECT id, recorded, kind, scenario, rulebook, team, seed, start, people, "  # noqa: S608
               "score, rating FROM drills" + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY recorded, id")
        return [StoredDrill(r[0], r[1], r[2], r[3] or "", r[4] or "", r[5] or "", r[6],
                            r[7] or "", json.loads(r[8]), r[9], r[10])
                for r in self.db.execute(sql, args)]

    def log_bytes(self, drill_id: int) -> bytes:
        row = self.db.execute("SELECT log FROM drills WHERE id = ?", (drill_id,)).fetchone()
        if row is None:
            raise InputError(f"{self.path}: no drill {drill_id} in the store")
        return zlib.decompress(row[0])

    def score_document(self, drill_id: int) -> dict[str, Any]:
        row = self.db.execute("SELECT score_doc FROM drills WHERE id = ?",
                              (drill_id,)).fetchone()
        if row is None:
            raise InputError(f"{self.path}: no drill {drill_id} in the store")
        document: dict[str, Any] = json.loads(row[0])
        return document

    def same_inputs(self, drill_id: int) -> list[int]:
        """Drills with the same scenario, rulebook and team files (by hash) and seed."""
        row = self.db.execute("SELECT hash_scenario, hash_rulebook, hash_team, seed FROM "
                              "drills WHERE id = ?", (drill_id,)).fetchone()
        if row is None:
            raise InputError(f"{self.path}: no drill {drill_id} in the store")
        return [r[0] for r in self.db.execute(
            "SELECT id FROM drills WHERE hash_scenario IS ? AND hash_rulebook IS ? AND "
            "hash_team IS ? AND seed IS ? AND id != ? ORDER BY id", (*row, drill_id))]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error): a writer takes the lock up front."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_rest: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def open_store(path: str) -> Store:
    """Open (creating if needed) and migrate the store; a bad path is one clear error."""
    if os.path.isdir(path):
        raise InputError(f"{path}: is a directory, not a drill store (give a file: --db "
                         "PATH/drills.db)")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.exists(path):
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{path}: cannot create its folder ({exc.strerror})") from None
    elif not os.access(path, os.R_OK | os.W_OK):
        raise InputError(f"{path}: cannot read and write it (permissions)")
    try:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise InputError(f"{path}: cannot open it as a drill store ({exc})") from None
    try:
        _prepare_patiently(db, path)
    except sqlite3.OperationalError as exc:
        db.close()
        raise InputError(f"{path}: the store stayed busy ({exc}); try again") from None
    except sqlite3.DatabaseError as exc:
        db.close()
        raise InputError(f"{path}: not a drill store (SQLite says: {exc})") from None
    except InputError:
        db.close()
        raise
    return Store(db, path)


def _prepare_patiently(db: sqlite3.Connection, path: str) -> None:
    """Another process may be creating the store or switching it to WAL this very moment,
    when SQLite answers "locked" without waiting: try again, for as long as a writer would
    wait."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.01
    while True:
        try:
            _prepare(db, path)
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if db.in_transaction:
                db.execute("ROLLBACK")
            if time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


def _prepare(db: sqlite3.Connection, path: str) -> None:
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if tables and app_id != _APP_ID:
        raise InputError(f"{path}: a SQLite database, but not a drill store")
    if version > SCHEMA_VERSION:
        raise InputError(f"{path}: written by a newer crisis-drills (store schema {version}); "
                         f"this one understands up to {SCHEMA_VERSION}: upgrade crisis-drills")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    if version == SCHEMA_VERSION:
        return
    with _transaction(db):
        # Checked again inside the lock: another process may have migrated meanwhile.
        version = db.execute("PRAGMA user_version").fetchone()[0]
        for step in range(version, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[step]):
                db.execute(statement)
        db.execute(f"PRAGMA application_id = {_APP_ID}")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _statements(script: str) -> list[str]:
    """A migration's statements (``executescript`` would commit the transaction)."""
    return [s.strip() for s in script.split(";") if s.strip()]


def file_hash(path: str | None) -> str | None:
    """The SHA-256 of an input file, so drills can be matched as "same inputs"."""
    if not path or not os.path.isfile(path):
        return None
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()
