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
import zlib
from dataclasses import dataclass
from typing import Any

from drills.errors import InputError
from drills.store.schema import MIGRATIONS
from drills.store.sqlite import Schema, open_database
from drills.store.sqlite import transaction as _transaction

#: "CRDS": this is a crisis-drills store, not any SQLite file.
STORE = Schema("store", "a drill store", 0x43524453, MIGRATIONS)


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
            self.db.executemany(
                "INSERT OR IGNORE INTO person_scores (drill_id, name, roles, score, rating)"
                " VALUES (?, ?, ?, ?, ?)", [
                    (drill_id, str(p["name"]), json.dumps(list(p.get("roles") or [])),
                     p.get("score"), p.get("rating"))
                    for p in score.get("persons") or () if isinstance(p, dict)
                    and p.get("name")])
        return drill_id

    def attempts(self, person: str) -> list[dict[str, Any]]:
        """A person's attempts, by scenario and role, oldest first: their own score and
        rating beside the team's (``drill history --person``)."""
        # Every drill they took part in; one stored before person scores has none (None).
        rows = self.db.execute(
            "SELECT d.id, d.recorded, d.kind, d.scenario, d.team, d.seed, d.start, s.roles,"
            " s.score, s.rating, d.score, d.rating, json_extract(d.header, '$.humans')"
            " FROM people AS p JOIN drills AS d ON d.id = p.drill_id"
            " LEFT JOIN person_scores AS s ON s.drill_id = p.drill_id AND s.name = p.name"
            " WHERE p.name = ?", (person,)).fetchall()
        found = [{"id": r[0], "date": r[1], "kind": r[2], "scenario": r[3] or "",
                  "team": r[4] or "", "seed": r[5], "start": r[6] or "",
                  "roles": json.loads(r[7]) if r[7] else _roles(r[12], person),
                  "score": r[8], "rating": r[9], "team_score": r[10], "team_rating": r[11]}
                 for r in rows]
        return sorted(found, key=lambda a: (a["scenario"], a["roles"], a["date"], a["id"]))

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


def _roles(humans: str | None, person: str) -> list[str]:
    """The roles ``person`` played, from a stored header's ``humans`` (JSON text)."""
    try:
        mapping = json.loads(humans) if humans else {}
    except ValueError:
        return []
    return sorted(role for role, who in mapping.items() if who == person) \
        if isinstance(mapping, dict) else []


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def open_store(path: str) -> Store:
    """Open (creating if needed) and migrate the store; a bad path is one clear error."""
    return Store(open_database(path, STORE, hint=" (give a file: --db PATH/drills.db)"), path)


def file_hash(path: str | None) -> str | None:
    """The SHA-256 of an input file, so drills can be matched as "same inputs"."""
    if not path or not os.path.isfile(path):
        return None
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()
